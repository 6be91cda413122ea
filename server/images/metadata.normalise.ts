// Raw metadata blocks → NormalisedMetadata. Pure: no I/O, no clock, no globals.
//
// PRECEDENCE. Where several tags carry the same field we follow the Metadata Working Group guidance
// (MWG 2.0, as implemented by ExifTool's MWG composite tags) and the IPTC Photo Metadata Standard's
// IIM ⟷ XMP mapping:
//
//  • creator, description, copyright (fields that exist in EXIF, IIM and XMP):
//      1. EXIF (IFD0 Artist / ImageDescription / Copyright) when not blank. MWG: EXIF is the native
//         container for JPEG/TIFF and MWG-compliant writers keep the other two in sync with it.
//      2. XMP (dc:creator / dc:description / dc:rights) if the file has no IIM block, or if it has
//         XMP and the stored Photoshop IPTCDigest is absent or equals the digest of the current IIM
//         block (the IIM was not edited behind the XMP's back).
//      3. IIM (By-line / Caption-Abstract / CopyrightNotice) otherwise, i.e. when the digest says the
//         IIM was changed by a tool that did not update XMP. If the IIM value has exactly the IIM
//         length limit (32/2000/128) and the XMP value starts with it, the IIM was truncated and XMP
//         is used (MWG "RecoverTruncatedIPTC").
//      4. Deviation from strict MWG: if the preferred container lacks the field entirely we fall
//         back to the other one rather than report nothing; `sources` says which tag was used.
//    MWG.jpg (the MWG reconciliation test) therefore gives the "RIGHT-…" values.
//  • creditLine, source, headline, title (IIM + XMP only, no EXIF): steps 2–4 with
//    photoshop:Credit / IIM Credit (32), photoshop:Source / IIM Source (32), photoshop:Headline /
//    IIM Headline (256), dc:title / IIM ObjectName (64).
//  • location: each part separately, steps 2–4, where the XMP candidate is
//    Iptc4xmpExt:LocationShown[0].<part> then the legacy IPTC Core property (Iptc4xmpCore:Location,
//    photoshop:City/State/Country, Iptc4xmpCore:CountryCode), against IIM Sub-location/City/
//    Province-State/Country-PrimaryLocationName/Country-PrimaryLocationCode. Iptc4xmpExt:
//    LocationCreated[0] is the last fallback (it is where the camera was, not what is shown).
//  • capture date: EXIF DateTimeOriginal (+ OffsetTimeOriginal, + SubSecTimeOriginal) → XMP
//    exif:DateTimeOriginal → XMP photoshop:DateCreated → IIM DateCreated + TimeCreated → EXIF
//    CreateDate (+ OffsetTimeDigitized, + SubSecTimeDigitized) → XMP xmp:CreateDate.
//    `capturedAtLocal` is the wall-clock part exactly as written (EXIF "YYYY:MM:DD HH:MM:SS", XMP
//    "YYYY-MM-DDTHH:MM:SS"); `capturedAtOffset` only when the file states one; `capturedAt` reads the
//    wall clock as UTC when there is no offset (the file does not say where it was taken).
//  • dateCreated: XMP photoshop:DateCreated → IIM DateCreated (+TimeCreated), as ISO 8601 (may be a
//    date only).
//  • make, model, orientation: IFD0. software: IFD0 Software → XMP xmp:CreatorTool. lens: ExifIFD LensModel → LensMake + LensModel →
//    XMP aux:Lens / exifEX:LensModel.
//  • gps: GPS IFD, signed by GPSLatitudeRef/GPSLongitudeRef ("S"/"W" negative), altitude negative when
//    GPSAltitudeRef = 1; ExifTool's signed Composite values as a fallback.
//  • digitalSourceType: Iptc4xmpExt:DigitalSourceType. remoteManifestUrl: dcterms:provenance.
//
// Strings are trimmed; empty strings are dropped (an empty field is no evidence). XMP language
// alternatives collapse to x-default, else the first. `sources` records the tag (ExifTool group:name
// spelling, whichever reader produced it) that supplied each field.

import type { NormalisedMetadata } from './image.types';
import type { BlockName, JsonObject, JsonValue, RawMetadata } from './metadata.raw';

type Blocks = Pick<RawMetadata, BlockName>;

interface Found<T> {
  value: T;
  source: string;
}

// ---------------------------------------------------------------------------------------------
// Reading values out of blocks

const squash = (key: string) => key.toLowerCase().replace(/[^a-z0-9]/g, '');

function lookup(obj: JsonObject | undefined, names: readonly string[]): JsonValue | undefined {
  if (!obj) return undefined;
  for (const name of names) if (obj[name] !== undefined) return obj[name];
  // ExifTool capitalises XMP property and struct field names; exifr keeps the file's spelling.
  const wanted = new Set(names.map(squash));
  for (const [key, value] of Object.entries(obj)) if (wanted.has(squash(key))) return value;
  return undefined;
}

function isObject(v: JsonValue | undefined): v is JsonObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** A single text value: trims, drops empty, collapses language alternatives and one-item lists. */
export function text(v: JsonValue | undefined): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') {
    const t = v.replace(/\u0000/g, '').trim();
    return t === '' ? undefined : t;
  }
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) {
    // A list of language alternatives (exifr: [{lang, value}, …]) → x-default, else the first.
    const xDefault = v.find((item) => isObject(item) && item.lang === 'x-default');
    for (const item of xDefault ? [xDefault] : v) {
      const t = text(item);
      if (t !== undefined) return t;
    }
    return undefined;
  }
  if ('value' in v) return text(v.value);
  if ('x-default' in v) return text(v['x-default']);
  if (v.binary === true) return undefined;
  return undefined;
}

/** A list of names: XMP bags/seqs, IIM repeated datasets, or the MWG "a; b" EXIF Artist convention. */
export function textList(v: JsonValue | undefined, splitSemicolons = false): string[] | undefined {
  if (v === undefined || v === null) return undefined;
  const items = Array.isArray(v) ? v : [v];
  const out: string[] = [];
  for (const item of items) {
    const t = text(item);
    if (t === undefined) continue;
    if (splitSemicolons) out.push(...t.split(/;\s+/).map((s) => s.replace(/^"(.*)"$/, '$1').trim()).filter(Boolean));
    else out.push(t);
  }
  return out.length ? out : undefined;
}

function num(v: JsonValue | undefined): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  if (Array.isArray(v) && v.length === 1) return num(v[0]); // exifr keeps BYTE tags as [n]
  return undefined;
}

function blockTag(raw: Blocks, block: BlockName, names: readonly string[]): JsonValue | undefined {
  return lookup(raw[block]?.tags, names);
}

function xmp(raw: Blocks, ns: string, names: readonly string[]): JsonValue | undefined {
  const spaces = raw.xmp?.tags;
  if (!spaces) return undefined;
  const space = isObject(spaces[ns]) ? (spaces[ns] as JsonObject) : undefined;
  return lookup(space, names);
}

// ExifTool's group-1 spelling, so the evidence reads the same whichever reader produced the value.
const XMP_GROUP: Record<string, string> = { Iptc4xmpCore: 'XMP-iptcCore', Iptc4xmpExt: 'XMP-iptcExt' };
const xmpSource = (ns: string, name: string) => `${XMP_GROUP[ns] ?? `XMP-${ns}`}:${name}`;

// ---------------------------------------------------------------------------------------------
// MWG reconciliation

export type IptcSync = 'no-iptc' | 'in-sync' | 'stale';

/** Whether the IIM block may be trusted to agree with XMP, from the Photoshop IPTCDigest. */
export function iptcSync(raw: Blocks): IptcSync {
  if (!raw.iptc) return 'no-iptc';
  const stored = text(blockTag(raw, 'photoshop', ['IPTCDigest']));
  const current =
    text(blockTag(raw, 'photoshop', ['CurrentIPTCDigest'])) ?? text(blockTag(raw, 'container', ['File:CurrentIPTCDigest']));
  // No stored digest: nothing says the IIM was edited behind XMP's back. Unknown current digest (a
  // container we do not hash): same benefit of the doubt.
  if (!stored || !current) return 'in-sync';
  return stored.toLowerCase() === current.toLowerCase() ? 'in-sync' : 'stale';
}

interface Candidates<T> {
  exif?: Found<T>;
  xmp?: Found<T>;
  iptc?: Found<T>;
}

function firstLen(v: string | string[]): number {
  return (Array.isArray(v) ? v[0] : v)?.length ?? 0;
}

function truncatedBy<T extends string | string[]>(iptcValue: T, xmpValue: T, limit: number): boolean {
  const i = Array.isArray(iptcValue) ? iptcValue[0] : iptcValue;
  const x = Array.isArray(xmpValue) ? xmpValue[0] : xmpValue;
  if (typeof i !== 'string' || typeof x !== 'string') return false;
  // IIM limits are in bytes; a UTF-8 value cut at the limit may be a few characters shorter.
  const bytes = Buffer.byteLength(i, 'utf8');
  return bytes <= limit && bytes >= limit - 3 && x.length > i.length && x.startsWith(i) && firstLen(i) > 0;
}

export function reconcile<T extends string | string[]>(c: Candidates<T>, sync: IptcSync, iimLimit: number): Found<T> | undefined {
  if (c.exif) return c.exif;
  if (!c.xmp) return c.iptc;
  if (!c.iptc || sync !== 'stale') return c.xmp;
  if (truncatedBy(c.iptc.value, c.xmp.value, iimLimit)) return c.xmp;
  return c.iptc;
}

function found<T>(value: T | undefined, source: string): Found<T> | undefined {
  return value === undefined ? undefined : { value, source };
}

function firstFound<T>(...options: (Found<T> | undefined)[]): Found<T> | undefined {
  return options.find((o) => o !== undefined);
}

// ---------------------------------------------------------------------------------------------
// Dates

export interface ParsedDate {
  local: string;
  offset?: string;
  date: Date;
}

function normaliseOffset(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  const t = raw.trim();
  if (t === 'Z') return '+00:00';
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(t);
  return m ? `${m[1]}${m[2]}:${m[3]}` : undefined;
}

/**
 * Parses EXIF ("2018:07:25 16:34:23"), XMP ("2018-07-25T16:34:23.5+02:00") and ExifTool-reformatted
 * ("2018:07:25 16:34:23+02:00") date-times. `local` keeps the wall-clock part as written.
 */
export function parseDateTime(value: string, offsetTag?: string, subSec?: string): ParsedDate | undefined {
  const m = /^(\d{4})[:-](\d{2})[:-](\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?(?:\.(\d+))?)?\s*(Z|[+-]\d{2}:?\d{2})?$/.exec(value.trim());
  if (!m) return undefined;
  const [, y, mo, d, h = '00', mi = '00', s = '00', frac, inlineOffset] = m;
  if (y === '0000' || mo === '00' || d === '00') return undefined; // "0000:00:00 00:00:00" = unset
  const localEnd = value.trim().length - (inlineOffset?.length ?? 0);
  const local = value.trim().slice(0, localEnd).trim();
  const offset = normaliseOffset(inlineOffset) ?? normaliseOffset(offsetTag);
  const fraction = frac ?? (subSec && /^\d+$/.test(subSec.trim()) ? subSec.trim() : undefined);
  const ms = fraction ? Math.round(Number(`0.${fraction}`) * 1000) : 0;
  const iso = `${y}-${mo}-${d}T${h}:${mi}:${s}.${String(ms).padStart(3, '0').slice(0, 3)}${offset ?? 'Z'}`;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? undefined : { local, offset, date };
}

/** IIM DateCreated "19920101" / "1992:01:01" + TimeCreated "021111+0100" / "02:11:11+01:00" → ISO 8601. */
export function iimDateTime(dateValue: string | undefined, timeValue: string | undefined): string | undefined {
  if (!dateValue) return undefined;
  const d = /^(\d{4}):?(\d{2}):?(\d{2})$/.exec(dateValue.trim());
  if (!d) return undefined;
  const date = `${d[1]}-${d[2]}-${d[3]}`;
  const t = timeValue ? /^(\d{2}):?(\d{2}):?(\d{2})\s*([+-]\d{2}:?\d{2})?$/.exec(timeValue.trim()) : null;
  if (!t) return date;
  return `${date}T${t[1]}:${t[2]}:${t[3]}${normaliseOffset(t[4]) ?? ''}`;
}

/** XMP dates are ISO 8601 already; ExifTool rewrites them EXIF-style. Either way → ISO 8601. */
function isoFromXmpDate(value: string): string {
  const m = /^(\d{4})[:-](\d{2})[:-](\d{2})(.*)$/.exec(value.trim());
  if (!m) return value.trim();
  return `${m[1]}-${m[2]}-${m[3]}${m[4].replace(/^ /, 'T')}`;
}

// ---------------------------------------------------------------------------------------------
// GPS

/** Decimal degrees from a number, a [deg, min, sec] triple, or ExifTool's "d m s" / "d deg m' s\"" forms. */
export function degrees(v: JsonValue | undefined): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (Array.isArray(v)) {
    const parts = v.map((p) => num(p));
    if (parts.length === 0 || parts.some((p) => p === undefined)) return undefined;
    const [d, m = 0, s = 0] = parts as number[];
    return d + m / 60 + s / 3600;
  }
  if (typeof v === 'string') {
    const nums = v.match(/-?\d+(?:\.\d+)?/g)?.map(Number);
    if (!nums?.length) return undefined;
    const [d, m = 0, s = 0] = nums;
    return d + m / 60 + s / 3600;
  }
  return undefined;
}

function gps(raw: Blocks, sources: Record<string, string>): NormalisedMetadata['gps'] {
  let lat = degrees(blockTag(raw, 'gps', ['GPSLatitude']));
  let lon = degrees(blockTag(raw, 'gps', ['GPSLongitude']));
  let source = 'GPS:GPSLatitude/GPSLongitude';
  if (lat !== undefined && lon !== undefined) {
    const latRef = text(blockTag(raw, 'gps', ['GPSLatitudeRef']))?.toUpperCase();
    const lonRef = text(blockTag(raw, 'gps', ['GPSLongitudeRef']))?.toUpperCase();
    // Refs win over a stray sign in the value; a missing ref leaves the value as stored.
    if (latRef?.startsWith('S')) lat = -Math.abs(lat);
    else if (latRef?.startsWith('N')) lat = Math.abs(lat);
    if (lonRef?.startsWith('W')) lon = -Math.abs(lon);
    else if (lonRef?.startsWith('E')) lon = Math.abs(lon);
  } else {
    lat = num(blockTag(raw, 'composite', ['GPSLatitude']));
    lon = num(blockTag(raw, 'composite', ['GPSLongitude']));
    source = 'Composite:GPSLatitude/GPSLongitude';
  }
  if (lat === undefined || lon === undefined || Math.abs(lat) > 90 || Math.abs(lon) > 180) return undefined;
  const out: NonNullable<NormalisedMetadata['gps']> = { latitude: lat, longitude: lon };
  const alt = num(blockTag(raw, 'gps', ['GPSAltitude']));
  if (alt !== undefined) {
    out.altitude = num(blockTag(raw, 'gps', ['GPSAltitudeRef'])) === 1 ? -Math.abs(alt) : alt;
    sources.gpsAltitude = 'GPS:GPSAltitude';
  }
  sources.gps = source;
  return out;
}

// ---------------------------------------------------------------------------------------------
// The mapping

interface TriField {
  field: 'creator' | 'description' | 'copyright' | 'creditLine' | 'source' | 'headline' | 'title';
  exif?: string;
  iptc: { names: string[]; source: string; limit: number };
  xmp: { ns: string; names: string[]; source: string };
  list?: boolean;
}

const TRI_FIELDS: TriField[] = [
  { field: 'creator', exif: 'Artist', list: true, iptc: { names: ['By-line', 'Byline'], source: 'By-line', limit: 32 }, xmp: { ns: 'dc', names: ['creator'], source: 'Creator' } },
  { field: 'description', exif: 'ImageDescription', iptc: { names: ['Caption-Abstract', 'Caption'], source: 'Caption-Abstract', limit: 2000 }, xmp: { ns: 'dc', names: ['description'], source: 'Description' } },
  { field: 'copyright', exif: 'Copyright', iptc: { names: ['CopyrightNotice'], source: 'CopyrightNotice', limit: 128 }, xmp: { ns: 'dc', names: ['rights'], source: 'Rights' } },
  { field: 'creditLine', iptc: { names: ['Credit'], source: 'Credit', limit: 32 }, xmp: { ns: 'photoshop', names: ['Credit'], source: 'Credit' } },
  { field: 'source', iptc: { names: ['Source'], source: 'Source', limit: 32 }, xmp: { ns: 'photoshop', names: ['Source'], source: 'Source' } },
  { field: 'headline', iptc: { names: ['Headline'], source: 'Headline', limit: 256 }, xmp: { ns: 'photoshop', names: ['Headline'], source: 'Headline' } },
  { field: 'title', iptc: { names: ['ObjectName'], source: 'ObjectName', limit: 64 }, xmp: { ns: 'dc', names: ['title'], source: 'Title' } },
];

type LocationPart = keyof NonNullable<NormalisedMetadata['location']>;
const LOCATION_PARTS: { part: LocationPart; struct: string[]; legacy: [string, string]; iptc: string[]; limit: number }[] = [
  { part: 'sublocation', struct: ['Sublocation'], legacy: ['Iptc4xmpCore', 'Location'], iptc: ['Sub-location', 'Sublocation'], limit: 32 },
  { part: 'city', struct: ['City'], legacy: ['photoshop', 'City'], iptc: ['City'], limit: 32 },
  { part: 'state', struct: ['ProvinceState'], legacy: ['photoshop', 'State'], iptc: ['Province-State', 'State'], limit: 32 },
  { part: 'country', struct: ['CountryName'], legacy: ['photoshop', 'Country'], iptc: ['Country-PrimaryLocationName', 'Country'], limit: 64 },
  { part: 'countryCode', struct: ['CountryCode'], legacy: ['Iptc4xmpCore', 'CountryCode'], iptc: ['Country-PrimaryLocationCode', 'CountryCode'], limit: 3 },
];

function firstStruct(v: JsonValue | undefined): JsonObject | undefined {
  if (Array.isArray(v)) return v.find(isObject);
  return isObject(v) ? v : undefined;
}

function setText<K extends keyof NormalisedMetadata>(out: NormalisedMetadata, field: K, f: Found<NormalisedMetadata[K]> | undefined): void {
  if (!f) return;
  out[field] = f.value;
  out.sources[field] = f.source;
}

function captureDate(raw: Blocks): Found<ParsedDate> | undefined {
  const exifDate = (dateTag: string, offsetTag: string, subSecTag: string): Found<ParsedDate> | undefined => {
    const v = text(blockTag(raw, 'exif', [dateTag])) ?? text(blockTag(raw, 'ifd0', [dateTag]));
    const parsed = v ? parseDateTime(v, text(blockTag(raw, 'exif', [offsetTag])), text(blockTag(raw, 'exif', [subSecTag]))) : undefined;
    return found(parsed, `ExifIFD:${dateTag}`);
  };
  const xmpDate = (ns: string, name: string): Found<ParsedDate> | undefined => {
    const v = text(xmp(raw, ns, [name]));
    return found(v ? parseDateTime(v) : undefined, xmpSource(ns, name));
  };
  const iimDate = (): Found<ParsedDate> | undefined => {
    const iso = iimDateTime(text(blockTag(raw, 'iptc', ['DateCreated'])), text(blockTag(raw, 'iptc', ['TimeCreated'])));
    // Like photoshop:DateCreated, the IIM date may stand alone: the day is still evidence.
    return iso ? found(parseDateTime(iso), 'IPTC:DateCreated+TimeCreated') : undefined;
  };
  return firstFound(
    exifDate('DateTimeOriginal', 'OffsetTimeOriginal', 'SubSecTimeOriginal'),
    xmpDate('exif', 'DateTimeOriginal'),
    xmpDate('photoshop', 'DateCreated'),
    iimDate(),
    exifDate('CreateDate', 'OffsetTimeDigitized', 'SubSecTimeDigitized'),
    xmpDate('xmp', 'CreateDate'),
  );
}

export function normaliseMetadata(raw: Blocks): NormalisedMetadata {
  const out: NormalisedMetadata = { sources: {} };
  const sync = iptcSync(raw);

  setText(out, 'make', found(text(blockTag(raw, 'ifd0', ['Make'])), 'IFD0:Make'));
  setText(out, 'model', found(text(blockTag(raw, 'ifd0', ['Model'])), 'IFD0:Model'));
  setText(
    out,
    'software',
    firstFound(
      found(text(blockTag(raw, 'ifd0', ['Software'])), 'IFD0:Software'),
      found(text(xmp(raw, 'xmp', ['CreatorTool'])), 'XMP-xmp:CreatorTool'),
    ),
  );
  const lensModel = text(blockTag(raw, 'exif', ['LensModel']));
  const lensMake = text(blockTag(raw, 'exif', ['LensMake']));
  setText(
    out,
    'lens',
    firstFound(
      found(lensModel && lensMake && !lensModel.startsWith(lensMake) ? `${lensMake} ${lensModel}` : lensModel, 'ExifIFD:LensModel'),
      found(text(xmp(raw, 'aux', ['Lens'])), 'XMP-aux:Lens'),
      found(text(xmp(raw, 'exifEX', ['LensModel'])), 'XMP-exifEX:LensModel'),
    ),
  );
  const orientation = num(blockTag(raw, 'ifd0', ['Orientation']));
  if (orientation !== undefined && Number.isInteger(orientation) && orientation >= 1 && orientation <= 8) {
    setText(out, 'orientation', found(orientation, 'IFD0:Orientation'));
  }

  const date = captureDate(raw);
  if (date) {
    out.capturedAt = date.value.date;
    out.capturedAtLocal = date.value.local;
    if (date.value.offset) out.capturedAtOffset = date.value.offset;
    out.sources.capturedAt = date.source;
  }

  const position = gps(raw, out.sources);
  if (position) out.gps = position;

  for (const f of TRI_FIELDS) {
    const pick = (v: JsonValue | undefined, splitSemicolons = false): string | string[] | undefined =>
      f.list ? textList(v, splitSemicolons) : text(v);
    const candidates: Candidates<string | string[]> = {
      exif: f.exif ? found(pick(blockTag(raw, 'ifd0', [f.exif]), true), `IFD0:${f.exif}`) : undefined,
      xmp: found(pick(xmp(raw, f.xmp.ns, f.xmp.names)), xmpSource(f.xmp.ns, f.xmp.source)),
      iptc: found(pick(blockTag(raw, 'iptc', f.iptc.names)), `IPTC:${f.iptc.source}`),
    };
    const chosen = reconcile(candidates, sync, f.iptc.limit);
    if (!chosen) continue;
    if (f.field === 'creator') setText(out, 'creator', { value: textList(chosen.value) ?? [], source: chosen.source });
    else setText(out, f.field, { value: text(chosen.value), source: chosen.source });
  }

  const shown = firstStruct(xmp(raw, 'Iptc4xmpExt', ['LocationShown']));
  const created = firstStruct(xmp(raw, 'Iptc4xmpExt', ['LocationCreated']));
  const location: NonNullable<NormalisedMetadata['location']> = {};
  for (const p of LOCATION_PARTS) {
    const xmpCandidate = firstFound(
      found(text(lookup(shown, p.struct)), `XMP-iptcExt:LocationShown${p.struct[0]}`),
      found(text(xmp(raw, p.legacy[0], [p.legacy[1]])), xmpSource(p.legacy[0], p.legacy[1])),
    );
    const chosen =
      reconcile({ xmp: xmpCandidate, iptc: found(text(blockTag(raw, 'iptc', p.iptc)), `IPTC:${p.iptc[0]}`) }, sync, p.limit) ??
      found(text(lookup(created, p.struct)), `XMP-iptcExt:LocationCreated${p.struct[0]}`);
    if (chosen) {
      location[p.part] = chosen.value;
      out.sources[`location.${p.part}`] = chosen.source;
    }
  }
  if (Object.keys(location).length) out.location = location;

  const xmpDateCreated = text(xmp(raw, 'photoshop', ['DateCreated']));
  setText(
    out,
    'dateCreated',
    firstFound(
      found(xmpDateCreated ? isoFromXmpDate(xmpDateCreated) : undefined, 'XMP-photoshop:DateCreated'),
      found(iimDateTime(text(blockTag(raw, 'iptc', ['DateCreated'])), text(blockTag(raw, 'iptc', ['TimeCreated']))), 'IPTC:DateCreated'),
    ),
  );
  setText(out, 'digitalSourceType', found(text(xmp(raw, 'Iptc4xmpExt', ['DigitalSourceType'])), 'XMP-iptcExt:DigitalSourceType'));
  setText(out, 'remoteManifestUrl', found(text(xmp(raw, 'dcterms', ['provenance'])), 'XMP-dcterms:Provenance'));
  return out;
}
