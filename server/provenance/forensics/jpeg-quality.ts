// JPEG compression history from the quantisation tables (DQT): the IJG quality a table corresponds
// to, and whether the tables are exactly those of a known encoder. Pure: header bytes in, facts out.
//
// The IJG (libjpeg) encoder scales the example tables of ITU-T T.81 Annex K by a factor derived from
// the quality setting q (1–100): scale = 5000 / q below 50, 200 − 2q from 50 up, each entry
// floor((base × scale + 50) / 100) clamped to 1–255 (jcparam.c, jpeg_quality_scaling and
// jpeg_add_quant_table). The setting whose table is nearest gives the usual "estimated quality": exact
// for files written by libjpeg, libjpeg-turbo and everything built on them; an approximation otherwise.

/** ITU-T T.81 Annex K.1, luminance, in natural (row-major) order. */
const ANNEX_K_LUMINANCE = [
  16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113,
  92, 49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
];
/** ITU-T T.81 Annex K.2, chrominance, natural order. */
const ANNEX_K_CHROMINANCE = [
  17, 18, 24, 47, 99, 99, 99, 99, 18, 21, 26, 66, 99, 99, 99, 99, 24, 26, 56, 99, 99, 99, 99, 99, 47, 66, 99, 99, 99, 99, 99, 99, ...new Array<number>(32).fill(99),
];

/** Position in natural order of the k-th value of a DQT segment, which is written in zig-zag order (T.81 Figure A.6). */
const ZIGZAG_TO_NATURAL = [
  0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45,
  38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
];

export interface QuantisationTable {
  /** Table slot 0–3 (0 is luminance by convention, 1 chrominance). */
  id: number;
  /** 64 values in natural (row-major) order. */
  values: number[];
}

export interface JpegQuality {
  /** Estimated IJG quality 1–100 from the luminance table. */
  quality: number;
  /** Whether the tables are exactly libjpeg's at that quality (then the estimate is exact). */
  exact: boolean;
  /** The known encoder whose tables these are, when they match one exactly. */
  knownSource?: string;
  /** How many tables the file defines. */
  tables: number;
}

/** The IJG table for a base table at quality q (libjpeg jcparam.c, baseline: values clamped to 255). */
export function ijgTable(base: readonly number[], quality: number): number[] {
  const q = Math.min(100, Math.max(1, Math.round(quality)));
  const scale = q < 50 ? Math.floor(5000 / q) : 200 - q * 2;
  return base.map((value) => Math.min(255, Math.max(1, Math.floor((value * scale + 50) / 100))));
}

/**
 * Known encoders, each as a function from quality to its tables. Only tables that can be generated
 * and checked here are listed; a source is named only on an exact match of every table.
 */
const KNOWN_SOURCES: ReadonlyArray<{ name: (quality: number) => string; tables: (quality: number) => number[][] }> = [
  {
    // libjpeg / libjpeg-turbo with the standard tables: sharp/libvips, ImageMagick, GIMP, Pillow, most server-side resizers.
    name: (quality) => `libjpeg (IJG standard tables) at quality ${quality}`,
    tables: (quality) => [ijgTable(ANNEX_K_LUMINANCE, quality), ijgTable(ANNEX_K_CHROMINANCE, quality)],
  },
];

/**
 * The quantisation tables of a JPEG, from its header bytes (SOI up to at least the last DQT; the
 * scan is not needed). Malformed segments end the reading; what was read so far is returned.
 */
export function readQuantisationTables(header: Uint8Array): QuantisationTable[] {
  const bytes = Buffer.from(header.buffer, header.byteOffset, header.byteLength);
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return [];
  const tables = new Map<number, number[]>();
  let position = 2;
  while (position + 4 <= bytes.length) {
    if (bytes[position] !== 0xff) break;
    const marker = bytes[position + 1]!;
    if (marker === 0xff) {
      position += 1;
      continue;
    }
    if (marker === 0xda || marker === 0xd9) break;
    if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      position += 2;
      continue;
    }
    const length = bytes.readUInt16BE(position + 2);
    if (length < 2 || position + 2 + length > bytes.length) break;
    if (marker === 0xdb) {
      let offset = position + 4;
      const end = position + 2 + length;
      while (offset < end) {
        const precision = bytes[offset]! >> 4;
        const id = bytes[offset]! & 0x0f;
        const size = precision ? 128 : 64;
        if (offset + 1 + size > end || id > 3) break;
        const values = new Array<number>(64);
        for (let k = 0; k < 64; k++) values[ZIGZAG_TO_NATURAL[k]!] = precision ? bytes.readUInt16BE(offset + 1 + k * 2) : bytes[offset + 1 + k]!;
        tables.set(id, values);
        offset += 1 + size;
      }
    }
    position += 2 + length;
  }
  return [...tables.entries()].sort(([a], [b]) => a - b).map(([id, values]) => ({ id, values }));
}

/**
 * The IJG quality whose luminance table is closest to this one (least sum of absolute differences
 * over all 100 settings). Searching rather than inverting the scaling stays right at low qualities,
 * where libjpeg clamps many entries to 255 and a sum-based inverse drifts.
 */
function estimateFromLuminance(values: readonly number[]): number {
  let best = 50;
  let bestError = Infinity;
  for (let quality = 1; quality <= 100; quality++) {
    const table = ijgTable(ANNEX_K_LUMINANCE, quality);
    let error = 0;
    for (let i = 0; i < 64; i++) error += Math.abs(table[i]! - values[i]!);
    if (error < bestError) {
      bestError = error;
      best = quality;
    }
  }
  return best;
}

function sameTable(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((value, i) => value === b[i]);
}

/** The estimated quality and, where the tables match a known encoder exactly, its name. Undefined without tables. */
export function estimateJpegQuality(tables: readonly QuantisationTable[]): JpegQuality | undefined {
  const luminance = tables.find((table) => table.id === 0) ?? tables[0];
  if (!luminance) return undefined;
  const estimate = estimateFromLuminance(luminance.values);
  // Near q = 100 several settings give the same luminance table; the chrominance table decides.
  for (const quality of [estimate, estimate - 1, estimate + 1]) {
    if (quality < 1 || quality > 100) continue;
    for (const source of KNOWN_SOURCES) {
      const expected = source.tables(quality);
      const file = tables.map((table) => table.values);
      // Grey JPEGs carry the luminance table only.
      if (file.length >= 1 && file.length <= expected.length && file.every((values, i) => sameTable(values, expected[i]!))) {
        return { quality, exact: true, knownSource: source.name(quality), tables: tables.length };
      }
    }
  }
  return { quality: estimate, exact: false, tables: tables.length };
}
