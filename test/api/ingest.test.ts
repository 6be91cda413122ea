// The ingest pipeline through real HTTP: refusals leave nothing behind, duplicates are not stored twice,
// several files get one result each, and the seed article's printed lines are split as printed.
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import sharp from 'sharp';
import { ImageModel } from '../../server/images/image.model';
import { emptyUploads, filesUnder, fixture, resetDatabase, startTestApp, type TestApp } from '../support/app';

describe('ingest API (POST /api/images)', () => {
  let app: TestApp;

  before(async () => {
    app = await startTestApp({ maxUploadBytes: 2 * 1024 * 1024 });
  });
  after(async () => {
    await app.close();
  });
  beforeEach(async () => {
    await resetDatabase();
    await emptyUploads(app);
  });

  async function storedFiles(): Promise<string[]> {
    return (await filesUnder(app.uploadDir)).filter((name) => !name.startsWith('tmp'));
  }

  async function expectNothingStored(): Promise<void> {
    expect(await filesUnder(app.uploadDir)).to.deep.equal([]);
    expect(await ImageModel.countDocuments()).to.equal(0);
  }

  it('stores a JPEG with its derivatives and returns 201 with an id', async () => {
    const response = await app.as('verifier')
      .post('/api/images')
      .field('caption', 'A test picture')
      .field('credit', 'Jane Doe/AFP via Getty Images')
      .field('sourceUrl', 'https://example.org/post/1')
      .attach('image', fixture('DSCN0010.jpg'))
      .expect(201);
    expect(response.body.id).to.match(/^[a-f0-9]{24}$/);
    expect(response.body.outcome).to.equal('created');
    expect(response.body.declared.caption).to.equal('A test picture');
    expect(response.body.declared.credit).to.equal('Jane Doe/AFP via Getty Images');
    expect(response.body.embedded.make).to.equal('NIKON');
    expect(response.body.file.format).to.equal('jpeg');
    const sha256 = response.body.sha256 as string;
    const files = await storedFiles();
    expect(files).to.include(path.join('originals', `${sha256}.jpg`));
    expect(files.filter((name) => name.startsWith('derivatives'))).to.have.length(2);
    const original = await readFile(path.join(app.uploadDir, 'originals', `${sha256}.jpg`));
    expect(original.equals(await readFile(fixture('DSCN0010.jpg')))).to.equal(true);
  });

  it('stores an identical file only once and records the second upload as a new use', async () => {
    const first = await app.as('verifier').post('/api/images').field('credit', 'Reuters').attach('image', fixture('Canon_40D.jpg')).expect(201);
    const before = await storedFiles();
    const runAgain = () =>
      app.as('verifier')
        .post('/api/images')
        .field('printedLine', 'The same picture, run again (AP Photo/John Smith)')
        .field('articleHeadline', 'Another story')
        .attach('image', fixture('Canon_40D.jpg'))
        .expect(200);
    const second = await runAgain();
    expect(second.body.id).to.equal(first.body.id);
    expect(second.body.outcome).to.equal('existing');
    expect(await storedFiles()).to.deep.equal(before);
    expect(await ImageModel.countDocuments()).to.equal(1);
    const use = second.body.uses.at(-1);
    expect(use.credit).to.equal('AP Photo/John Smith');
    expect(use.caption).to.equal('The same picture, run again');
    expect(use.article.headline).to.equal('Another story');

    // The same upload once more (a retry) is the same use, not a third printing.
    const retried = await runAgain();
    expect(retried.body.uses).to.have.length(second.body.uses.length);
  });

  it('splits the seed article printed lines into caption and credit', async () => {
    const line = 'The passport belonging to a captured North Korean soldier (Telegram/Volodymyr Zelensky)';
    const response = await app.as('verifier')
      .post('/api/images')
      .field('printedLine', line)
      .field('articleHeadline', 'What happened to the North Korean troops fighting Ukraine on the frontline?')
      .field('articlePublisher', 'The Independent')
      .field('articlePublishedAt', '2025-02-07T14:37:00Z')
      .attach('image', fixture('noexif.jpg'))
      .expect(201);
    expect(response.body.declared.caption).to.equal('The passport belonging to a captured North Korean soldier');
    expect(response.body.declared.credit).to.equal('Telegram/Volodymyr Zelensky');
    expect(response.body.declared.printedLine).to.equal(line);
    expect(response.body.declared.platform).to.equal('telegram');
    expect(response.body.uses[0].article.publisher).to.equal('The Independent');
  });

  describe('refusals leave no file in uploads/ and no record', () => {
    let scratch: string;
    before(async () => {
      scratch = await import('node:fs/promises').then((fs) => fs.mkdtemp(path.join(os.tmpdir(), 'ingest-refusals-')));
    });

    it('refuses a text file named .jpg with 415', async () => {
      const fake = path.join(scratch, 'holiday.jpg');
      await writeFile(fake, 'This is not a picture, whatever its name says.\n');
      const response = await app.as('verifier').post('/api/images').attach('image', fake, { contentType: 'image/jpeg' }).expect(415);
      expect(response.body.error.code).to.equal('unsupported_type');
      expect(response.body.error.message).to.match(/not an image/i);
      await expectNothingStored();
    });

    it('refuses a PNG whose header claims 50,000 × 50,000 pixels with 413', async () => {
      // A real 1×1 PNG with its IHDR width and height rewritten: cheap to send, huge if decoded.
      const png = Buffer.from(await sharp({ create: { width: 1, height: 1, channels: 3, background: '#000' } }).png().toBuffer());
      png.writeUInt32BE(50_000, 16);
      png.writeUInt32BE(50_000, 20);
      const bomb = path.join(scratch, 'bomb.png');
      await writeFile(bomb, png);
      const response = await app.as('verifier').post('/api/images').attach('image', bomb).expect(413);
      expect(response.body.error.message).to.match(/megapixels/);
      await expectNothingStored();
    });

    it('refuses a truncated JPEG with 422', async () => {
      const whole = await readFile(fixture('Canon_40D.jpg'));
      const truncated = path.join(scratch, 'truncated.jpg');
      await writeFile(truncated, whole.subarray(0, Math.floor(whole.length / 2)));
      const response = await app.as('verifier').post('/api/images').attach('image', truncated).expect(422);
      expect(response.body.error.message).to.be.a('string').with.length.greaterThan(0);
      await expectNothingStored();
    });

    it('refuses an empty file with 400', async () => {
      const empty = path.join(scratch, 'empty.jpg');
      await writeFile(empty, '');
      const response = await app.as('verifier').post('/api/images').attach('image', empty).expect(400);
      expect(response.body.error.code).to.equal('empty_file');
      await expectNothingStored();
    });

    it('refuses a request without a file with 400', async () => {
      const response = await app.as('verifier').post('/api/images').field('caption', 'no file here').expect(400);
      expect(response.body.error.code).to.equal('missing_file');
      await expectNothingStored();
    });

    it('refuses a file in an unexpected field with 400', async () => {
      const response = await app.as('verifier').post('/api/images').attach('photo', fixture('IPTC.jpg')).expect(400);
      expect(response.body.error.message).to.include('"photo"');
      await expectNothingStored();
    });

    it('refuses a file over the size limit with 413', async () => {
      const big = path.join(scratch, 'big.jpg');
      const copy = Buffer.alloc(3 * 1024 * 1024, 0);
      (await readFile(fixture('Canon_40D.jpg'))).copy(copy);
      await writeFile(big, copy);
      const response = await app.as('verifier').post('/api/images').attach('image', big).expect(413);
      expect(response.body.error.code).to.equal('file_too_large');
      await expectNothingStored();
    });

    it('refuses a source URL that is not http(s) with 400', async () => {
      const response = await app.as('verifier').post('/api/images').field('sourceUrl', 'javascript:alert(1)').attach('image', fixture('IPTC.jpg')).expect(400);
      expect(response.body.error.message).to.include('sourceUrl');
      await expectNothingStored();
    });
  });

  it('gives one result per file, in upload order, when several are sent', async () => {
    const scratch = await import('node:fs/promises').then((fs) => fs.mkdtemp(path.join(os.tmpdir(), 'ingest-multi-')));
    const fake = path.join(scratch, 'fake.png');
    await writeFile(fake, '%PDF-1.4 not an image');
    const response = await app.as('verifier')
      .post('/api/images')
      .field('credit', 'Supplied')
      .attach('images', fixture('IPTC.jpg'))
      .attach('images', fake)
      .attach('images', fixture('mars.webp'))
      .expect(201);
    const results = response.body.results as Array<{ httpStatus: number; id?: string; fileName: string; error?: { code: string } }>;
    expect(results.map((result) => result.httpStatus)).to.deep.equal([201, 415, 201]);
    expect(results.map((result) => result.fileName)).to.deep.equal(['IPTC.jpg', 'fake.png', 'mars.webp']);
    expect(results[1].error?.code).to.equal('unsupported_type');
    expect(await ImageModel.countDocuments()).to.equal(2);
  });

  it('accepts the iPhone HEIC photo end to end', async () => {
    const response = await app.as('verifier').post('/api/images').attach('image', fixture('heic-iphone7.heic')).expect(201);
    expect(response.body.file.format).to.equal('heif');
    expect(response.body.embedded.make).to.equal('Apple');
    const thumbnail = await app.as('verifier').get(response.body.derivatives.thumbnail.url).expect(200);
    const meta = await sharp(thumbnail.body as Buffer).metadata();
    expect(meta.format).to.equal('webp');
    expect(Math.max(meta.width ?? 0, meta.height ?? 0)).to.be.at.most(400);
  });

  it('decides the type from the content, not the name', async () => {
    const scratch = await import('node:fs/promises').then((fs) => fs.mkdtemp(path.join(os.tmpdir(), 'ingest-name-')));
    const disguised = path.join(scratch, 'photo.jpg');
    await copyFile(fixture('libpng-test.png'), disguised);
    const response = await app.as('verifier').post('/api/images').attach('image', disguised, { contentType: 'image/jpeg' }).expect(201);
    expect(response.body.file.format).to.equal('png');
    expect(response.body.original.url).to.match(/\.png$/);
  });
});
