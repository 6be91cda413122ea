// readMetadata against every fixture, compared with the ExifTool ground truth next to each image
// (exiftool -j -G1 -n -struct). Expected values are computed from the JSON with the same precedence
// as the normaliser; nothing below names an expected value.

import { expect } from 'chai';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ImageFormat } from '../../server/images/image.types';
import { type MetadataResult, createMetadataReader } from '../../server/images/metadata';
import { compare, firstTag, textOf, type Truth } from '../support/ground-truth';

const FIXTURES = join(import.meta.dirname, '../fixtures/images');

const FORMAT_BY_EXTENSION: Record<string, ImageFormat> = {
  jpg: 'jpeg', png: 'png', tif: 'tiff', tiff: 'tiff', heic: 'heif', avif: 'avif', webp: 'webp', gif: 'gif',
};

/**
 * Every disagreement between readMetadata and the ExifTool ground truth that is not a bug, with why.
 * Key: "file field".
 */
const KNOWN_DIFFERENCES: Record<string, string> = {};

// --- the run --------------------------------------------------------------------------------------

interface FixtureRun {
  file: string;
  truth: Truth;
  result: MetadataResult;
  ms: number;
}

const runs: FixtureRun[] = [];

function containsBinary(v: unknown): boolean {
  if (v instanceof Uint8Array || ArrayBuffer.isView(v) || v instanceof ArrayBuffer) return true;
  if (Array.isArray(v)) return v.some(containsBinary);
  if (v && typeof v === 'object') return Object.values(v).some(containsBinary);
  return typeof v === 'function' || typeof v === 'bigint';
}

// One reader (with its ExifTool processes) for the whole file, as the app has one.
const reader = createMetadataReader();
const readMetadata = reader.read;
const closeMetadataReaders = reader.close;

describe('images/metadata: readMetadata on every fixture', function () {
  this.timeout(60_000);

  before(async () => {
    const files = (await readdir(FIXTURES)).filter((f) => !f.endsWith('.json')).sort();
    for (const file of files) {
      const truth = JSON.parse(await readFile(join(FIXTURES, `${file}.exiftool.json`), 'utf8'))[0] as Truth;
      const format = FORMAT_BY_EXTENSION[file.split('.').pop()!.toLowerCase()];
      const t0 = performance.now();
      const result = await readMetadata(join(FIXTURES, file), format);
      runs.push({ file, truth, result, ms: performance.now() - t0 });
    }
  });

  after(async () => {
    await closeMetadataReaders();
    const exifrOnly = runs.filter((r) => r.result.raw.readers.every((x) => x.reader !== 'exiftool'));
    const withExifTool = runs.filter((r) => r.result.raw.readers.some((x) => x.reader === 'exiftool'));
    const avg = (xs: FixtureRun[]) => (xs.length ? (xs.reduce((s, r) => s + r.ms, 0) / xs.length).toFixed(1) : '-');
    console.log(
      `      readMetadata timing: exifr only ${avg(exifrOnly)} ms avg over ${exifrOnly.length} files; ` +
        `with ExifTool ${avg(withExifTool)} ms avg over ${withExifTool.length} files (${withExifTool.map((r) => r.file).join(', ')})`,
    );
  });

  it('reads all 40 fixtures', () => {
    expect(runs).to.have.length(40);
  });

  it('agrees with the ExifTool ground truth on make, model, orientation, capture date, GPS and credit fields', () => {
    const problems: string[] = [];
    const usedKnown = new Set<string>();
    let withTruth = 0;
    for (const { file, truth, result } of runs) {
      for (const c of compare(truth, result.normalised)) {
        if (c.expected !== undefined) withTruth++;
        if (JSON.stringify(c.expected) === JSON.stringify(c.actual)) continue;
        const key = `${file} ${c.field}`;
        if (KNOWN_DIFFERENCES[key]) {
          usedKnown.add(key);
          continue;
        }
        problems.push(`${key}: expected ${JSON.stringify(c.expected)} (${c.tag ?? 'absent'}), got ${JSON.stringify(c.actual)}`);
      }
    }
    expect(problems, problems.join('\n')).to.deep.equal([]);
    // Guard against a comparison that silently compares nothing.
    expect(withTruth).to.be.greaterThan(100);
    // A known difference that no longer happens should be removed from the table.
    expect(Object.keys(KNOWN_DIFFERENCES).filter((k) => !usedKnown.has(k))).to.deep.equal([]);
  });

  it('records which tag supplied each normalised field', () => {
    for (const { file, result } of runs) {
      const n = result.normalised;
      for (const field of ['make', 'model', 'creator', 'creditLine', 'source', 'copyright', 'description', 'capturedAt', 'gps'] as const) {
        const present = field === 'capturedAt' ? n.capturedAt !== undefined : n[field] !== undefined;
        expect(Boolean(n.sources[field]), `${file} sources.${field}`).to.equal(present);
      }
    }
  });

  it('keeps raw JSON-safe: a JSON round trip changes nothing and no binary value survives', () => {
    for (const { file, result } of runs) {
      expect(JSON.parse(JSON.stringify(result.raw)), file).to.deep.equal(result.raw);
      expect(containsBinary(result.raw), file).to.equal(false);
    }
  });

  it('labels every raw block with the reader that produced it', () => {
    for (const { file, result } of runs) {
      const { readers, warnings, ...blocks } = result.raw;
      const ran = new Set(readers.map((r) => r.reader));
      for (const [name, block] of Object.entries(blocks)) {
        expect(['exifr', 'exiftool', 'bytes'], `${file} ${name}`).to.include(block?.reader);
        if (block?.reader !== 'bytes') expect(ran.has(block!.reader), `${file} ${name}`).to.equal(true);
      }
      expect(warnings).to.be.an('array');
    }
  });

  it('reports the embedded EXIF thumbnail wherever ExifTool shows one, with its length', () => {
    for (const { file, truth, result } of runs) {
      const length = truth['IFD1:ThumbnailLength'];
      const expected = typeof length === 'number' && length > 0 && truth['IFD1:ThumbnailImage'] !== undefined ? length : undefined;
      expect(result.embeddedThumbnail?.bytes, file).to.equal(expected);
      if (result.embeddedThumbnail) {
        expect(Buffer.from(result.embeddedThumbnail.base64, 'base64').length, file).to.equal(expected);
        expect(result.embeddedThumbnail.width, file).to.be.a('number');
      }
    }
  });

  it('flags embedded C2PA manifest stores and remote manifest references', () => {
    for (const { file, truth, result } of runs) {
      expect(result.c2pa.present, file).to.equal(truth['JUMBF:JUMDLabel'] === 'c2pa');
      expect(result.c2pa.remoteManifestUrl, file).to.equal(truth['XMP-dcterms:Provenance']);
    }
  });

  it('computes the same IPTC digests as ExifTool for JPEG (the MWG reconciliation depends on them)', () => {
    let checked = 0;
    for (const { file, truth, result } of runs.filter((r) => r.file.endsWith('.jpg'))) {
      const tags = result.raw.photoshop?.tags ?? {};
      expect(tags.IPTCDigest, file).to.equal(truth['Photoshop:IPTCDigest']);
      if (truth['Photoshop:IPTCDigest'] !== undefined) {
        expect(tags.CurrentIPTCDigest, file).to.equal(truth['File:CurrentIPTCDigest']);
        checked++;
      }
    }
    expect(checked).to.be.greaterThan(5);
  });

  it('gives MWG.jpg the values the MWG reconciliation test marks RIGHT', () => {
    const n = runs.find((r) => r.file === 'MWG.jpg')!.result.normalised;
    const values = [n.creator?.join(' '), n.description, n.copyright, n.location?.city, n.location?.state, n.location?.country, n.location?.sublocation];
    for (const v of values) expect(v).to.match(/^RIGHT/);
  });

  it('uses ExifTool only where exifr falls short, and says why', () => {
    for (const { file, result } of runs) {
      const et = result.raw.readers.find((r) => r.reader === 'exiftool');
      if (file.endsWith('.webp') || file.endsWith('.gif')) expect(et?.reason, file).to.match(/does not read/);
      if (et) expect(et.reason, file).to.be.a('string').and.not.equal('');
    }
    const exifrOnly = runs.filter((r) => !r.result.raw.readers.some((x) => x.reader === 'exiftool'));
    // The point of the split: most files never touch the Perl process.
    expect(exifrOnly.length).to.be.greaterThan(30);
  });
});

describe('images/metadata: files that are not what they claim', function () {
  this.timeout(30_000);
  let dir: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'metadata-test-'));
  });
  after(async () => {
    await closeMetadataReaders();
    await rm(dir, { recursive: true, force: true });
  });

  it('turns garbage into empty metadata plus a warning, without throwing', async () => {
    const path = join(dir, 'garbage.jpg');
    await writeFile(path, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 251)));
    for (const format of ['jpeg', 'png', 'tiff', 'webp', 'gif', 'heif', 'avif'] as const) {
      const result = await readMetadata(path, format);
      expect(result.normalised, format).to.deep.equal({ sources: {} });
      expect(result.raw.warnings.length, format).to.be.greaterThan(0);
      expect(result.c2pa.present).to.equal(false);
      expect(JSON.parse(JSON.stringify(result.raw))).to.deep.equal(result.raw);
    }
  });

  it('survives a JPEG cut off inside its EXIF block', async () => {
    const whole = await readFile(join(FIXTURES, 'Canon_40D.jpg'));
    const path = join(dir, 'truncated.jpg');
    await writeFile(path, whole.subarray(0, 300));
    const result = await readMetadata(path, 'jpeg');
    expect(result.raw).to.have.property('warnings');
    expect(JSON.parse(JSON.stringify(result.raw))).to.deep.equal(result.raw);
  });

  it('reports a missing file as a warning', async () => {
    const result = await readMetadata(join(dir, 'does-not-exist.jpg'), 'jpeg');
    expect(result.normalised).to.deep.equal({ sources: {} });
    expect(result.raw.warnings.join(' ')).to.match(/unreadable/);
  });

  it('can be used again after its ExifTool processes were ended', async () => {
    await closeMetadataReaders();
    const truth = JSON.parse(await readFile(join(FIXTURES, 'test_xmp.webp.exiftool.json'), 'utf8'))[0] as Truth;
    const result = await readMetadata(join(FIXTURES, 'test_xmp.webp'), 'webp');
    expect(result.raw.readers.map((r) => r.reader)).to.deep.equal(['exiftool']);
    expect(result.normalised.make ?? result.normalised.creator?.join('; ')).to.equal(
      textOf(firstTag(truth, ['IFD0:Make', 'IFD0:Artist'])?.value),
    );
  });
});
