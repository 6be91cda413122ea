// Pure helpers for the raw side of metadata reading: the JSON-safe raw shape, the conversion of each
// reader's output into it, and a few byte sniffers that tell us when exifr has missed something.
// Nothing here does I/O, so all of it can be unit-tested with hand-made inputs.

import { createHash } from 'node:crypto';

export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** Which reader produced a block. `bytes` = our own small parsers in this file. */
export type MetadataReader = 'exifr' | 'exiftool' | 'bytes';

export const BLOCK_NAMES = [
  'ifd0', 'exif', 'gps', 'interop', 'ifd1', 'iptc', 'xmp', 'icc', 'photoshop',
  'makerNotes', 'jfif', 'container', 'composite', 'c2pa',
] as const;
export type BlockName = (typeof BLOCK_NAMES)[number];

export interface RawBlock {
  reader: MetadataReader;
  /**
   * Tags as the reader names them (exifr and ExifTool differ for IPTC, e.g. `Byline` vs `By-line`; the
   * normaliser knows both). For `xmp`, one level more: `{ [canonical namespace prefix]: { property: value } }`.
   */
  tags: JsonObject;
}

export type RawMetadata = { [K in BlockName]?: RawBlock } & {
  /** Readers that ran, in order, with the reason a second reader was needed. */
  readers: { reader: MetadataReader; reason: string; ms: number }[];
  /** Everything that went wrong or looked wrong while reading; never thrown. */
  warnings: string[];
};

// ---------------------------------------------------------------------------------------------
// JSON safety

export interface JsonSafeLimits {
  maxString: number;
  maxArray: number;
  maxDepth: number;
  maxKeys: number;
}

// Generous enough for a long caption or a full XMP history, small enough that a crafted file cannot
// make one document in the archive megabytes long.
export const DEFAULT_JSON_LIMITS: JsonSafeLimits = { maxString: 16_384, maxArray: 256, maxDepth: 12, maxKeys: 1_000 };

const BINARY_DESCRIPTION = /^\(Binary data (\d+) bytes/;

/**
 * Turns whatever a reader returned into plain JSON: binary → `{ binary: true, bytes }`, Date → ISO string,
 * bigint → string, non-finite numbers → string, functions/symbols/undefined dropped, oversized strings and
 * arrays cut with a marker. `JSON.parse(JSON.stringify(x))` of the result deep-equals the result.
 */
export function toJsonSafe(value: unknown, limits: JsonSafeLimits = DEFAULT_JSON_LIMITS): JsonValue | undefined {
  const seen = new WeakSet<object>();
  const walk = (v: unknown, depth: number): JsonValue | undefined => {
    if (v === null) return null;
    switch (typeof v) {
      case 'string': {
        // ExifTool's placeholder for binary tags: same description whichever reader saw the tag.
        const bin = BINARY_DESCRIPTION.exec(v);
        if (bin) return { binary: true, bytes: Number(bin[1]) };
        // NUL padding from fixed-width IIM/EXIF fields would otherwise survive into captions.
        const s = v.replace(/\u0000+$/, '');
        return s.length > limits.maxString ? `${s.slice(0, limits.maxString)}…[truncated ${s.length} chars]` : s;
      }
      case 'number':
        return Number.isFinite(v) ? v : String(v);
      case 'boolean':
        return v;
      case 'bigint':
        return v.toString();
      case 'undefined':
      case 'function':
      case 'symbol':
        return undefined;
    }
    if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString();
    if (ArrayBuffer.isView(v)) {
      // Short typed arrays are values, not payloads (GPSAltitudeRef [1], ExifVersion, BitsPerSample [8,8,8]).
      if (!(v instanceof DataView) && (v instanceof Uint8Array ? v.byteLength <= 8 : v.byteLength <= 64)) {
        return Array.from(v as unknown as ArrayLike<number>, (n) => Number(n));
      }
      return { binary: true, bytes: v.byteLength };
    }
    if (v instanceof ArrayBuffer) return { binary: true, bytes: v.byteLength };
    if (typeof v !== 'object') return undefined;
    if (seen.has(v)) return '[circular]';
    if (depth >= limits.maxDepth) return '[too deep]';
    seen.add(v);
    try {
      if (Array.isArray(v)) {
        const out: JsonValue[] = [];
        for (const item of v.slice(0, limits.maxArray)) {
          const safe = walk(item, depth + 1);
          out.push(safe === undefined ? null : safe);
        }
        if (v.length > limits.maxArray) out.push(`[truncated: ${v.length} items]`);
        return out;
      }
      if (v instanceof Map) return walk(Object.fromEntries(v), depth);
      const out: JsonObject = {};
      let count = 0;
      for (const [key, item] of Object.entries(v)) {
        if (++count > limits.maxKeys) {
          out['[truncated]'] = `${Object.keys(v).length} keys`;
          break;
        }
        const safe = walk(item, depth + 1);
        if (safe !== undefined) out[key] = safe;
      }
      return out;
    } finally {
      seen.delete(v);
    }
  };
  return walk(value, 0);
}

function asObject(value: JsonValue | undefined): JsonObject | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
}

// ---------------------------------------------------------------------------------------------
// XMP namespaces: files use whatever prefix their writer chose (`xap` for the old xmp namespace),
// ExifTool uses its own group names (`XMP-iptcCore`). We key by the prefix the standard documents.

const XMP_PREFIX_BY_URI: Record<string, string> = {
  'http://purl.org/dc/elements/1.1/': 'dc',
  'http://purl.org/dc/terms/': 'dcterms',
  'http://ns.adobe.com/photoshop/1.0/': 'photoshop',
  'http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/': 'Iptc4xmpCore',
  'http://iptc.org/std/Iptc4xmpExt/2008-02-29/': 'Iptc4xmpExt',
  'http://ns.adobe.com/xap/1.0/': 'xmp',
  'http://ns.adobe.com/xap/1.0/rights/': 'xmpRights',
  'http://ns.adobe.com/xap/1.0/mm/': 'xmpMM',
  'http://ns.adobe.com/exif/1.0/': 'exif',
  'http://cipa.jp/exif/1.0/': 'exifEX',
  'http://ns.adobe.com/tiff/1.0/': 'tiff',
  'http://ns.adobe.com/exif/1.0/aux/': 'aux',
  'http://ns.useplus.org/ldf/xmp/1.0/': 'plus',
  'http://ns.adobe.com/camera-raw-settings/1.0/': 'crs',
};

const XMP_PREFIX_BY_EXIFTOOL_GROUP: Record<string, string> = {
  'XMP-iptcCore': 'Iptc4xmpCore',
  'XMP-iptcExt': 'Iptc4xmpExt',
};

const XML_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** exifr's XMP parser leaves XML character references in values ("&lt;"); the text as written is what we keep. */
export function decodeXmlEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|lt|gt|amp|quot|apos);/gi, (whole, name: string) => {
    if (name[0] !== '#') return XML_ENTITIES[name.toLowerCase()] ?? whole;
    const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

function decodeStrings(value: JsonValue): JsonValue {
  if (typeof value === 'string') return decodeXmlEntities(value);
  if (Array.isArray(value)) return value.map(decodeStrings);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, decodeStrings(item)]));
  return value;
}

/** exifr's `sidecar(…, {mergeOutput:false}, 'xmp')` output → `{ prefix: { prop: value } }` keyed by canonical prefix. */
export function xmpFromExifr(parsed: unknown): JsonObject | undefined {
  const jsonSafe = toJsonSafe(parsed);
  const safe = asObject(jsonSafe === undefined ? undefined : decodeStrings(jsonSafe));
  if (!safe) return undefined;
  const xmlns = asObject(safe.xmlns) ?? {};
  const out: JsonObject = {};
  for (const [prefix, props] of Object.entries(safe)) {
    if (prefix === 'xmlns') continue;
    const uri = xmlns[prefix];
    const canonical = (typeof uri === 'string' && XMP_PREFIX_BY_URI[uri]) || prefix;
    const existing = asObject(out[canonical]);
    const incoming = asObject(props) ?? { value: props };
    out[canonical] = existing ? { ...existing, ...incoming } : incoming;
  }
  return Object.keys(out).length ? out : undefined;
}

// ---------------------------------------------------------------------------------------------
// exifr output (mergeOutput: false, xmp parsed separately) → blocks

const EXIFR_BLOCKS: Record<string, BlockName> = {
  ifd0: 'ifd0', exif: 'exif', gps: 'gps', interop: 'interop', ifd1: 'ifd1', iptc: 'iptc', icc: 'icc',
  jfif: 'jfif', ihdr: 'container', makerNote: 'makerNotes',
};

export function blocksFromExifr(output: Record<string, unknown>): { blocks: { [K in BlockName]?: RawBlock }; warnings: string[] } {
  const blocks: { [K in BlockName]?: RawBlock } = {};
  const warnings: string[] = [];
  for (const [key, value] of Object.entries(output)) {
    if (key === 'errors') {
      for (const e of Array.isArray(value) ? value : [value]) warnings.push(`exifr: ${e instanceof Error ? e.message : String(e)}`);
      continue;
    }
    const block = EXIFR_BLOCKS[key];
    if (!block) continue; // the raw XMP string is handled by the caller
    const tags = asObject(toJsonSafe(value));
    if (tags && Object.keys(tags).length) blocks[block] = { reader: 'exifr', tags };
  }
  return { blocks, warnings };
}

// ---------------------------------------------------------------------------------------------
// ExifTool output (readRaw with -G1 -n -struct) → blocks

const EXIFTOOL_GROUP_BLOCKS: Record<string, BlockName> = {
  IFD0: 'ifd0', ExifIFD: 'exif', GPS: 'gps', InteropIFD: 'interop', IFD1: 'ifd1', IPTC: 'iptc',
  ICC_Profile: 'icc', 'ICC-header': 'icc', 'ICC-meas': 'icc', 'ICC-view': 'icc', 'ICC-chrm': 'icc',
  Photoshop: 'photoshop', JFIF: 'jfif', Composite: 'composite', JUMBF: 'c2pa', CBOR: 'c2pa',
  File: 'container', PNG: 'container', RIFF: 'container', GIF: 'container', QuickTime: 'container',
  Meta: 'container', ItemList: 'container',
};

/** Groups that describe the copy on disk or ExifTool itself, not the image. */
const EXIFTOOL_IGNORED_GROUPS = new Set(['System', 'SourceFile']);

export function blocksFromExifTool(tags: Record<string, unknown>): { blocks: { [K in BlockName]?: RawBlock }; warnings: string[] } {
  const grouped: { [K in BlockName]?: JsonObject } = {};
  const warnings: string[] = [];
  for (const [key, value] of Object.entries(tags)) {
    if (key === 'errors' || key === 'warnings') {
      for (const w of Array.isArray(value) ? value : []) warnings.push(`exiftool: ${String(w)}`);
      continue;
    }
    const colon = key.indexOf(':');
    const group = colon < 0 ? key : key.slice(0, colon);
    const tag = colon < 0 ? key : key.slice(colon + 1);
    if (EXIFTOOL_IGNORED_GROUPS.has(group)) continue;
    if (group === 'ExifTool') {
      if (tag === 'Warning' || tag === 'Error') warnings.push(`exiftool: ${String(value)}`);
      continue;
    }
    const safe = toJsonSafe(value);
    if (safe === undefined) continue;
    if (group.startsWith('XMP-')) {
      const prefix = XMP_PREFIX_BY_EXIFTOOL_GROUP[group] ?? group.slice(4);
      const ns = (grouped.xmp ??= {});
      ((ns[prefix] as JsonObject | undefined) ?? (ns[prefix] = {}) as JsonObject)[tag] = safe;
      continue;
    }
    // Maker notes come as vendor groups (Canon, Nikon, Apple…); anything unlisted is kept, not lost.
    const block = EXIFTOOL_GROUP_BLOCKS[group] ?? 'makerNotes';
    const target = (grouped[block] ??= {});
    target[block === 'makerNotes' || block === 'container' || block === 'c2pa' ? `${group}:${tag}` : tag] = safe;
  }
  const blocks: { [K in BlockName]?: RawBlock } = {};
  for (const [name, t] of Object.entries(grouped) as [BlockName, JsonObject][]) blocks[name] = { reader: 'exiftool', tags: t };
  return { blocks, warnings };
}

// ---------------------------------------------------------------------------------------------
// Byte sniffers. They only look for markers; they decide whether the second reader is worth its cost.

function indexOf(bytes: Uint8Array, needle: string, from = 0): number {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).indexOf(needle, from, 'latin1');
}

/** An XMP packet is in the file (any container). */
export function hasXmpPacket(bytes: Uint8Array): boolean {
  return indexOf(bytes, '<x:xmpmeta') >= 0 || indexOf(bytes, '<rdf:RDF') >= 0 || indexOf(bytes, 'http://ns.adobe.com/xap/1.0/\u0000') >= 0;
}

/** IPTC stored the ImageMagick way, as a hex "raw profile" text chunk in PNG (exifr never reads it). */
export function hasPngRawIptcProfile(bytes: Uint8Array): boolean {
  return indexOf(bytes, 'Raw profile type iptc') >= 0 || indexOf(bytes, 'Raw profile type 8bim') >= 0;
}

/**
 * An embedded C2PA manifest store: a JUMBF description box (`jumd`) labelled `c2pa`. Validation is not
 * done here; this only says whether there is something to validate.
 */
export function hasC2paManifestStore(bytes: Uint8Array): boolean {
  for (let at = indexOf(bytes, 'jumd'); at >= 0; at = indexOf(bytes, 'jumd', at + 4)) {
    // jumd: 16-byte type UUID, 1 toggle byte, then the NUL-terminated label.
    const label = Buffer.from(bytes.buffer, bytes.byteOffset + at + 4 + 17, Math.max(0, Math.min(5, bytes.byteLength - at - 21)));
    if (label.toString('latin1') === 'c2pa\u0000') return true;
  }
  return false;
}

export interface PhotoshopIrbFacts {
  /** Photoshop resource 0x0425: MD5 of the IPTC block as last written by an MWG-aware tool. */
  storedIptcDigest?: string;
  /** MD5 of the IPTC block (resource 0x0404) now in the file. */
  currentIptcDigest?: string;
  /** The IIM's envelope declares UTF-8 (dataset 1:90 CodedCharacterSet = ESC % G). */
  iimUtf8?: boolean;
}

/** ESC % G: ISO 2022's designation of UTF-8, the value IIM dataset 1:90 carries for UTF-8 text. */
const IIM_UTF8 = [0x1b, 0x25, 0x47];

/** Whether IPTC-IIM datasets (0x1C record dataset length data …) declare UTF-8 in 1:90 CodedCharacterSet. */
export function iimDeclaresUtf8(iim: Uint8Array): boolean {
  let pos = 0;
  while (pos + 5 <= iim.byteLength && iim[pos] === 0x1c) {
    const record = iim[pos + 1];
    const dataset = iim[pos + 2];
    let length = (iim[pos + 3] << 8) | iim[pos + 4];
    let start = pos + 5;
    if (length & 0x8000) {
      // Extended dataset: the low bits give how many bytes hold the length.
      const lengthBytes = length & 0x7fff;
      if (lengthBytes > 4 || start + lengthBytes > iim.byteLength) return false;
      length = 0;
      for (let i = 0; i < lengthBytes; i++) length = length * 256 + iim[start + i];
      start += lengthBytes;
    }
    if (record === 1 && dataset === 90) return length === IIM_UTF8.length && IIM_UTF8.every((byte, i) => iim[start + i] === byte);
    if (record > 1) return false; // the envelope (record 1) comes first
    pos = start + length;
  }
  return false;
}

/** Reads a Photoshop Image Resource Block (a run of `8BIM` resources) for the two IPTC digests. */
export function iptcDigestsFromIrb(irb: Uint8Array): PhotoshopIrbFacts {
  const facts: PhotoshopIrbFacts = {};
  const view = new DataView(irb.buffer, irb.byteOffset, irb.byteLength);
  let pos = 0;
  while (pos + 12 <= irb.byteLength) {
    if (view.getUint32(pos) !== 0x3842494d /* 8BIM */) break;
    const id = view.getUint16(pos + 4);
    const nameLen = view.getUint8(pos + 6);
    let p = pos + 6 + nameLen + 1;
    if (p % 2) p += 1; // the Pascal name is padded to an even length
    if (p + 4 > irb.byteLength) break;
    const size = view.getUint32(p);
    const start = p + 4;
    if (start + size > irb.byteLength) break;
    const data = irb.subarray(start, start + size);
    if (id === 0x0425 && size === 16) facts.storedIptcDigest = Buffer.from(data).toString('hex');
    if (id === 0x0404 && facts.currentIptcDigest === undefined) {
      facts.currentIptcDigest = createHash('md5').update(data).digest('hex');
      if (iimDeclaresUtf8(data)) facts.iimUtf8 = true;
    }
    pos = start + size + (size % 2);
  }
  return facts;
}

/** Concatenates the Photoshop IRB payloads of all JPEG APP13 "Photoshop 3.0" segments. */
export function jpegPhotoshopIrb(bytes: Uint8Array): Uint8Array | undefined {
  if (bytes.byteLength < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return undefined;
  const header = 'Photoshop 3.0\u0000';
  const parts: Uint8Array[] = [];
  let pos = 2;
  while (pos + 4 <= bytes.byteLength && bytes[pos] === 0xff) {
    const marker = bytes[pos + 1];
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01 || marker === 0xff) {
      pos += marker === 0xff ? 1 : 2;
      continue;
    }
    if (marker === 0xda || marker === 0xd9) break; // start of scan: no more metadata segments
    const len = (bytes[pos + 2] << 8) | bytes[pos + 3];
    if (len < 2) break;
    const body = bytes.subarray(pos + 4, Math.min(bytes.byteLength, pos + 2 + len));
    if (marker === 0xed && Buffer.from(body.subarray(0, header.length)).toString('latin1') === header) {
      parts.push(body.subarray(header.length));
    }
    pos += 2 + len;
  }
  return parts.length ? Buffer.concat(parts) : undefined;
}
