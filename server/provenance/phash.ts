// 64-bit DCT perceptual hash ("pHash") of an image, and the Hamming distance between two hashes.
//
// Two pictures that a person would call "the same" (resized, recompressed, re-encoded, lightly cropped,
// captioned) give hashes a few bits apart; unrelated pictures give hashes about 32 bits apart.
// The distance threshold below was chosen from `npm run bench:phash` (see bench/phash.bench.ts).

import type { Sharp } from 'sharp';

/** A hash is 64 bits written as 16 lowercase hex digits, so it sorts and compares as a plain string. */
export const PERCEPTUAL_HASH_HEX_LENGTH = 16;

/**
 * Largest Hamming distance at which two hashes are reported as near duplicates.
 *
 * Chosen from `npm run bench:phash` (306 variants of 34 fixture pictures): the smallest threshold that
 * meets the 95 % recall target. Recall by threshold was 8 → 87.6 %, 10 → 94.4 %, 12 → 95.1 %,
 * 14 → 97.1 %, 16 → 99.3 %; false matches stayed at 0 up to 18, because the closest two *different*
 * fixture pictures are 22 bits apart. The misses that remain at 12 are mostly the 5 % border crop
 * (a 10 % change of scale, which a global DCT hash does not absorb) and C.jpg's smooth gradient, whose
 * high-frequency coefficients are all near zero so their signs follow the compression noise
 * (plus two of the 35×23 TIFF, which a 25 % resize leaves at 9×6 pixels).
 * Keeping the threshold low matters as the archive grows: two random 64-bit hashes fall within 12 bits
 * with probability ~2e-7 (0.02 chance hits per query at 100,000 images), within 16 bits ~4e-5 (about 4).
 */
export const NEAR_DUPLICATE_MAX_DISTANCE = 12;

/** Side of the square the picture is reduced to before the DCT. */
const DCT_SIZE = 32;
/** Side of the low-frequency block whose coefficients become hash bits. */
const LOW_FREQ = 8;

export interface PerceptualHashOptions {
  /**
   * Fraction of the width and height trimmed from *each* side before the DCT (0 = whole picture).
   * Cropping borders, watermarks and corner captions changes the edges of a picture far more than
   * its centre, so hashing only the centre makes those edits cost fewer bits. Exposed so the bench
   * can measure the effect; callers should keep the default.
   */
  centreCropFraction?: number;
}

/**
 * From the bench's ablation at threshold 12: recall 96.4 % with no crop, 94.8 % at 0.1, 95.1 % at 0.15,
 * 93.8 % at 0.2. Hashing the whole picture recalls a few more border crops, but 0.15 recalls corner text
 * overlays better (94 % vs 88 %) and pushes the closest pair of unrelated fixtures from 18 to 22 bits
 * apart, i.e. a wider safety margin against false matches. The recall gaps are a handful of the 306
 * variants, so this is a judgement on a small sample, to revisit with a larger corpus.
 */
const DEFAULT_CENTRE_CROP = 0.15;

// cos((2x + 1) u π / 2N) for u < LOW_FREQ, x < DCT_SIZE: only the rows the hash uses are ever needed,
// so the DCT is two small matrix products (8×32 · 32×32 · 32×8) instead of a full 32×32 transform.
const COSINES: Float64Array = (() => {
  const table = new Float64Array(LOW_FREQ * DCT_SIZE);
  for (let u = 0; u < LOW_FREQ; u++) {
    for (let x = 0; x < DCT_SIZE; x++) {
      table[u * DCT_SIZE + x] = Math.cos(((2 * x + 1) * u * Math.PI) / (2 * DCT_SIZE));
    }
  }
  return table;
})();

/**
 * Perceptual hash of an already-oriented sharp pipeline (the caller applies `.rotate()`), as
 * 16 hex digits. The pipeline is consumed; pass `image.clone()` to keep using it.
 *
 * Greyscale, alpha flattened onto white (a transparent PNG looks white in the archive's pages),
 * resized to 32×32 ignoring aspect ratio, 2-D DCT-II, then the 8×8 lowest frequencies without the DC
 * term: 63 AC coefficients plus the next horizontal one (u = 0, v = 8) make 64 bits, each set when the
 * coefficient is above their median. DC is left out because it only measures overall brightness.
 */
export async function perceptualHash(image: Sharp, options: PerceptualHashOptions = {}): Promise<string> {
  const crop = options.centreCropFraction ?? DEFAULT_CENTRE_CROP;
  if (!(crop >= 0 && crop < 0.5)) throw new RangeError(`centreCropFraction must be in [0, 0.5), got ${crop}`);

  // Resize the whole picture to a slightly larger square and cut the centre out of it, rather than
  // extracting before resizing: that needs the oriented size, which sharp only knows after decoding.
  // Lanczos3 low-passes properly when shrinking, so the 32×32 grid carries no aliasing from fine detail.
  const outer = Math.round(DCT_SIZE / (1 - 2 * crop));
  const margin = Math.floor((outer - DCT_SIZE) / 2);
  const { data, info } = await image
    .flatten({ background: '#ffffff' })
    .greyscale()
    .resize(outer, outer, { fit: 'fill', kernel: 'lanczos3' })
    .extract({ left: margin, top: margin, width: DCT_SIZE, height: DCT_SIZE })
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });

  // greyscale() may still leave 3 identical bands on some inputs; read the first band of each pixel.
  const channels = info.channels;
  const pixels = new Float64Array(DCT_SIZE * DCT_SIZE);
  for (let i = 0; i < pixels.length; i++) pixels[i] = data[i * channels];

  return hashFromGreyscale32(pixels);
}

/** The DCT and thresholding step, split out so it can be tested on synthetic pixels. */
export function hashFromGreyscale32(pixels: ArrayLike<number>): string {
  if (pixels.length !== DCT_SIZE * DCT_SIZE) throw new RangeError(`expected ${DCT_SIZE * DCT_SIZE} pixels`);

  // Rows first: rowPass[y][v] = Σx f(y, x)·cos(v, x) for v ≤ LOW_FREQ (one extra column for (0, 8)).
  const cols = LOW_FREQ + 1;
  const rowPass = new Float64Array(DCT_SIZE * cols);
  for (let y = 0; y < DCT_SIZE; y++) {
    for (let v = 0; v < cols; v++) {
      let sum = 0;
      for (let x = 0; x < DCT_SIZE; x++) sum += pixels[y * DCT_SIZE + x] * cosine(v, x);
      rowPass[y * cols + v] = sum;
    }
  }
  const coefficients: number[] = [];
  for (let u = 0; u < LOW_FREQ; u++) {
    for (let v = 0; v < LOW_FREQ; v++) {
      if (u === 0 && v === 0) continue;
      coefficients.push(columnPass(rowPass, cols, u, v));
    }
  }
  coefficients.push(columnPass(rowPass, cols, 0, LOW_FREQ));

  const sorted = [...coefficients].sort((a, b) => a - b);
  const median = (sorted[31] + sorted[32]) / 2;

  let hi = 0;
  let lo = 0;
  for (let bit = 0; bit < 64; bit++) {
    if (coefficients[bit] > median) {
      if (bit < 32) hi |= 1 << (31 - bit);
      else lo |= 1 << (63 - bit);
    }
  }
  return toHex32(hi) + toHex32(lo);
}

function cosine(u: number, x: number): number {
  // Frequency 8 is outside the precomputed table; it is used once per row, so compute it directly.
  return u < LOW_FREQ ? COSINES[u * DCT_SIZE + x] : Math.cos(((2 * x + 1) * u * Math.PI) / (2 * DCT_SIZE));
}

function columnPass(rowPass: Float64Array, cols: number, u: number, v: number): number {
  let sum = 0;
  for (let y = 0; y < DCT_SIZE; y++) sum += rowPass[y * cols + v] * COSINES[u * DCT_SIZE + y];
  return sum;
}

function toHex32(n: number): string {
  return (n >>> 0).toString(16).padStart(8, '0');
}

const HASH_PATTERN = /^[0-9a-f]{16}$/i;

/** Whether `value` is a hash as produced by `perceptualHash` (case-insensitive). */
export function isPerceptualHash(value: string): boolean {
  return HASH_PATTERN.test(value);
}

/** Splits a hash into its high and low 32-bit halves; throws on anything that is not 16 hex digits. */
export function hashHalves(hash: string): [hi: number, lo: number] {
  if (!HASH_PATTERN.test(hash)) throw new TypeError(`not a 64-bit hex perceptual hash: ${JSON.stringify(hash)}`);
  return [parseInt(hash.slice(0, 8), 16), parseInt(hash.slice(8), 16)];
}

/** Set bits in a 32-bit integer (SWAR popcount: no loop, no bigint allocation). */
export function popcount32(n: number): number {
  n = n - ((n >>> 1) & 0x55555555);
  n = (n & 0x33333333) + ((n >>> 2) & 0x33333333);
  n = (n + (n >>> 4)) & 0x0f0f0f0f;
  return Math.imul(n, 0x01010101) >>> 24;
}

/** Number of differing bits between two hashes (0–64). */
export function hammingDistance(a: string, b: string): number {
  const [aHi, aLo] = hashHalves(a);
  const [bHi, bLo] = hashHalves(b);
  return popcount32(aHi ^ bHi) + popcount32(aLo ^ bLo);
}
