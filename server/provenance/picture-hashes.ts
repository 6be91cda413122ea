// The hashes that find one picture in its other forms: mirrored or turned, cropped, captioned, or
// inside a screenshot or a collage. All are the 64-bit DCT hash of phash.ts (same bits, same median
// rule), taken over different rectangles of one greyscale copy of the picture:
//
// - stored for each held picture (storedPictureHashes): the whole picture, and a fixed set of
//   sub-windows ("crop windows"), so a crop of it hashes near one of them;
// - computed for a query (queryPictureHashes): the whole picture under the 8 flips and quarter turns
//   (the "global path"), its uniform borders trimmed, and, on the full path, each large rectangular
//   region a screenshot, caption bar or collage layout proposes, and a straightened copy when the
//   picture sits turned inside a border.
//
// Pure functions over pixel arrays, apart from `greyscaleOf`, which decodes with sharp.

import type { Sharp } from 'sharp';
import { hashFromGreyscale32 } from './phash';

export interface GreyImage {
  width: number;
  height: number;
  /** One byte per pixel, rows top to bottom. */
  data: Uint8Array;
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** How a query hash was made from the query picture. */
export type QueryHashSource = 'whole' | 'mirrored' | 'rotated' | 'trimmed' | 'region' | 'straightened';

export interface QueryHash {
  hash: string;
  source: QueryHashSource;
  /** The region of the query (in the query's pixels) a 'region' hash covers. */
  region?: Rect;
}

export interface StoredPictureHashes {
  /** The whole picture, then (when it has one) the picture without its uniform borders. */
  whole: string[];
  /** The crop windows, in the order of CROP_WINDOWS. */
  windows: string[];
}

/** Longest side of the greyscale copy every hash is taken from (stored and global query hashes). */
export const HASH_SIDE = 256;
/** Longer side for the full path: a picture at 40 % of a screenshot's width keeps ~150 px. */
export const REGION_SIDE = 384;
const GRID = 32;
/** As in phash.ts: the hash reads the centre of its rectangle, less sensitive to what happens at the edges. */
const CENTRE_CROP = 0.15;

/**
 * The crop windows stored per picture, as fractions of its width and height: side 0.9 (what a crop
 * keeping 80 % of the area leaves) at the 3 × 3 offsets 0, 0.05, 0.1, and side 0.775 (60 % of the
 * area) at the 4 × 4 offsets 0, 0.075, 0.15, 0.225. A crop anywhere between lands within 0.0375 of
 * a window; see README's "Finding the same picture" for what the bench measured with this grid.
 */
export const CROP_WINDOWS: ReadonlyArray<{ side: number; x: number; y: number }> = (() => {
  const windows: Array<{ side: number; x: number; y: number }> = [];
  for (const [side, steps] of [
    [0.9, 4],
    [0.775, 6],
  ] as const) {
    const room = 1 - side;
    for (let j = 0; j < steps; j++) {
      for (let i = 0; i < steps; i++) windows.push({ side, x: (room * i) / (steps - 1), y: (room * j) / (steps - 1) });
    }
  }
  return windows;
})();

/** Decodes an oriented sharp pipeline to greyscale, longest side at most `maxSide` (alpha flattened onto white). */
export async function greyscaleOf(image: Sharp, maxSide: number): Promise<GreyImage> {
  const { data, info } = await image
    .flatten({ background: '#ffffff' })
    .greyscale()
    .resize(maxSide, maxSide, { fit: 'inside', withoutEnlargement: true, kernel: 'lanczos3' })
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  const pixels = new Uint8Array(info.width * info.height);
  for (let i = 0; i < pixels.length; i++) pixels[i] = data[i * info.channels];
  return { width: info.width, height: info.height, data: pixels };
}

/** Summed-area table with a zero row and column in front: any rectangle's sum in four reads. */
class Integral {
  readonly table: Float64Array;
  readonly stride: number;
  constructor(readonly image: GreyImage) {
    const { width, height, data } = image;
    this.stride = width + 1;
    this.table = new Float64Array((width + 1) * (height + 1));
    for (let y = 0; y < height; y++) {
      let row = 0;
      for (let x = 0; x < width; x++) {
        row += data[y * width + x];
        this.table[(y + 1) * this.stride + x + 1] = this.table[y * this.stride + x + 1] + row;
      }
    }
  }

  /** The table at a fractional position, interpolated: exact sums for pixels taken as constant squares. */
  private at(x: number, y: number): number {
    const { width, height } = this.image;
    x = Math.min(Math.max(x, 0), width);
    y = Math.min(Math.max(y, 0), height);
    const x0 = Math.floor(x);
    const y0 = Math.floor(y);
    const x1 = Math.min(x0 + 1, width);
    const y1 = Math.min(y0 + 1, height);
    const fx = x - x0;
    const fy = y - y0;
    const t = this.table;
    const s = this.stride;
    const top = t[y0 * s + x0] * (1 - fx) + t[y0 * s + x1] * fx;
    const bottom = t[y1 * s + x0] * (1 - fx) + t[y1 * s + x1] * fx;
    return top * (1 - fy) + bottom * fy;
  }

  /** Mean of a fractional rectangle. */
  mean(x0: number, y0: number, x1: number, y1: number): number {
    const area = (x1 - x0) * (y1 - y0);
    if (area <= 0) return 0;
    return (this.at(x1, y1) - this.at(x0, y1) - this.at(x1, y0) + this.at(x0, y0)) / area;
  }

  /** The GRID × GRID area averages over the centre of `rect` that a hash is taken from. */
  grid(rect: Rect): Float64Array {
    const inset = CENTRE_CROP;
    const x0 = rect.x + rect.width * inset;
    const y0 = rect.y + rect.height * inset;
    const cw = (rect.width * (1 - 2 * inset)) / GRID;
    const ch = (rect.height * (1 - 2 * inset)) / GRID;
    const out = new Float64Array(GRID * GRID);
    for (let j = 0; j < GRID; j++) {
      for (let i = 0; i < GRID; i++) {
        out[j * GRID + i] = this.mean(x0 + i * cw, y0 + j * ch, x0 + (i + 1) * cw, y0 + (j + 1) * ch);
      }
    }
    return out;
  }
}

/**
 * The square grid under one of the 8 symmetries of the square: k = 0..3 quarter turns clockwise,
 * k = 4..7 the same after a horizontal mirror. Turning a picture and then squashing it to a square
 * equals squashing and then turning, so the grid of a turned picture is the turned grid.
 */
export function dihedral(pixels: ArrayLike<number>, k: number): Float64Array {
  const out = new Float64Array(GRID * GRID);
  const n = GRID - 1;
  for (let y = 0; y < GRID; y++) {
    for (let x = 0; x < GRID; x++) {
      const mx = k >= 4 ? n - x : x;
      let sx = mx;
      let sy = y;
      switch (k % 4) {
        case 1: // output (x, y) of a clockwise turn reads input (y, n - x)
          [sx, sy] = [y, n - mx];
          break;
        case 2:
          [sx, sy] = [n - mx, n - y];
          break;
        case 3:
          [sx, sy] = [n - y, mx];
          break;
      }
      out[y * GRID + x] = pixels[sy * GRID + sx];
    }
  }
  return out;
}

function wholeRect(image: GreyImage): Rect {
  return { x: 0, y: 0, width: image.width, height: image.height };
}

/**
 * Below this shorter side no crop windows are stored: a crop of a thumbnail is not a picture anyone
 * passes on, and windows of a few dozen pixels hash like noise (the bench's 35 × 23 TIFF alone made
 * most of the chance hits among 1,000 unrelated images).
 */
export const MIN_SIDE_FOR_WINDOWS = 64;

/** The hashes stored for a held picture: the whole and every crop window. */
export function storedPictureHashes(image: GreyImage): StoredPictureHashes {
  const integral = new Integral(image);
  const { width, height } = image;
  const whole = [hashFromGreyscale32(integral.grid(wholeRect(image)))];
  // A picture on a black or white ground (the Earth from space, a product shot) loses its ground
  // inside a composite of the same colour; its trimmed hash finds it there.
  const trimmed = trimUniform(image, wholeRect(image));
  if (trimmed && differs(trimmed, wholeRect(image)) && trimmed.width >= 16 && trimmed.height >= 16) {
    const hash = hashFromGreyscale32(integral.grid(trimmed));
    if (hash !== whole[0]) whole.push(hash);
  }
  if (Math.min(width, height) < MIN_SIDE_FOR_WINDOWS) return { whole, windows: [] };
  return {
    whole,
    windows: CROP_WINDOWS.map((w) =>
      hashFromGreyscale32(integral.grid({ x: w.x * width, y: w.y * height, width: w.side * width, height: w.side * height })),
    ),
  };
}

/** The global path: the whole query under the 8 symmetries, and with its uniform borders trimmed. */
export function globalQueryHashes(image: GreyImage): QueryHash[] {
  const integral = new Integral(image);
  const base = integral.grid(wholeRect(image));
  const hashes: QueryHash[] = [];
  for (let k = 0; k < 8; k++) {
    hashes.push({ hash: hashFromGreyscale32(k === 0 ? base : dihedral(base, k)), source: k === 0 ? 'whole' : k >= 4 ? 'mirrored' : 'rotated' });
  }
  const trimmed = trimUniform(image, wholeRect(image));
  if (trimmed && differs(trimmed, wholeRect(image))) {
    hashes.push({ hash: hashFromGreyscale32(integral.grid(trimmed)), source: 'trimmed', region: trimmed });
  }
  return dedupe(hashes);
}

/**
 * The full path's extra hashes: every proposed region (screenshots, caption bars, collages), and a
 * straightened copy of a picture turned inside a border. Regions are in the pixels of `image`;
 * `scale` converts them to the query's own pixels for the answer.
 */
export function regionQueryHashes(image: GreyImage, scale = 1): QueryHash[] {
  const integral = new Integral(image);
  const hashes: QueryHash[] = [];
  for (const region of proposeRegions(image)) {
    const base = integral.grid(region);
    const scaled = { x: Math.round(region.x * scale), y: Math.round(region.y * scale), width: Math.round(region.width * scale), height: Math.round(region.height * scale) };
    hashes.push({ hash: hashFromGreyscale32(base), source: 'region', region: scaled });
    // A mirrored picture inside a screenshot is a common way to dodge matching.
    hashes.push({ hash: hashFromGreyscale32(dihedral(base, 4)), source: 'region', region: scaled });
  }
  const straightened = straighten(image);
  if (straightened) hashes.push({ hash: hashFromGreyscale32(straightened), source: 'straightened' });
  return dedupe(hashes);
}

function dedupe(hashes: QueryHash[]): QueryHash[] {
  const seen = new Set<string>();
  return hashes.filter((h) => (seen.has(h.hash) ? false : (seen.add(h.hash), true)));
}

function differs(a: Rect, b: Rect): boolean {
  return Math.abs(a.x - b.x) + Math.abs(a.y - b.y) + Math.abs(a.width - b.width) + Math.abs(a.height - b.height) > 2;
}

/** A row or column counts as uniform when its values span at most this many grey levels (JPEG noise on a flat fill). */
const UNIFORM_RANGE = 12;

function rowRange(image: GreyImage, y: number, x0: number, x1: number): number {
  let min = 255;
  let max = 0;
  const row = y * image.width;
  for (let x = x0; x < x1; x++) {
    const v = image.data[row + x];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return max - min;
}

function columnRange(image: GreyImage, x: number, y0: number, y1: number): number {
  let min = 255;
  let max = 0;
  for (let y = y0; y < y1; y++) {
    const v = image.data[y * image.width + x];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return max - min;
}

/** `rect` without its uniform border rows and columns; undefined when nothing but uniform fill is left. */
function trimUniform(image: GreyImage, rect: Rect): Rect | undefined {
  let x0 = rect.x;
  let y0 = rect.y;
  let x1 = rect.x + rect.width;
  let y1 = rect.y + rect.height;
  while (y0 < y1 && rowRange(image, y0, x0, x1) <= UNIFORM_RANGE) y0++;
  while (y1 > y0 && rowRange(image, y1 - 1, x0, x1) <= UNIFORM_RANGE) y1--;
  while (x0 < x1 && columnRange(image, x0, y0, y1) <= UNIFORM_RANGE) x0++;
  while (x1 > x0 && columnRange(image, x1 - 1, y0, y1) <= UNIFORM_RANGE) x1--;
  if (x1 - x0 < 8 || y1 - y0 < 8) return undefined;
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/** A step between neighbouring pixels this large counts as an edge. */
const EDGE_STEP = 24;
/** A straight edge across this share of a rectangle is a layout boundary (a caption bar, a collage seam). */
const CUT_EDGE_SHARE = 0.6;
const MAX_DEPTH = 4;
const MAX_REGIONS = 16;

/**
 * Large rectangular picture regions of a composite: recursive cuts (an XY-cut, as in document layout
 * analysis) along uniform gaps — the white between a screenshot's header, text lines, picture and
 * footer — and along straight edges across most of a rectangle — the seam of a caption bar or of two
 * pictures side by side — each piece trimmed of uniform borders. Pieces too small or too flat to be
 * a picture are dropped; the whole image is not proposed (the global path hashes it).
 */
export function proposeRegions(image: GreyImage): Rect[] {
  const whole = wholeRect(image);
  const minWidth = Math.max(24, image.width * 0.2);
  const minHeight = Math.max(24, image.height * 0.1);
  const minArea = image.width * image.height * 0.04;
  const found: Rect[] = [];

  const visit = (rect: Rect, depth: number): void => {
    const trimmed = trimUniform(image, rect);
    if (!trimmed || trimmed.width < minWidth || trimmed.height < minHeight) return;
    if (trimmed.width * trimmed.height >= minArea && differs(trimmed, whole) && textured(image, trimmed)) found.push(trimmed);
    if (depth >= MAX_DEPTH) return;
    const rows = cutPositions(image, trimmed, 'rows');
    if (rows.length > 0) {
      for (const band of pieces(trimmed, rows, 'rows')) visit(band, depth + 1);
      return;
    }
    const columns = cutPositions(image, trimmed, 'columns');
    for (const column of pieces(trimmed, columns, 'columns')) visit(column, depth + 1);
  };
  visit(whole, 0);

  const unique: Rect[] = [];
  for (const rect of found.sort((a, b) => b.width * b.height - a.width * a.height)) {
    if (!unique.some((u) => !differs(u, rect))) unique.push(rect);
  }
  return unique.slice(0, MAX_REGIONS);
}

/** A picture varies; a coloured header bar or a blank panel hardly does. */
function textured(image: GreyImage, rect: Rect): boolean {
  let sum = 0;
  let squares = 0;
  let n = 0;
  const step = Math.max(1, Math.floor(Math.min(rect.width, rect.height) / 64));
  for (let y = rect.y; y < rect.y + rect.height; y += step) {
    for (let x = rect.x; x < rect.x + rect.width; x += step) {
      const v = image.data[y * image.width + x];
      sum += v;
      squares += v * v;
      n++;
    }
  }
  const variance = squares / n - (sum / n) ** 2;
  return variance > 100;
}

/**
 * Where `rect` may be cut across: the middle of each run of uniform rows (columns), and the strongest
 * straight edge when it spans CUT_EDGE_SHARE of the rectangle. Cuts near the rectangle's own edges are ignored.
 */
function cutPositions(image: GreyImage, rect: Rect, along: 'rows' | 'columns'): number[] {
  const length = along === 'rows' ? rect.height : rect.width;
  const margin = Math.max(3, Math.round(length * 0.04));
  const cuts: number[] = [];
  let runStart = -1;
  for (let i = 0; i <= length; i++) {
    const uniform =
      i < length &&
      (along === 'rows'
        ? rowRange(image, rect.y + i, rect.x, rect.x + rect.width)
        : columnRange(image, rect.x + i, rect.y, rect.y + rect.height)) <= UNIFORM_RANGE;
    if (uniform && runStart < 0) runStart = i;
    if (!uniform && runStart >= 0) {
      const middle = Math.round((runStart + i) / 2);
      if (middle > margin && middle < length - margin) cuts.push(middle);
      runStart = -1;
    }
  }
  if (cuts.length > 0) return cuts;

  let best = -1;
  let bestShare = 0;
  for (let i = margin; i < length - margin; i++) {
    let strong = 0;
    const span = along === 'rows' ? rect.width : rect.height;
    for (let j = 0; j < span; j++) {
      const [ax, ay, bx, by] =
        along === 'rows' ? [rect.x + j, rect.y + i - 1, rect.x + j, rect.y + i] : [rect.x + i - 1, rect.y + j, rect.x + i, rect.y + j];
      if (Math.abs(image.data[ay * image.width + ax] - image.data[by * image.width + bx]) > EDGE_STEP) strong++;
    }
    const share = strong / span;
    if (share > bestShare) [best, bestShare] = [i, share];
  }
  return bestShare >= CUT_EDGE_SHARE ? [best] : [];
}

function pieces(rect: Rect, cuts: number[], along: 'rows' | 'columns'): Rect[] {
  const out: Rect[] = [];
  let start = 0;
  const length = along === 'rows' ? rect.height : rect.width;
  for (const cut of [...cuts, length]) {
    if (cut - start >= 4) {
      out.push(along === 'rows' ? { x: rect.x, y: rect.y + start, width: rect.width, height: cut - start } : { x: rect.x + start, y: rect.y, width: cut - start, height: rect.height });
    }
    start = cut;
  }
  return out;
}

/**
 * A picture turned by a small angle inside a uniform border (a scan, a photo of a print, a "tilted"
 * repost): its corners touch the border's edges. The corner on the top edge and the one on the left
 * edge give the angle; the picture is turned back and its inscribed rectangle hashed.
 */
function straighten(image: GreyImage): Float64Array | undefined {
  const box = trimUniform(image, wholeRect(image));
  if (!box || box.width < 32 || box.height < 32) return undefined;
  const at = (x: number, y: number) => image.data[y * image.width + x];
  const background = at(box.x, box.y);
  const isBackground = (x: number, y: number) => Math.abs(at(x, y) - background) <= UNIFORM_RANGE;
  if (!isBackground(box.x + box.width - 1, box.y + box.height - 1)) return undefined;
  // First picture pixel along the top row, and down the left column, from the top-left corner.
  let top = 0;
  while (top < box.width && isBackground(box.x + top, box.y)) top++;
  let left = 0;
  while (left < box.height && isBackground(box.x, box.y + left)) left++;
  if (top < box.width * 0.03 || left < box.height * 0.03 || top > box.width * 0.97 || left > box.height * 0.97) return undefined;
  // The side from (0, left) to (top, 0) is one side of the turned picture; the nearer-horizontal reading is the likelier.
  const angle = Math.atan2(left, top);
  const theta = angle < Math.PI / 4 ? angle : angle - Math.PI / 2;
  if (Math.abs(theta) > (25 * Math.PI) / 180) return undefined;
  const cos = Math.cos(theta);
  const sin = Math.sin(Math.abs(theta));
  // Bounding box W = w·cos + h·sin, H = w·sin + h·cos: solve for the picture's own w × h.
  const det = cos * cos - sin * sin;
  if (det < 0.2) return undefined;
  const w = (box.width * cos - box.height * sin) / det;
  const h = (box.height * cos - box.width * sin) / det;
  if (w < 16 || h < 16) return undefined;
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  // Sample the turned-back picture's centre (the hash's own centre crop) on a fine grid, then average to GRID × GRID.
  const fine = 4;
  const n = GRID * fine;
  const out = new Float64Array(GRID * GRID);
  const c = Math.cos(-theta);
  const s = Math.sin(-theta);
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) {
      const u = (((i + 0.5) / n) * (1 - 2 * CENTRE_CROP) + CENTRE_CROP - 0.5) * w;
      const v = (((j + 0.5) / n) * (1 - 2 * CENTRE_CROP) + CENTRE_CROP - 0.5) * h;
      const x = cx + u * c - v * s;
      const y = cy + u * s + v * c;
      out[Math.floor(j / fine) * GRID + Math.floor(i / fine)] += bilinear(image, x, y) / (fine * fine);
    }
  }
  return out;
}

function bilinear(image: GreyImage, x: number, y: number): number {
  const x0 = Math.min(Math.max(Math.floor(x - 0.5), 0), image.width - 1);
  const y0 = Math.min(Math.max(Math.floor(y - 0.5), 0), image.height - 1);
  const x1 = Math.min(x0 + 1, image.width - 1);
  const y1 = Math.min(y0 + 1, image.height - 1);
  const fx = Math.min(Math.max(x - 0.5 - x0, 0), 1);
  const fy = Math.min(Math.max(y - 0.5 - y0, 0), 1);
  const d = image.data;
  const w = image.width;
  return (d[y0 * w + x0] * (1 - fx) + d[y0 * w + x1] * fx) * (1 - fy) + (d[y1 * w + x0] * (1 - fx) + d[y1 * w + x1] * fx) * fy;
}
