import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { PayloadTooLargeError, UnprocessableError } from '../../server/shared/errors';
import { sniffImageFormat } from '../../server/files/file-type';
import { decodeHeif, pixelsAsTiff } from '../../server/images/heic';
import type { Derivatives, HevcDecodes } from '../../server/images/media';
import { perceptualHash } from '../../server/provenance/phash';
import { iccProfileDescription, makeDerivatives, openImage, probeImage } from '../../server/images/media';
import type { DerivativeInfo, ImageFormat } from '../../server/images/image.types';

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/images');
const LIMITS = { maxPixels: 100_000_000 };
const UNDECODABLE = new Set(['tiff_poc.tiff']);

// Synchronous: mocha needs the list while it builds the suite.
const fixtureNames = readdirSync(FIXTURES).filter((name) => !name.endsWith('.json')).sort();
const decodable = fixtureNames.filter((name) => !UNDECODABLE.has(name));

type Tags = Record<string, unknown>;

async function groundTruth(name: string): Promise<Tags> {
  const [tags] = JSON.parse(await readFile(path.join(FIXTURES, `${name}.exiftool.json`), 'utf8')) as Tags[];
  return tags;
}

/** exiftool's stored size, swapped for EXIF orientations 5–8 (which rotate by 90°). */
function displayedSize(tags: Tags): { width: number; height: number } {
  let width = Number(tags['File:ImageWidth']);
  let height = Number(tags['File:ImageHeight']);
  if (!width || !height) [width, height] = String(tags['Composite:ImageSize']).split(/[ x]/).map(Number);
  const orientation = Number(tags['IFD0:Orientation'] ?? 1);
  return orientation >= 5 ? { width: height, height: width } : { width, height };
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error as Error,
  );
}

function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k += 1) crc = crc & 1 ? 0xedb88320 ^ (crc >>> 1) : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A valid PNG header that claims width × height, with only a few bytes of pixel data behind it. */
function pngClaiming(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(Buffer.alloc(64))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

async function rawPixels(file: string): Promise<{ data: Buffer; width: number; height: number; channels: number }> {
  const { data, info } = await sharp(file).raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: info.channels };
}

function meanAbsoluteDifference(a: Buffer, b: Buffer): number {
  expect(a.length).to.equal(b.length);
  let sum = 0;
  for (let i = 0; i < a.length; i += 1) sum += Math.abs(a[i] - b[i]);
  return sum / a.length;
}

describe('media: the sharp adapter', function () {
  this.timeout(120_000);
  let tmp: string;
  let outDir: string;

  before(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'media-test-'));
    outDir = path.join(tmp, 'derivatives');
  });

  after(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  describe('every fixture', () => {
    const results = new Map<string, Derivatives>();

    before(async () => {
      // One ingest per fixture, shared by the checks below (the HEIC one takes a couple of seconds).
      for (const name of decodable) {
        const file = path.join(FIXTURES, name);
        const format = (await sniffImageFormat(file)) as ImageFormat;
        results.set(name, await makeDerivatives(file, format, outDir, LIMITS));
      }
    });

    for (const name of decodable) {
      it(`${name}: probe matches exiftool (size after orientation, ICC description)`, async () => {
        const file = path.join(FIXTURES, name);
        const format = (await sniffImageFormat(file)) as ImageFormat;
        const tags = await groundTruth(name);
        const facts = await probeImage(file, format, LIMITS);
        expect({ width: facts.width, height: facts.height }).to.deep.equal(displayedSize(tags));
        expect(facts.format).to.equal(format);
        expect(facts.mimeType).to.equal(tags['File:MIMEType']);
        expect(facts.bytes).to.equal((await stat(file)).size);
        expect(facts.channels).to.be.within(1, 4);
        // libvips does not read the ICC profile GIF carries in an application extension.
        const expectedIcc = format === 'gif' ? undefined : tags['ICC_Profile:ProfileDescription'];
        expect(facts.iccDescription).to.equal(expectedIcc);
      });

      it(`${name}: derivatives are WebP, within 400/1600 px, proportional, content-addressed, without metadata`, async () => {
        const derivatives = results.get(name)!;
        const facts = await probeImage(path.join(FIXTURES, name), (await sniffImageFormat(path.join(FIXTURES, name))) as ImageFormat, LIMITS);
        const check = async (info: DerivativeInfo, longest: number) => {
          const file = path.join(outDir, info.file);
          const bytes = await readFile(file);
          expect(info.file).to.equal(`${createHash('sha256').update(bytes).digest('hex')}.webp`);
          expect(info.bytes).to.equal(bytes.length);
          const meta = await sharp(file).metadata();
          expect(meta.format).to.equal('webp');
          expect([meta.width, meta.height]).to.deep.equal([info.width, info.height]);
          expect(Math.max(info.width, info.height)).to.equal(Math.min(longest, Math.max(facts.width, facts.height)));
          // Same aspect ratio as the displayed original (within a pixel of rounding), so orientation was applied.
          expect(Math.abs(info.width * facts.height - info.height * facts.width)).to.be.at.most(Math.max(facts.width, facts.height));
          expect(meta.exif, 'EXIF').to.equal(undefined);
          expect(meta.xmp, 'XMP').to.equal(undefined);
          expect(meta.iptc, 'IPTC').to.equal(undefined);
          expect(meta.icc, 'ICC').to.equal(undefined);
        };
        await check(derivatives.thumbnail, 400);
        await check(derivatives.display, 1600);
        expect(derivatives.avif).to.equal(undefined);
      });
    }

    it('leaves no temporary files behind', async () => {
      const names = await readdir(outDir);
      expect(names.filter((name) => !/^[0-9a-f]{64}\.webp$/.test(name))).to.deep.equal([]);
    });

    it('landscape_2..8 come out as the same picture as landscape_1 (orientation applied, not only the size)', async () => {
      const reference = await rawPixels(path.join(outDir, results.get('landscape_1.jpg')!.thumbnail.file));
      const mirrored = await sharp(reference.data, { raw: { width: reference.width, height: reference.height, channels: 3 } }).flop().raw().toBuffer();
      // The check can fail: a mirrored picture is far from the reference.
      expect(meanAbsoluteDifference(reference.data, mirrored)).to.be.above(20);
      for (let n = 2; n <= 8; n += 1) {
        const other = await rawPixels(path.join(outDir, results.get(`landscape_${n}.jpg`)!.thumbnail.file));
        expect([other.width, other.height], `landscape_${n}`).to.deep.equal([400, 300]);
        expect(meanAbsoluteDifference(reference.data, other.data), `landscape_${n}`).to.be.below(8);
      }
    });

    it('converts the CMYK JPEG to sRGB with the right colours (white ground, navy and green lettering)', async () => {
      const { data, width, channels } = await rawPixels(path.join(outDir, results.get('issue-metadata-extractor-65.jpg')!.display.file));
      expect(channels).to.equal(3);
      const pixel = (x: number, y: number) => Array.from(data.subarray((y * width + x) * channels, (y * width + x) * channels + 3));
      const [wr, wg, wb] = pixel(2, 2);
      expect(Math.min(wr, wg, wb)).to.be.above(240);
      const [nr, ng, nb] = pixel(30, 122); // "Viva"
      expect(nb).to.be.above(nr + 15).and.above(ng + 15);
      expect(Math.max(nr, ng, nb)).to.be.below(140);
      const [gr, gg, gb] = pixel(110, 122); // "Real"
      expect(gg).to.be.above(gr + 30).and.above(gb + 30);
    });

    it('decodes the iPhone HEIC end to end (4032×3024 → 1600×1200 and 400×300, real picture)', async () => {
      const derivatives = results.get('heic-iphone7.heic')!;
      expect([derivatives.display.width, derivatives.display.height]).to.deep.equal([1600, 1200]);
      expect([derivatives.thumbnail.width, derivatives.thumbnail.height]).to.deep.equal([400, 300]);
      const stats = await sharp(path.join(outDir, derivatives.thumbnail.file)).stats();
      // A sunset over the sea: not a flat or empty frame, brighter sky above darker water.
      expect(stats.channels[0].stdev).to.be.above(20);
      const { data, width, channels } = await rawPixels(path.join(outDir, derivatives.thumbnail.file));
      const luma = (y: number) => {
        let sum = 0;
        for (let x = 0; x < width; x += 1) sum += data[(y * width + x) * channels + 1];
        return sum / width;
      };
      expect(luma(20)).to.be.above(luma(280) + 20);
    });

    it('shrinks the HEIC before colour-managing it without visibly changing the result', async () => {
      // This sunset is barely outside sRGB (P3 vs untagged differ by < 1 level on average), so the
      // check is only that deferring the conversion stays within WebP's own loss (~3 levels).
      const file = path.join(FIXTURES, 'heic-iphone7.heic');
      const thumbnail = await rawPixels(path.join(outDir, results.get('heic-iphone7.heic')!.thumbnail.file));
      const image = await openImage(file, 'heif', LIMITS);
      const managedAtFullSize = await image.resize(400, 400, { fit: 'inside' }).toColourspace('srgb').raw().toBuffer();
      expect(meanAbsoluteDifference(thumbnail.data, managedAtFullSize)).to.be.below(4);
    });

    it('pixelsAsTiff wraps RGB(A) pixels with an ICC profile that sharp reads', async () => {
      const { icc } = await sharp(path.join(FIXTURES, 'heic-iphone7.heic')).metadata();
      const pixels = Buffer.alloc(5 * 3 * 3, 200);
      for (const channels of [3, 4] as const) {
        const tiff = pixelsAsTiff(Buffer.alloc(5 * 3 * channels, 200), 5, 3, channels, icc);
        const meta = await sharp(tiff).metadata();
        expect([meta.format, meta.width, meta.height, meta.channels, meta.hasAlpha]).to.deep.equal(['tiff', 5, 3, channels, channels === 4]);
        expect(iccProfileDescription(meta.icc!)).to.equal('Display P3');
      }
      expect(() => pixelsAsTiff(pixels, 5, 3, 4)).to.throw(RangeError);
    });

    it('takes the first frame of an animated GIF', async () => {
      const frames = await Promise.all(
        (['red', 'lime', 'blue'] as const).map((background) => sharp({ create: { width: 40, height: 20, channels: 3, background } }).png().toBuffer()),
      );
      const file = path.join(tmp, 'animated.gif');
      await sharp(frames, { join: { animated: true } }).gif().toFile(file);
      const facts = await probeImage(file, 'gif', LIMITS);
      expect([facts.width, facts.height, facts.pages]).to.deep.equal([40, 20, 3]);
      const derivatives = await makeDerivatives(file, 'gif', outDir, LIMITS);
      const { data } = await rawPixels(path.join(outDir, derivatives.display.file));
      expect([derivatives.display.width, derivatives.display.height]).to.deep.equal([40, 20]);
      expect(data[0]).to.be.above(200);
      expect(data[1]).to.be.below(60);
    });
  });

  describe('openImage', () => {
    it('returns an oriented pipeline', async () => {
      const image = await openImage(path.join(FIXTURES, 'landscape_6.jpg'), 'jpeg', LIMITS);
      const { info } = await image.raw().toBuffer({ resolveWithObject: true });
      expect([info.width, info.height]).to.deep.equal([600, 450]);
    });

    it('returns the HEIC pixels with the Display P3 profile attached, so sharp converts them to sRGB', async () => {
      const file = path.join(FIXTURES, 'heic-iphone7.heic');
      const { icc } = await sharp(file).metadata();
      const decoded = await decodeHeif(await readFile(file), icc);
      const meta = await sharp(decoded.tiff).metadata();
      expect([meta.width, meta.height, decoded.hasAlpha]).to.deep.equal([4032, 3024, false]);
      expect(iccProfileDescription(meta.icc!)).to.equal('Display P3');
      const image = await openImage(file, 'heif', LIMITS);
      const { info } = await image.resize(64).raw().toBuffer({ resolveWithObject: true });
      expect([info.width, info.height, info.channels]).to.deep.equal([64, 48, 3]);
    });

    it('decodes a HEIC once for the analysis and the derivatives of an ingest, with the same results as two decodes', async () => {
      const file = path.join(FIXTURES, 'heic-iphone7.heic');
      const hevcDecodes: HevcDecodes = new Map();
      const shared = { ...LIMITS, hevcDecodes };
      const [hashShared, hashAlone] = await Promise.all([openImage(file, 'heif', shared).then(perceptualHash), openImage(file, 'heif', LIMITS).then(perceptualHash)]);
      const decode = hevcDecodes.get(file);
      const derivedShared = await makeDerivatives(file, 'heif', outDir, shared);
      expect([...hevcDecodes.values()]).to.deep.equal([decode]);
      expect(hevcDecodes.get(file)).to.equal(decode);
      expect(hashShared).to.equal(hashAlone);
      // Content-addressed names: the same bytes as the derivatives made with a decode of their own.
      const derivedAlone = await makeDerivatives(file, 'heif', outDir, LIMITS);
      expect(derivedShared).to.deep.equal(derivedAlone);
    });
  });

  describe('refusals', () => {
    it('refuses a PNG claiming 50,000 × 50,000 pixels with 413, from the header, fast', async () => {
      const file = path.join(tmp, 'huge.png');
      await writeFile(file, pngClaiming(50_000, 50_000));
      const started = performance.now();
      // Thunks, so that each promise is awaited as soon as it exists.
      for (const attempt of [() => probeImage(file, 'png', LIMITS), () => openImage(file, 'png', LIMITS), () => makeDerivatives(file, 'png', outDir, LIMITS)]) {
        const error = await rejection(attempt());
        expect(error).to.be.instanceOf(PayloadTooLargeError);
        expect((error as PayloadTooLargeError).status).to.equal(413);
        expect(error.message).to.equal('The image is 50000 × 50000 pixels (2500 megapixels); the limit is 100 megapixels.');
      }
      expect(performance.now() - started).to.be.below(500);
    });

    it('applies the configured limit, with the size after orientation in the message', async () => {
      const error = await rejection(probeImage(path.join(FIXTURES, 'landscape_6.jpg'), 'jpeg', { maxPixels: 200_000 }));
      expect(error).to.be.instanceOf(PayloadTooLargeError);
      expect(error.message).to.equal('The image is 600 × 450 pixels (0.27 megapixels); the limit is 0.2 megapixels.');
      expect(await probeImage(path.join(FIXTURES, 'landscape_6.jpg'), 'jpeg', { maxPixels: 270_000 })).to.include({ width: 600, height: 450 });
    });

    it('refuses a HEIC larger than the in-memory limit with 413 before reading it', async () => {
      const error = await rejection(makeDerivatives(path.join(FIXTURES, 'heic-iphone7.heic'), 'heif', outDir, { maxPixels: 100_000_000, maxBytes: 1024 * 1024 }));
      expect(error).to.be.instanceOf(PayloadTooLargeError);
      expect(error.message).to.match(/HEIC/);
    });

    it('refuses a JPEG cut in half (Canon_40D.jpg) with 422', async () => {
      const whole = await readFile(path.join(FIXTURES, 'Canon_40D.jpg'));
      const file = path.join(tmp, 'half.jpg');
      await writeFile(file, whole.subarray(0, whole.length >> 1));
      for (const attempt of [() => probeImage(file, 'jpeg', LIMITS), () => makeDerivatives(file, 'jpeg', outDir, LIMITS)]) {
        const error = await rejection(attempt());
        expect(error).to.be.instanceOf(UnprocessableError);
        expect(error.message).to.match(/^The file looks like a JPEG but its image data cannot be decoded \(.+\)\.$/);
        expect(error.message).not.to.contain(tmp);
      }
    });

    it('refuses a JPEG whose scan data is truncated (intact header) with 422, also through openImage', async () => {
      const whole = await readFile(path.join(FIXTURES, 'DSCN0010.jpg'));
      const file = path.join(tmp, 'truncated-scan.jpg');
      await writeFile(file, whole.subarray(0, Math.floor(whole.length * 0.6)));
      // The header is intact, so the facts can still be read…
      expect(await probeImage(file, 'jpeg', LIMITS)).to.include({ width: 640, height: 480 });
      // …but the pixels cannot, whoever runs the pipeline.
      expect(await rejection(makeDerivatives(file, 'jpeg', outDir, LIMITS))).to.be.instanceOf(UnprocessableError);
      const image = await openImage(file, 'jpeg', LIMITS);
      expect(await rejection(image.clone().resize(32).raw().toBuffer())).to.be.instanceOf(UnprocessableError);
      expect(await rejection(image.toFile(path.join(tmp, 'out.png')))).to.be.instanceOf(UnprocessableError);
    });

    it('refuses tiff_poc.tiff (malformed) with 422', async () => {
      const file = path.join(FIXTURES, 'tiff_poc.tiff');
      expect(await sniffImageFormat(file)).to.equal('tiff');
      for (const attempt of [() => probeImage(file, 'tiff', LIMITS), () => makeDerivatives(file, 'tiff', outDir, LIMITS)]) {
        const error = await rejection(attempt());
        expect(error).to.be.instanceOf(UnprocessableError);
        expect(error.message).to.match(/^The file looks like a TIFF but/);
      }
    });

    it('refuses an empty file and a file that is not the format it was sniffed as with 422', async () => {
      const empty = path.join(tmp, 'empty.jpg');
      await writeFile(empty, '');
      expect(await sniffImageFormat(empty)).to.equal(null);
      expect(await rejection(probeImage(empty, 'jpeg', LIMITS))).to.be.instanceOf(UnprocessableError);
      const error = await rejection(probeImage(path.join(FIXTURES, 'libpng-test.png'), 'jpeg', LIMITS));
      expect(error).to.be.instanceOf(UnprocessableError);
      expect(error.message).to.contain('png');
    });
  });

  describe('AVIF derivatives (opt-in)', () => {
    it('writes AVIF versions alongside the WebP ones when asked', async () => {
      const derivatives = await makeDerivatives(path.join(FIXTURES, 'C.jpg'), 'jpeg', outDir, LIMITS, { avif: true });
      expect(derivatives.avif).to.not.equal(undefined);
      const { thumbnail, display } = derivatives.avif!;
      expect([display.width, display.height, thumbnail.width, thumbnail.height]).to.deep.equal([1600, 1066, 400, 267]);
      for (const info of [thumbnail, display]) {
        expect(info.file).to.match(/^[0-9a-f]{64}\.avif$/);
        const meta = await sharp(path.join(outDir, info.file)).metadata();
        expect(meta.format).to.equal('heif');
        expect(meta.compression).to.equal('av1');
        expect(meta.exif).to.equal(undefined);
      }
    });
  });

  describe('iccProfileDescription', () => {
    it('reads a v2 textDescription profile (from a fixture)', async () => {
      const { icc } = await sharp(path.join(FIXTURES, 'Canon_40D.jpg')).metadata();
      expect(iccProfileDescription(icc!)).to.equal('sRGB IEC61966-2.1');
    });

    it('reads a v4 multiLocalizedUnicode description, preferring English', () => {
      const mluc = (records: Array<[string, string, string]>) => {
        const header = 16 + records.length * 12;
        const strings = records.map(([, , text]) => Buffer.from(text, 'utf16le').swap16());
        const tag = Buffer.alloc(header + strings.reduce((sum, s) => sum + s.length, 0));
        tag.write('mluc', 0, 'latin1');
        tag.writeUInt32BE(records.length, 8);
        tag.writeUInt32BE(12, 12);
        let offset = header;
        records.forEach(([language, country], i) => {
          const record = 16 + i * 12;
          tag.write(language, record, 'latin1');
          tag.write(country, record + 2, 'latin1');
          tag.writeUInt32BE(strings[i].length, record + 4);
          tag.writeUInt32BE(offset, record + 8);
          strings[i].copy(tag, offset);
          offset += strings[i].length;
        });
        return tag;
      };
      const profileWith = (tag: Buffer) => {
        const profile = Buffer.alloc(144 + tag.length);
        profile.writeUInt32BE(profile.length, 0);
        profile.write('acsp', 36, 'latin1');
        profile.writeUInt32BE(1, 128);
        profile.write('desc', 132, 'latin1');
        profile.writeUInt32BE(144, 136);
        profile.writeUInt32BE(tag.length, 140);
        tag.copy(profile, 144);
        return profile;
      };
      expect(iccProfileDescription(profileWith(mluc([['de', 'DE', 'Anzeige P3'], ['en', 'US', 'Display P3']])))).to.equal('Display P3');
      expect(iccProfileDescription(profileWith(mluc([['fr', 'FR', 'Écran Ω']])))).to.equal('Écran Ω');
    });

    it('returns undefined for truncated or foreign data instead of throwing', async () => {
      const { icc } = await sharp(path.join(FIXTURES, 'Canon_40D.jpg')).metadata();
      expect(iccProfileDescription(icc!.subarray(0, 200))).to.equal(undefined);
      expect(iccProfileDescription(Buffer.alloc(10))).to.equal(undefined);
      expect(iccProfileDescription(Buffer.alloc(300, 0xff))).to.equal(undefined);
    });
  });
});
