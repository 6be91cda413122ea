// Downloads over HTTP as a user makes them: the original byte for byte, and a copy with the
// archive's credits written in, read back with exifr and with ExifTool.
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import exifr from 'exifr';
import { ExifTool } from 'exiftool-vendored';
import sharp from 'sharp';
import { fixture, resetDatabase, startTestApp, type TestApp } from '../support/app';

const CREDIT = 'Офіс Президента України';
const CAPTION = 'A soldier, according to a video shared by Zelensky: "still" ../../etc';
const SOURCE = 'https://t.me/V_Zelenskiy_official/1234';

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Text from exifr's XMP/IPTC values: plain, { value }, or an array of either. exifr 7 returns XMP
 *  text as it stands in the XML (`&quot;` for a quote), so the XML entities are decoded as any XMP reader does. */
function text(value: unknown): string {
  if (Array.isArray(value)) return value.map(text).join('; ');
  if (value && typeof value === 'object' && 'value' in value) return text((value as { value: unknown }).value);
  if (value === undefined || value === null) return '';
  const entities: Record<string, string> = { quot: '"', apos: "'", lt: '<', gt: '>', amp: '&' };
  return String(value).replace(/&(quot|apos|lt|gt|amp);/g, (_m, name: string) => entities[name]);
}

describe('downloads with credits embedded', function () {
  this.timeout(120_000);
  let app: TestApp;
  let work: string;
  const exiftool = new ExifTool({ maxProcs: 1 });
  const files: Record<string, { path: string; copyright: string }> = {};
  const ids: Record<string, string> = {};

  before(async () => {
    app = await startTestApp();
    await resetDatabase();
    work = await mkdtemp(path.join(os.tmpdir(), 'archive-downloads-'));
    // PNG and WebP fixtures carry no copyright: these are made with one in EXIF, which the download must carry into XMP (and IPTC for PNG).
    const base = sharp(fixture('DSCN0010.jpg')).resize(320);
    files.png = { path: path.join(work, 'made.png'), copyright: '' };
    await base.clone().withExif({ IFD0: { Copyright: 'Copyright Test Agency 2025' } }).png().toFile(files.png.path);
    files.webp = { path: path.join(work, 'made.webp'), copyright: '' };
    await base.clone().withExif({ IFD0: { Copyright: 'Copyright Second Agency 2024' } }).webp().toFile(files.webp.path);
    files.jpeg = { path: fixture('iptc-staff-photographer-example.jpg'), copyright: '' };
    files.tiff = { path: fixture('tif-with-iptc-icc-xmp.tif'), copyright: '' };
    for (const [kind, file] of Object.entries(files)) {
      const response = await app.as('editor').post('/api/images').field('caption', CAPTION).field('credit', CREDIT).field('sourceUrl', SOURCE).attach('image', file.path).expect(201);
      ids[kind] = response.body.id;
      file.copyright ||= response.body.embedded.copyright;
    }
    // The copyright is what the archive read from each file (it has no declared copyright of its own).
    for (const [kind, file] of Object.entries(files)) expect(file.copyright, `${kind} has a copyright notice`).to.be.a('string').and.not.equal('');
  });

  after(async () => {
    await exiftool.end();
    await app.services.stop();
    await app.close();
    await rm(work, { recursive: true, force: true });
  });

  async function download(kind: string, query = '?embed=1'): Promise<{ bytes: Buffer; headers: Record<string, string>; file: string }> {
    const response = await app.as('editor').get(`/api/images/${ids[kind]}/download${query}`).buffer(true).parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    }).expect(200);
    const bytes = response.body as Buffer;
    const file = path.join(work, `${kind}-download${path.extname(files[kind].path)}`);
    await writeFile(file, bytes);
    return { bytes, headers: response.headers as Record<string, string>, file };
  }

  for (const kind of ['jpeg', 'png', 'tiff', 'webp']) {
    it(`writes caption, credit, source and copyright into a ${kind.toUpperCase()} that ExifTool reads back`, async () => {
      const { bytes, headers, file } = await download(kind);
      expect(headers['x-archive-sha256']).to.equal(sha256(bytes));
      expect(headers['x-archive-original-sha256']).to.equal(sha256(await readFile(files[kind].path)));
      expect(headers['x-archive-sha256']).to.not.equal(headers['x-archive-original-sha256']);
      expect(headers['content-disposition']).to.match(/^attachment; filename="?A-soldier-according-to-a-video-shared-by-Zelensky-still-etc-[a-f0-9]{8}-credited\.[a-z]+"?$/);
      const tags = (await exiftool.readRaw(file, ['-G1', '-XMP:all', '-IPTC:all'])) as Record<string, unknown>;
      expect(tags['XMP-dc:Description']).to.equal(CAPTION);
      expect(tags['XMP-photoshop:Credit']).to.equal(CREDIT);
      expect(tags['XMP-photoshop:Source']).to.equal(SOURCE);
      expect(tags['XMP-dc:Rights']).to.equal(files[kind].copyright);
      expect(tags['XMP-iptcExt:RegistryItemID']).to.equal(ids[kind]);
      expect(tags['XMP-dc:Identifier']).to.equal(`${app.url}/images/${ids[kind]}`);
      if (kind !== 'webp') {
        // WebP has no IPTC-IIM container; the others carry the IIM names too, declared UTF-8.
        expect(tags['IPTC:Caption-Abstract']).to.equal(CAPTION);
        expect(tags['IPTC:Credit']).to.equal(CREDIT);
        expect(tags['IPTC:Source']).to.equal(SOURCE);
        expect(tags['IPTC:CopyrightNotice']).to.equal(files[kind].copyright);
        expect(tags['IPTC:CodedCharacterSet']).to.equal('UTF8');
      }
    });
  }

  // exifr 7 reads neither WebP nor GIF (see README); the other three are read back with it too.
  for (const kind of ['jpeg', 'png', 'tiff']) {
    it(`the ${kind.toUpperCase()} download reads back with exifr`, async () => {
      const { bytes } = await download(kind);
      const parsed = (await exifr.parse(bytes, { xmp: true, iptc: true, mergeOutput: false })) as Record<string, Record<string, unknown>>;
      expect(text(parsed.dc?.description)).to.equal(CAPTION);
      expect(text(parsed.photoshop?.Credit)).to.equal(CREDIT);
      expect(text(parsed.photoshop?.Source)).to.equal(SOURCE);
      expect(text(parsed.dc?.rights)).to.equal(files[kind].copyright);
      // exifr 7 does not read IIM from PNG's "Raw profile type iptc" text chunk (ExifTool does, above).
      if (kind === 'png') return;
      // exifr 7 decodes IIM strings as Latin-1 whatever CodedCharacterSet says; the bytes are UTF-8, as declared.
      const iim = (value: unknown) => Buffer.from(text(value), 'latin1').toString('utf8');
      expect(iim(parsed.iptc?.Credit)).to.equal(CREDIT);
      expect(iim(parsed.iptc?.Caption)).to.equal(CAPTION);
    });
  }

  it('leaves the JPEG pixels exactly as they were (no re-encoding)', async () => {
    const { bytes } = await download('jpeg');
    const [before, after] = await Promise.all([sharp(files.jpeg.path).raw().toBuffer(), sharp(bytes).raw().toBuffer()]);
    expect(after.length).to.equal(before.length);
    expect(after.equals(before)).to.equal(true);
  });

  it('serves the original byte for byte as an attachment with a name from the caption', async () => {
    const response = await app.as('editor').get(`/api/images/${ids.tiff}/original`).buffer(true).parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    }).expect(200);
    expect((response.body as Buffer).equals(await readFile(files.tiff.path))).to.equal(true);
    expect(response.headers['content-type']).to.equal('image/tiff');
    expect(response.headers['content-disposition']).to.match(/^attachment; filename="?A-soldier-according-to-a-video-shared-by-Zelensky-still-etc-[a-f0-9]{8}\.tif"?$/);
    expect(response.headers['x-archive-sha256']).to.equal(sha256(await readFile(files.tiff.path)));
  });

  it('warns that writing breaks Content Credentials and points to the plain original', async () => {
    const stored = await app.as('editor').post('/api/images').field('caption', 'Signed picture').attach('image', fixture('C.jpg')).expect(201);
    expect(stored.body.c2pa.present).to.equal(true);
    const response = await app.as('editor').get(`/api/images/${stored.body.id}/download?embed=1`).expect(200);
    expect(response.headers['x-archive-c2pa-warning']).to.include('hash binding');
    expect(response.headers.link).to.include(`/api/images/${stored.body.id}/original`);
    const plain = await app.as('editor').get(`/api/images/${ids.jpeg}/download?embed=1`).expect(200);
    expect(plain.headers['x-archive-c2pa-warning']).to.equal(undefined);
  });

  it("the image page offers both downloads, and warns beside the credited one for a signed file", async () => {
    const signed = (await app.as('editor').get('/api/images?q=signed').expect(200)).body.items[0].id as string;
    const page = (await app.as('editor').get(`/images/${signed}`).expect(200)).text;
    expect(page).to.include(`href="/api/images/${signed}/original"`);
    expect(page).to.include(`href="/api/images/${signed}/download?embed=1"`);
    expect(page).to.include('breaks the manifest');
    const unsigned = (await app.as('editor').get(`/images/${ids.jpeg}`).expect(200)).text;
    expect(unsigned).to.include(`href="/api/images/${ids.jpeg}/download?embed=1"`);
    expect(unsigned).to.not.include('breaks the manifest');
  });

  it('refuses a malformed id, an unknown id and an unknown query parameter with a readable error', async () => {
    expect((await app.as('editor').get('/api/images/nope/original').expect(400)).body.error.message).to.include('not an image id');
    expect((await app.as('editor').get('/api/images/0123456789abcdef01234567/download?embed=1').expect(404)).body.error.message).to.include('No image');
    expect((await app.as('editor').get(`/api/images/${ids.jpeg}/download?embed=yes`).expect(400)).body.error.message).to.include('embed');
  });

  it('leaves no temporary copy behind', async () => {
    await download('png');
    const { readdir } = await import('node:fs/promises');
    expect(await readdir(path.join(app.uploadDir, 'tmp'))).to.deep.equal([]);
  });
});

describe('known hashes', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp();
    await resetDatabase();
  });
  after(() => app.close());

  it('answers which of up to 1,000 hashes the archive holds, with their ids', async () => {
    const stored = await app.as('editor').post('/api/images').attach('image', fixture('DSCN0010.jpg')).expect(201);
    const unknown = 'f'.repeat(64);
    const response = await app.as('editor').post('/api/images/known').send({ hashes: [stored.body.sha256.toUpperCase(), unknown] }).expect(200);
    expect(response.body).to.deep.equal({ known: { [stored.body.sha256]: stored.body.id } });
  });

  it('refuses more than 1,000 hashes, a malformed hash and unknown fields', async () => {
    const many = Array.from({ length: 1001 }, (_, i) => i.toString(16).padStart(64, '0'));
    expect((await app.as('editor').post('/api/images/known').send({ hashes: many }).expect(400)).body.error.message).to.equal('At most 1000 hashes per request: send the rest in another.');
    expect((await app.as('editor').post('/api/images/known').send({ hashes: ['abc'] }).expect(400)).body.error.message).to.include('SHA-256');
    expect((await app.as('editor').post('/api/images/known').send({ hashes: { $ne: null } }).expect(400)).body.error.message).to.include('SHA-256');
    expect((await app.as('editor').post('/api/images/known').send({ hashes: ['f'.repeat(64)], extra: 1 }).expect(400)).body.error.message).to.equal('Unknown field(s): extra. Send only "hashes".');
  });
});
