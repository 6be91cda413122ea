// What the file's bytes say, through HTTP as a user uploads: files built here with sharp and ExifTool
// (a swapped EXIF thumbnail, known JPEG qualities, platform-shaped and camera-shaped files, clocks
// that disagree), each checked in the image JSON, the provenance report and the image page.
import { copyFile, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { ExifTool } from 'exiftool-vendored';
import sharp from 'sharp';
import { fixture, resetDatabase, startTestApp, type TestApp } from '../support/app';

interface FindingJson {
  code: string;
  severity: string;
  message: string;
  evidence: Array<{ tag?: string; value?: string; distance?: number }>;
}

/** A picture with detail (a gradient and shapes), so perceptual hashes and encoders have something to work on. */
async function picture(width: number, height: number, variant = 0): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <defs><linearGradient id="g" x1="0" x2="1"><stop offset="0" stop-color="${variant ? '#204080' : '#e0c040'}"/><stop offset="1" stop-color="${variant ? '#f0f0f0' : '#102010'}"/></linearGradient></defs>
    <rect width="100%" height="100%" fill="url(#g)"/>
    <circle cx="${variant ? 0.7 : 0.3}" cy="0.5" r="0.2" transform="scale(${width} ${height})" fill="${variant ? '#c02020' : '#2040c0'}"/>
    <rect x="${width * (variant ? 0.1 : 0.6)}" y="${height * 0.15}" width="${width * 0.25}" height="${height * 0.7}" fill="${variant ? '#20a040' : '#f0f0f0'}"/>
  </svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

describe('forensic findings over HTTP', function () {
  this.timeout(120_000);
  let app: TestApp;
  let scratch: string;
  const exiftool = new ExifTool({ maxProcs: 1 });

  before(async () => {
    app = await startTestApp();
    scratch = await mkdtemp(path.join(os.tmpdir(), 'forensics-api-'));
  });
  after(async () => {
    await app.close();
    await exiftool.end();
  });
  beforeEach(async () => {
    await resetDatabase();
  });

  async function upload(file: string, fields: Record<string, string> = {}) {
    let req = app.as('editor').post('/api/images');
    for (const [name, value] of Object.entries(fields)) req = req.field(name, value);
    const response = await req.attach('image', file).expect(201);
    const report = await app.as('editor').get(`/api/images/${response.body.id}/provenance`).expect(200);
    return { image: response.body, findings: report.body.findings as FindingJson[] };
  }

  const codes = (findings: FindingJson[]) => findings.map((finding) => finding.code);

  it('a JPEG whose EXIF thumbnail was replaced by another picture gets the thumbnail finding; the untouched original does not', async () => {
    const original = path.join(scratch, 'camera.jpg');
    await copyFile(fixture('DSCN0010.jpg'), original);
    const swapped = path.join(scratch, 'swapped.jpg');
    await copyFile(original, swapped);
    const otherThumb = path.join(scratch, 'other-thumb.jpg');
    await writeFile(otherThumb, await sharp(await picture(160, 120, 1)).jpeg({ quality: 80 }).toBuffer());
    await exiftool.write(swapped, {}, { writeArgs: [`-ThumbnailImage<=${otherThumb}`, '-overwrite_original'] });

    const untouched = await upload(original);
    expect(untouched.image.forensics.thumbnail.distance).to.be.at.most(6);
    expect(codes(untouched.findings)).to.not.include('file.thumbnail_differs');

    const edited = await upload(swapped);
    const thumbnail = edited.findings.find((finding) => finding.code === 'file.thumbnail_differs');
    expect(thumbnail, 'thumbnail finding').to.not.equal(undefined);
    expect(thumbnail!.severity).to.equal('notice');
    expect(thumbnail!.message).to.contain('a hint, not proof');
    expect(thumbnail!.evidence[0]!.distance).to.be.at.least(20);
    const page = await app.as('editor').get(`/images/${edited.image.id}`).expect(200);
    expect(page.text).to.contain('embedded EXIF thumbnail shows a different picture');
  });

  it('compares the thumbnail after orientation: a camera file tagged "rotated 90°" still matches its own thumbnail', async () => {
    // The tag turns the displayed picture; the thumbnail, stored unrotated like the pixels, must be turned with it.
    const rotated = path.join(scratch, 'rotated.jpg');
    await copyFile(fixture('DSCN0010.jpg'), rotated);
    await exiftool.write(rotated, { Orientation: 6 }, { writeArgs: ['-n', '-overwrite_original'] });
    const { image, findings } = await upload(rotated);
    expect(image.file).to.include({ width: 480, height: 640 });
    expect(image.forensics.thumbnail.distance).to.be.at.most(6);
    expect(codes(findings)).to.not.include('file.thumbnail_differs');
  });

  for (const quality of [50, 75, 90]) {
    it(`a JPEG sharp encoded at quality ${quality} is stored with jpegQuality within 3 of it, shown in the technical panel`, async () => {
      const file = path.join(scratch, `q${quality}.jpg`);
      await writeFile(file, await sharp(await picture(800, 600)).jpeg({ quality }).toBuffer());
      const { image, findings } = await upload(file);
      expect(Math.abs(image.jpegQuality.quality - quality)).to.be.at.most(3);
      expect(image.jpegQuality.knownSource).to.equal(`libjpeg (IJG standard tables) at quality ${quality}`);
      expect(findings.find((finding) => finding.code === 'file.jpeg_quality')?.message).to.contain(`about quality ${image.jpegQuality.quality}`);
      const page = await app.as('editor').get(`/images/${image.id}`).expect(200);
      expect(page.text).to.match(new RegExp(`<dt>JPEG quality</dt>\\s*<dd>${image.jpegQuality.quality} – libjpeg`));
    });
  }

  it('a PNG has no JPEG quality', async () => {
    const file = path.join(scratch, 'picture.png');
    await writeFile(file, await picture(200, 150));
    const { image } = await upload(file);
    expect(image.jpegQuality).to.equal(null);
  });

  it('a 1280 px metadata-free JPEG credited Telegram/… is consistent with Telegram', async () => {
    const file = path.join(scratch, 'telegram.jpg');
    await writeFile(file, await sharp(await picture(1280, 960)).jpeg({ quality: 87 }).toBuffer());
    const { findings } = await upload(file, { credit: 'Telegram/Volodymyr Zelensky' });
    const consistent = findings.find((finding) => finding.code === 'platform.consistent');
    expect(consistent?.message).to.equal('The file has the shape of a picture Telegram serves: 1280 px on the longest side, JPEG, no camera metadata.');
    expect(codes(findings)).to.not.include('platform.not_platform_copy');
  });

  it('a 4000 × 3000 camera JPEG credited Telegram/… is not the platform’s copy', async () => {
    const file = path.join(scratch, 'camera-4000.jpg');
    await writeFile(file, await sharp(await picture(4000, 3000)).withExif({ IFD0: { Make: 'Canon', Model: 'Canon EOS R5' } }).jpeg({ quality: 92 }).toBuffer());
    const { findings } = await upload(file, { credit: 'Telegram/Volodymyr Zelensky' });
    const notCopy = findings.find((finding) => finding.code === 'platform.not_platform_copy');
    expect(notCopy, JSON.stringify(codes(findings))).to.not.equal(undefined);
    expect(notCopy!.message).to.contain('not the copy Telegram serves');
    expect(notCopy!.message).to.contain('Canon EOS R5');
    expect(notCopy!.message).to.contain('4000 × 3000 px, larger than anything Telegram serves (2560 px on the longest side)');
    expect(notCopy!.message).to.contain('supplied directly, or from another copy');
    expect(codes(findings)).to.not.include('platform.consistent');
  });

  it('a platform whose behaviour the archive does not know gives no platform finding', async () => {
    const file = path.join(scratch, 'vk.jpg');
    await writeFile(file, await sharp(await picture(4000, 3000)).withExif({ IFD0: { Make: 'Canon', Model: 'Canon EOS R5' } }).jpeg().toBuffer());
    const { findings } = await upload(file, { credit: 'VK/Some Channel' });
    expect(codes(findings).filter((code) => code.startsWith('platform.'))).to.deep.equal([]);
  });

  it('capture time, file time and claimed date: saved again later, after the claim; an offset far from the GPS position’s zone', async () => {
    const file = path.join(scratch, 'clocks.jpg');
    await writeFile(file, await sharp(await picture(640, 480)).jpeg().toBuffer());
    await exiftool.write(
      file,
      {
        DateTimeOriginal: '2024:05:01 10:00:00',
        OffsetTimeOriginal: '+02:00',
        ModifyDate: '2025:03:01 09:30:00',
        GPSLatitude: 40.7128,
        GPSLatitudeRef: 'N',
        // exiftool-vendored writes the hemisphere from the sign.
        GPSLongitude: -74.006,
        GPSLongitudeRef: 'W',
        Make: 'Canon',
        Model: 'Canon EOS R5',
      },
      { writeArgs: ['-overwrite_original'] },
    );
    const { image, findings } = await upload(file, { claimedDate: '2024-05-02' });
    expect(image.forensics.modified).to.include({ local: '2025:03:01 09:30:00', tag: 'IFD0:ModifyDate' });
    expect(findings.find((finding) => finding.code === 'capture.modified_after_capture')?.message).to.contain('saved again 304 days after it was taken');
    expect(findings.find((finding) => finding.code === 'capture.modified_after_claim')?.message).to.contain('saved on 2025-03-01, after the date the source claims (2024-05-02)');
    const zone = findings.find((finding) => finding.code === 'capture.offset_disagrees_with_gps');
    expect(zone?.severity).to.equal('notice');
    expect(zone?.message).to.contain('(+02:00) is 6.9 hours from the local time at the recorded GPS position');

    const page = await app.as('editor').get(`/images/${image.id}`).expect(200);
    expect(page.text).to.contain('6.9 hours from the local time');
  });

  it('an offset that fits the GPS position gives no zone finding', async () => {
    const file = path.join(scratch, 'kyiv.jpg');
    await writeFile(file, await sharp(await picture(640, 480)).jpeg().toBuffer());
    await exiftool.write(file, { DateTimeOriginal: '2024:05:01 10:00:00', OffsetTimeOriginal: '+03:00', GPSLatitude: 50.45, GPSLatitudeRef: 'N', GPSLongitude: 30.52, GPSLongitudeRef: 'E' }, { writeArgs: ['-overwrite_original'] });
    const { findings } = await upload(file);
    expect(codes(findings)).to.not.include('capture.offset_disagrees_with_gps');
  });

  it('the check page shows the forensic findings for a file that is looked up, not stored', async () => {
    const file = path.join(scratch, 'lookup.jpg');
    await writeFile(file, await sharp(await picture(800, 600)).jpeg({ quality: 75 }).toBuffer());
    const api = await app.as('editor').post('/api/lookup').attach('image', file).expect(200);
    expect(api.body.jpegQuality).to.include({ quality: 75, exact: true });
    const page = await app.as('editor').post('/check').attach('image', file).expect(200);
    expect(page.text).to.contain('The JPEG was last compressed at about quality 75 on the IJG scale');
    const list = await app.as('editor').get('/api/images').expect(200);
    expect(list.body.items ?? list.body).to.have.length(0);
  });
});
