import { expect } from 'chai';
import { readdirSync } from 'node:fs';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { UnsupportedMediaTypeError } from '../../server/shared/errors';
import {
  mimeTypeOf,
  requireImageFormat,
  sniffImageFormat,
  sniffImageFormatFromBytes,
} from '../../server/files/file-type';
import type { ImageFormat } from '../../server/images/image.types';

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/images');

/** exiftool's File:MIMEType (from its own content-based detection) → our format names. */
const EXIFTOOL_TYPES: Record<string, ImageFormat> = {
  'image/jpeg': 'jpeg',
  'image/png': 'png',
  'image/gif': 'gif',
  'image/tiff': 'tiff',
  'image/webp': 'webp',
  'image/heic': 'heif',
  'image/avif': 'avif',
};

// Synchronous: mocha needs the list while it builds the suite.
const fixtureNames = readdirSync(FIXTURES).filter((name) => !name.endsWith('.json')).sort();

async function groundTruthType(name: string): Promise<ImageFormat> {
  const [tags] = JSON.parse(await readFile(path.join(FIXTURES, `${name}.exiftool.json`), 'utf8')) as Array<Record<string, unknown>>;
  const type = EXIFTOOL_TYPES[String(tags['File:MIMEType'])];
  if (!type) throw new Error(`unexpected exiftool MIMEType for ${name}: ${String(tags['File:MIMEType'])}`);
  return type;
}

/** ISO-BMFF `ftyp` box: size, 'ftyp', major brand, minor version 0, compatible brands. */
function ftyp(major: string, compatible: string[]): Buffer {
  const size = 16 + compatible.length * 4;
  const box = Buffer.alloc(size);
  box.writeUInt32BE(size, 0);
  box.write('ftyp', 4, 'latin1');
  box.write(major, 8, 'latin1');
  compatible.forEach((brand, i) => box.write(brand, 16 + i * 4, 'latin1'));
  // Followed by the start of a meta box, as in a real file.
  return Buffer.concat([box, Buffer.from([0, 0, 0, 0x21, 0x6d, 0x65, 0x74, 0x61])]);
}

describe('file-type: sniffing the format from content', () => {
  let tmp: string;

  beforeEach(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'file-type-test-'));
  });

  afterEach(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it('has the 40 fixtures to check', () => {
    expect(fixtureNames).to.have.length(40);
  });

  for (const name of fixtureNames) {
    it(`sniffs ${name} as exiftool does`, async () => {
      expect(await sniffImageFormat(path.join(FIXTURES, name))).to.equal(await groundTruthType(name));
    });
  }

  it('ignores the file name: a PNG renamed .jpg is a PNG, a JPEG renamed .png a JPEG', async () => {
    const png = path.join(tmp, 'photo.jpg');
    const jpeg = path.join(tmp, 'logo.png');
    await copyFile(path.join(FIXTURES, 'libpng-test.png'), png);
    await copyFile(path.join(FIXTURES, 'noexif.jpg'), jpeg);
    expect(await sniffImageFormat(png)).to.equal('png');
    expect(await sniffImageFormat(jpeg)).to.equal('jpeg');
  });

  const notImages: Array<[string, string | Buffer]> = [
    ['a text file', 'Caption: protesters outside the town hall, 12 May.\n'],
    ['a PDF', '%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n'],
    ['a ZIP archive', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00, 0x08, 0x00])],
    ['an SVG drawing', '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'],
    ['an empty file', ''],
    ['an MP4 video', ftyp('isom', ['isom', 'iso2', 'avc1', 'mp41'])],
    ['a BMP', Buffer.concat([Buffer.from('BM'), Buffer.alloc(60)])],
    ['a file cut after three bytes of a GIF signature', 'GIF'],
  ];
  for (const [label, content] of notImages) {
    it(`returns null for ${label} and requireImageFormat refuses it with 415`, async () => {
      const file = path.join(tmp, 'upload.jpg');
      await writeFile(file, content);
      expect(await sniffImageFormat(file)).to.equal(null);
      const error = await requireImageFormat(file).then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
      expect(error).to.be.instanceOf(UnsupportedMediaTypeError);
      expect((error as UnsupportedMediaTypeError).status).to.equal(415);
      expect((error as Error).message).to.contain('JPEG, PNG, WebP, GIF, TIFF, HEIC/HEIF or AVIF');
    });
  }

  it('names what a refused file is when it can tell', async () => {
    const file = path.join(tmp, 'scan.jpg');
    await writeFile(file, '%PDF-1.4\n');
    const error = await requireImageFormat(file).catch((thrown: unknown) => thrown);
    expect((error as Error).message).to.match(/^This is a PDF document, not an image/);
  });

  it('requireImageFormat returns the format for an accepted image', async () => {
    expect(await requireImageFormat(path.join(FIXTURES, 'mars.webp'))).to.equal('webp');
  });

  describe('ISO-BMFF brands', () => {
    const cases: Array<[string, string[], ImageFormat | null]> = [
      ['heic', ['mif1', 'heic'], 'heif'],
      ['heix', ['mif1'], 'heif'],
      ['hevc', ['msf1'], 'heif'],
      ['heim', [], 'heif'],
      ['heis', [], 'heif'],
      ['avif', ['mif1', 'miaf'], 'avif'],
      ['avis', ['msf1'], 'avif'],
      // Generic major brand: the compatible brands decide.
      ['mif1', ['mif1', 'miaf', 'avif'], 'avif'],
      ['mif1', ['mif1', 'heic'], 'heif'],
      ['msf1', ['msf1', 'avis'], 'avif'],
      ['mif1', ['mif1'], 'heif'],
      // Not HEIF at all.
      ['mp42', ['isom', 'mp42'], null],
      ['qt  ', ['qt  '], null],
      ['jp2 ', ['jp2 '], null],
    ];
    for (const [major, compatible, expected] of cases) {
      it(`major ${major.trim()} + [${compatible.join(', ')}] → ${String(expected)}`, () => {
        expect(sniffImageFormatFromBytes(ftyp(major, compatible))).to.equal(expected);
      });
    }

    it('does not read compatible brands past the end of the ftyp box', () => {
      // ftyp says 16 bytes (no compatible brands); 'avif' right after belongs to the next box.
      const bytes = Buffer.concat([ftyp('mp42', []).subarray(0, 16), Buffer.from('avif')]);
      expect(sniffImageFormatFromBytes(bytes)).to.equal(null);
    });
  });

  it('recognises both TIFF byte orders and both GIF versions', () => {
    expect(sniffImageFormatFromBytes(Buffer.from([0x49, 0x49, 0x2a, 0x00, 8, 0, 0, 0]))).to.equal('tiff');
    expect(sniffImageFormatFromBytes(Buffer.from([0x4d, 0x4d, 0x00, 0x2a, 0, 0, 0, 8]))).to.equal('tiff');
    expect(sniffImageFormatFromBytes(Buffer.from('GIF87a\x08\x00', 'latin1'))).to.equal('gif');
    expect(sniffImageFormatFromBytes(Buffer.from('GIF89a\x08\x00', 'latin1'))).to.equal('gif');
    // RIFF that is not WebP (a WAV file).
    expect(sniffImageFormatFromBytes(Buffer.from('RIFF\x24\x00\x00\x00WAVEfmt ', 'latin1'))).to.equal(null);
  });

  it('maps every format to its MIME type', () => {
    expect(mimeTypeOf('jpeg')).to.equal('image/jpeg');
    expect(mimeTypeOf('png')).to.equal('image/png');
    expect(mimeTypeOf('webp')).to.equal('image/webp');
    expect(mimeTypeOf('gif')).to.equal('image/gif');
    expect(mimeTypeOf('tiff')).to.equal('image/tiff');
    expect(mimeTypeOf('heif')).to.equal('image/heic');
    expect(mimeTypeOf('avif')).to.equal('image/avif');
  });
});
