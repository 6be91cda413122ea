// readMetadata against every fixture, compared with the ExifTool ground truth next to each image
// (exiftool -j -G1 -n -struct). Expected values are computed from the JSON with the same precedence
// as the normaliser; nothing below names an expected value.

import { expect } from 'chai';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ImageFormat, NormalisedMetadata } from '../../server/images/image.types';
import { type MetadataResult, closeMetadataReaders, readMetadata } from '../../server/images/metadata';

const FIXTURES = join(import.meta.dirname, '../fixtures/images');

type Truth = Record<string, unknown>;

const FORMAT_BY_EXTENSION: Record<string, ImageFormat> = {
  jpg: 'jpeg', png: 'png', tif: 'tiff', tiff: 'tiff', heic: 'heif', avif: 'avif', webp: 'webp', gif: 'gif',
};

// --- reading the ground truth ---------------------------------------------------------------------

function blank(v: unknown): boolean {
  return v === undefined || v === null || (typeof v === 'string' && v.trim() === '') || (Array.isArray(v) && v.every(blank));
}

function textOf(v: unknown): string {
  if (Array.isArray(v)) return v.map(textOf).join('; ');
  return String(v).trim();
}

/** Fields that live in EXIF, XMP and IIM, in the MWG order: EXIF, then XMP unless the IPTC digest is stale. */
const TRI_FIELD_TAGS: Record<string, { exif?: string; xmp: string; iptc: string }> = {
  creator: { exif: 'IFD0:Artist', xmp: 'XMP-dc:Creator', iptc: 'IPTC:By-line' },
  description: { exif: 'IFD0:ImageDescription', xmp: 'XMP-dc:Description', iptc: 'IPTC:Caption-Abstract' },
  copyright: { exif: 'IFD0:Copyright', xmp: 'XMP-dc:Rights', iptc: 'IPTC:CopyrightNotice' },
  creditLine: { xmp: 'XMP-photoshop:Credit', iptc: 'IPTC:Credit' },
  source: { xmp: 'XMP-photoshop:Source', iptc: 'IPTC:Source' },
};

function iptcIsStale(truth: Truth): boolean {
  const stored = truth['Photoshop:IPTCDigest'];
  const current = truth['File:CurrentIPTCDigest'];
  return typeof stored === 'string' && typeof current === 'string' && stored !== current;
}

function tagOrder(truth: Truth, field: string): string[] {
  const t = TRI_FIELD_TAGS[field];
  const containers = iptcIsStale(truth) ? [t.iptc, t.xmp] : [t.xmp, t.iptc];
  return t.exif ? [t.exif, ...containers] : containers;
}

function firstTag(truth: Truth, tags: string[]): { tag: string; value: unknown } | undefined {
  for (const tag of tags) if (!blank(truth[tag])) return { tag, value: truth[tag] };
  return undefined;
}

const DATE_TAGS = [
  'ExifIFD:DateTimeOriginal',
  'XMP-exif:DateTimeOriginal',
  'XMP-photoshop:DateCreated',
  'IPTC:DateCreated',
  'ExifIFD:CreateDate',
  'XMP-xmp:CreateDate',
];

/** The digits of the wall-clock part ("2018:07:25 16:34:23+02:00" → "20180725163423"). */
function wallClockDigits(v: string): string {
  return v.replace(/(Z|[+-]\d{2}:?\d{2})$/, '').replace(/\.\d+$/, '').replace(/\D/g, '');
}

function expectedCapture(truth: Truth): { tag: string; digits: string; offset?: string } | undefined {
  const hit = firstTag(truth, DATE_TAGS);
  if (!hit) return undefined;
  let value = String(hit.value);
  if (hit.tag === 'IPTC:DateCreated' && !blank(truth['IPTC:TimeCreated'])) value += ` ${String(truth['IPTC:TimeCreated'])}`;
  const inline = /(Z|[+-]\d{2}:\d{2})$/.exec(value)?.[1];
  const offset = hit.tag === 'ExifIFD:DateTimeOriginal' ? truth['ExifIFD:OffsetTimeOriginal'] : hit.tag === 'ExifIFD:CreateDate' ? truth['ExifIFD:OffsetTimeDigitized'] : inline;
  return { tag: hit.tag, digits: wallClockDigits(value), offset: typeof offset === 'string' ? offset.replace(/^Z$/, '+00:00') : undefined };
}

// --- what the normaliser gave, in comparable form --------------------------------------------------

interface Comparison {
  field: string;
  expected: unknown;
  actual: unknown;
  tag?: string;
}

function compare(file: string, truth: Truth, n: NormalisedMetadata): Comparison[] {
  const out: Comparison[] = [];
  for (const field of ['make', 'model'] as const) {
    const hit = firstTag(truth, [`IFD0:${field[0].toUpperCase()}${field.slice(1)}`]);
    out.push({ field, expected: hit ? textOf(hit.value) : undefined, actual: n[field], tag: hit?.tag });
  }
  const orientation = truth['IFD0:Orientation'];
  out.push({ field: 'orientation', expected: typeof orientation === 'number' ? orientation : undefined, actual: n.orientation });

  const capture = expectedCapture(truth);
  out.push({ field: 'capturedAtLocal', expected: capture?.digits, actual: n.capturedAtLocal ? wallClockDigits(n.capturedAtLocal) : undefined, tag: capture?.tag });
  if (capture?.offset) out.push({ field: 'capturedAtOffset', expected: capture.offset, actual: n.capturedAtOffset, tag: capture.tag });

  const lat = truth['Composite:GPSLatitude'];
  const lon = truth['Composite:GPSLongitude'];
  const round = (x: number | undefined) => (x === undefined ? undefined : Math.round(x * 1e5) / 1e5);
  out.push({ field: 'gps.latitude', expected: typeof lat === 'number' ? round(lat) : undefined, actual: round(n.gps?.latitude) });
  out.push({ field: 'gps.longitude', expected: typeof lon === 'number' ? round(lon) : undefined, actual: round(n.gps?.longitude) });

  for (const field of Object.keys(TRI_FIELD_TAGS) as (keyof typeof TRI_FIELD_TAGS & keyof NormalisedMetadata)[]) {
    const hit = firstTag(truth, tagOrder(truth, field));
    const actual = n[field];
    out.push({
      field,
      expected: hit ? textOf(hit.value) : undefined,
      actual: actual === undefined ? undefined : textOf(actual),
      tag: hit?.tag,
    });
  }
  void file;
  return out;
}

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
      for (const c of compare(file, truth, result.normalised)) {
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

  it('can be used again after closeMetadataReaders', async () => {
    await closeMetadataReaders();
    const truth = JSON.parse(await readFile(join(FIXTURES, 'test_xmp.webp.exiftool.json'), 'utf8'))[0] as Truth;
    const result = await readMetadata(join(FIXTURES, 'test_xmp.webp'), 'webp');
    expect(result.raw.readers.map((r) => r.reader)).to.deep.equal(['exiftool']);
    expect(result.normalised.make ?? result.normalised.creator?.join('; ')).to.equal(
      textOf(firstTag(truth, ['IFD0:Make', 'IFD0:Artist'])?.value),
    );
  });
});
