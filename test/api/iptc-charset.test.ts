// IPTC-IIM text in the character set the file declares: a newsroom JPEG whose envelope says UTF-8
// (dataset 1:90 = ESC % G) keeps its Cyrillic credit and by-line through an upload, and one that
// declares nothing is read as Latin-1, as the IIM standard's default. A TIFF from Photoshop that
// declares UTF-8 keeps its words too.
import { readFile } from 'node:fs/promises';
import { expect } from 'chai';
import sharp from 'sharp';
import { fixture, resetDatabase, startTestApp, type TestApp } from '../support/app';

/** One IIM dataset: 0x1C, record, dataset, 2-byte length, data. */
function dataset(record: number, number: number, data: Buffer): Buffer {
  const header = Buffer.from([0x1c, record, number, data.length >> 8, data.length & 0xff]);
  return Buffer.concat([header, data]);
}

/** A JPEG with an APP13 Photoshop segment holding one 8BIM 0x0404 (IPTC-NAA) resource. */
async function jpegWithIim(iim: Buffer): Promise<Buffer> {
  const jpeg = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#6a5acd' } }).jpeg().toBuffer();
  const padded = iim.length % 2 ? Buffer.concat([iim, Buffer.alloc(1)]) : iim;
  const size = Buffer.alloc(4);
  size.writeUInt32BE(iim.length);
  const resource = Buffer.concat([Buffer.from('8BIM', 'latin1'), Buffer.from([0x04, 0x04, 0x00, 0x00]), size, padded]);
  const body = Buffer.concat([Buffer.from('Photoshop 3.0\u0000', 'latin1'), resource]);
  const segment = Buffer.concat([Buffer.from([0xff, 0xed, (body.length + 2) >> 8, (body.length + 2) & 0xff]), body]);
  return Buffer.concat([jpeg.subarray(0, 2), segment, jpeg.subarray(2)]);
}

describe('IPTC-IIM character sets through an upload', function () {
  this.timeout(30_000);
  let app: TestApp;
  before(async () => {
    app = await startTestApp();
  });
  beforeEach(() => resetDatabase());
  after(() => app.close());

  it('reads a credit and by-line declared as UTF-8 as the file wrote them', async () => {
    const file = await jpegWithIim(
      Buffer.concat([
        dataset(1, 90, Buffer.from([0x1b, 0x25, 0x47])),
        dataset(2, 0, Buffer.from([0x00, 0x04])),
        dataset(2, 80, Buffer.from('Володимир Зеленський', 'utf8')),
        dataset(2, 110, Buffer.from('Офіс Президента', 'utf8')),
      ]),
    );
    const stored = await app.as('editor').post('/api/images').attach('image', file, 'handout.jpg').expect(201);
    const image = await app.as('viewer').get(`/api/images/${stored.body.id}`).expect(200);
    expect(image.body.embedded.creditLine).to.equal('Офіс Президента');
    expect(image.body.embedded.creator).to.deep.equal(['Володимир Зеленський']);
    // The image page shows the same words.
    const page = await app.as('viewer').get(`/images/${stored.body.id}`).expect(200);
    expect(page.text).to.include('Офіс Президента');
  });

  it('reads the IIM of a TIFF declared as UTF-8 as the file wrote it', async () => {
    // The fixture (Photoshop CC, IIM declared UTF-8, in its IPTC-NAA tag and its Photoshop IRB) with
    // its ASCII copyright notice replaced, in every copy, by Cyrillic of the same byte length.
    const bytes = await readFile(fixture('tif-with-iptc-icc-xmp.tif'));
    const ascii = Buffer.from('JET2HOLIDAYS', 'latin1');
    const cyrillic = Buffer.from('Львів24', 'utf8');
    expect(cyrillic.length).to.equal(ascii.length);
    for (let at = bytes.indexOf(ascii); at >= 0; at = bytes.indexOf(ascii, at + 1)) cyrillic.copy(bytes, at);
    const stored = await app.as('editor').post('/api/images').attach('image', bytes, 'handout.tif').expect(201);
    const metadata = await app.as('viewer').get(`/api/images/${stored.body.id}/metadata`).expect(200);
    expect(metadata.body.raw.iptc.tags.CopyrightNotice).to.equal('Львів24');
  });

  it('reads IIM without a declaration as Latin-1', async () => {
    const file = await jpegWithIim(Buffer.concat([dataset(2, 0, Buffer.from([0x00, 0x04])), dataset(2, 110, Buffer.from('Agence Française', 'latin1'))]));
    const stored = await app.as('editor').post('/api/images').attach('image', file, 'agency.jpg').expect(201);
    const image = await app.as('viewer').get(`/api/images/${stored.body.id}`).expect(200);
    expect(image.body.embedded.creditLine).to.equal('Agence Française');
  });
});
