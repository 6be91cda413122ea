// The ExifTool ground truth beside each fixture (exiftool -j -G1 -n -struct), and the comparison of
// normalised metadata against it. Expected values are computed from the JSON with the same precedence
// as the normaliser; nothing here names an expected value. Shared by the reader test and the HTTP test.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { NormalisedMetadata } from '../../server/images/image.types';

export const FIXTURES = join(import.meta.dirname, '../fixtures/images');

export type Truth = Record<string, unknown>;

export async function readTruth(file: string): Promise<Truth> {
  return (JSON.parse(await readFile(join(FIXTURES, `${file}.exiftool.json`), 'utf8')) as Truth[])[0];
}

/** exiftool's stored size, swapped for EXIF orientations 5–8 (which rotate by 90°). */
export function displayedSize(tags: Truth): { width: number; height: number } {
  let width = Number(tags['File:ImageWidth']);
  let height = Number(tags['File:ImageHeight']);
  if (!width || !height) [width, height] = String(tags['Composite:ImageSize']).split(/[ x]/).map(Number);
  const orientation = Number(tags['IFD0:Orientation'] ?? 1);
  return orientation >= 5 ? { width: height, height: width } : { width, height };
}

// --- reading the ground truth ---------------------------------------------------------------------

export function blank(v: unknown): boolean {
  return v === undefined || v === null || (typeof v === 'string' && v.trim() === '') || (Array.isArray(v) && v.every(blank));
}

export function textOf(v: unknown): string {
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

export function firstTag(truth: Truth, tags: string[]): { tag: string; value: unknown } | undefined {
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
export function wallClockDigits(v: string): string {
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

export interface Comparison {
  field: string;
  expected: unknown;
  actual: unknown;
  tag?: string;
}

export function compare(truth: Truth, n: NormalisedMetadata): Comparison[] {
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
  return out;
}

