// Perceptual-hash quality and index speed: `npm run bench:phash`.
//
// Quality: every decodable fixture image is an "original"; from each, variants are made in memory
// (the edits a picture goes through between agencies, CMSs and social networks), hashed, and looked
// up among the originals. Speed: a HashIndex of 100,000 hashes answers radius-NEAR_DUPLICATE_MAX_DISTANCE
// queries. Prints the figures and whether each target of the provenance issue is met.

import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openImage } from '../server/images/media';
import sharp, { type Sharp } from 'sharp';
import { HashIndex } from '../server/provenance/hash-index';
import {
  NEAR_DUPLICATE_MAX_DISTANCE,
  hammingDistance,
  perceptualHash,
  type PerceptualHashOptions,
} from '../server/provenance/phash';
import { seededRandom } from '../test/support/seeded-random';
import { SAME_PICTURE, STUB_MAX_SIDE, UNDECODABLE } from './fixture-pictures';

const FIXTURES = fileURLToPath(new URL('../test/fixtures/images/', import.meta.url));
const THRESHOLD = NEAR_DUPLICATE_MAX_DISTANCE;
const TARGET_RECALL = 0.95;
const TARGET_FALSE_MATCH = 0.01;
const TARGET_P50_MS = 5;

interface Original {
  file: string;
  group: string;
  stub: boolean;
  /** Oriented pixels, losslessly encoded: what every variant is made from. */
  png: Buffer;
  width: number;
  height: number;
}

interface Variant {
  kind: string;
  original: Original;
  /** Encoded file bytes; hashing decodes them with auto-orientation, as ingest does. */
  bytes: Buffer;
}

async function loadOriginals(): Promise<Original[]> {
  const files = (await readdir(FIXTURES)).filter((f) => !f.endsWith('.json') && !UNDECODABLE.has(f)).sort();
  const groupOf = new Map<string, string>();
  for (const group of SAME_PICTURE) for (const file of group) groupOf.set(file, group[0]);
  const originals: Original[] = [];
  for (const file of files) {
    const image = file.endsWith('.heic') ? await decodeHeic(join(FIXTURES, file)) : sharp(join(FIXTURES, file)).rotate();
    const { data, info } = await image.png().toBuffer({ resolveWithObject: true });
    originals.push({
      file,
      group: groupOf.get(file) ?? file,
      stub: info.width < STUB_MAX_SIDE && info.height < STUB_MAX_SIDE,
      png: data,
      width: info.width,
      height: info.height,
    });
  }
  return originals;
}

/** The prebuilt sharp cannot decode HEVC; the archive's own adapter decodes the iPhone HEIC (libheif in wasm). */
async function decodeHeic(path: string): Promise<Sharp> {
  return openImage(path, 'heif', { maxPixels: 100_000_000 });
}

function overlaySvg(width: number, height: number): Buffer {
  // A wire-service style credit in the bottom-right corner: about 4 % of the height, white with a dark outline.
  const size = Math.max(6, Math.round(height * 0.04));
  const text = '© Agency / Photographer';
  return Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">` +
      `<text x="${width - size / 2}" y="${height - size / 2}" font-family="DejaVu Sans" font-size="${size}" ` +
      `text-anchor="end" fill="#ffffff" stroke="#000000" stroke-width="${Math.max(1, size / 12)}">${text}</text></svg>`,
  );
}

/**
 * JPEG has no alpha: flatten onto white as editors' tools do (sharp alone would flatten onto black,
 * which turns a transparent PNG into a different picture and measures sharp, not the hash).
 */
const base = (o: Original) => sharp(o.png).flatten({ background: '#ffffff' });

const VARIANT_KINDS: Array<{ kind: string; make: (o: Original) => Sharp }> = [
  { kind: 'resize 50%', make: (o) => base(o).resize(Math.max(1, Math.round(o.width / 2))).jpeg({ quality: 90 }) },
  { kind: 'resize 25%', make: (o) => base(o).resize(Math.max(1, Math.round(o.width / 4))).jpeg({ quality: 90 }) },
  { kind: 'JPEG q60', make: (o) => base(o).jpeg({ quality: 60 }) },
  { kind: 'JPEG q30', make: (o) => base(o).jpeg({ quality: 30 }) },
  { kind: 'WebP', make: (o) => sharp(o.png).webp() },
  {
    kind: 'crop 5% border',
    make: (o) => {
      // 5 % off every side, so 90 % of the width and height survive.
      const dx = Math.floor(o.width * 0.05);
      const dy = Math.floor(o.height * 0.05);
      return base(o)
        .extract({ left: dx, top: dy, width: o.width - 2 * dx, height: o.height - 2 * dy })
        .jpeg({ quality: 90 });
    },
  },
  {
    kind: 'text overlay',
    make: (o) => base(o).composite([{ input: overlaySvg(o.width, o.height) }]).jpeg({ quality: 90 }),
  },
  { kind: 'PNG re-encode', make: (o) => sharp(o.png).png({ compressionLevel: 9 }) },
  {
    kind: 'EXIF rotation',
    // Pixels stored turned 90° clockwise, tagged orientation 8 ("turn 90° anticlockwise to display"):
    // a reader that honours the tag sees the original; one that ignores it sees a sideways picture.
    make: (o) => base(o).rotate(90).withMetadata({ orientation: 8 }).jpeg({ quality: 90 }),
  },
];

async function makeVariants(originals: Original[]): Promise<Variant[]> {
  const variants: Variant[] = [];
  for (const original of originals) {
    for (const { kind, make } of VARIANT_KINDS) variants.push({ kind, original, bytes: await make(original).toBuffer() });
  }
  return variants;
}

interface Outcome {
  variant: Variant;
  /** Distance from the variant to the nearest fixture showing its own picture. */
  ownDistance: number;
  /** Distance to the nearest fixture (stubs excluded) showing a different picture. */
  otherDistance: number;
  otherFile: string;
}

async function evaluate(originals: Original[], variants: Variant[], options: PerceptualHashOptions): Promise<Outcome[]> {
  const originalHashes = new Map<Original, string>();
  for (const o of originals) originalHashes.set(o, await perceptualHash(sharp(o.png), options));
  const outcomes: Outcome[] = [];
  for (const variant of variants) {
    const hash = await perceptualHash(sharp(variant.bytes).rotate(), options);
    let ownDistance = 64;
    let otherDistance = 65;
    let otherFile = '';
    for (const [o, h] of originalHashes) {
      const d = hammingDistance(hash, h);
      if (o.group === variant.original.group) ownDistance = Math.min(ownDistance, d);
      else if (!o.stub && d < otherDistance) [otherDistance, otherFile] = [d, o.file];
    }
    outcomes.push({ variant, ownDistance, otherDistance, otherFile });
  }
  return outcomes;
}

/** Recall: the right picture is within the threshold and strictly nearer than any other picture. */
function recalled(o: Outcome, threshold: number): boolean {
  return o.ownDistance <= threshold && o.ownDistance < o.otherDistance;
}

function falseMatch(o: Outcome, threshold: number): boolean {
  return o.otherDistance <= threshold;
}

function rate(outcomes: Outcome[], test: (o: Outcome) => boolean): number {
  return outcomes.length === 0 ? 0 : outcomes.filter(test).length / outcomes.length;
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const verdict = (ok: boolean) => (ok ? 'MET' : 'NOT MET');

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

async function qualityBench(): Promise<{ recall: number; falseMatches: number; originals: Original[] }> {
  const started = performance.now();
  const originals = await loadOriginals();
  const variants = await makeVariants(originals);
  const pool = originals.filter((o) => !o.stub);
  const stubs = originals.filter((o) => o.stub);
  console.log(
    `Fixtures: ${originals.length} decodable (${pool.length} pictures in the pool, ${new Set(pool.map((o) => o.group)).size} distinct), ` +
      `${variants.length} variants, made in ${((performance.now() - started) / 1000).toFixed(1)} s. Skipped: ${[...UNDECODABLE].join(', ')} (malformed).`,
  );
  console.log(`Stubs under ${STUB_MAX_SIDE}×${STUB_MAX_SIDE} px, outside recall and the false-match pool: ${stubs.map((o) => o.file).join(', ')}`);

  // Centre-crop ablation: the default (0.15) is the one the threshold and the targets are measured with.
  const ablation: Array<[number, Outcome[]]> = [];
  for (const crop of [0, 0.1, 0.15, 0.2]) {
    const outcomes = (await evaluate(originals, variants, { centreCropFraction: crop })).filter((o) => !o.variant.original.stub);
    ablation.push([crop, outcomes]);
  }
  console.log('\nCentre crop before hashing (fraction of each side), at the chosen threshold:');
  console.log('  crop   recall   false   crop-5% recall   overlay recall   closest different pictures');
  for (const [crop, outcomes] of ablation) {
    const of = (kind: string) => outcomes.filter((o) => o.variant.kind === kind);
    console.log(
      `  ${crop.toFixed(2)}   ${pct(rate(outcomes, (o) => recalled(o, THRESHOLD))).padStart(6)}   ` +
        `${pct(rate(outcomes, (o) => falseMatch(o, THRESHOLD))).padStart(5)}   ` +
        `${pct(rate(of('crop 5% border'), (o) => recalled(o, THRESHOLD))).padStart(14)}   ` +
        `${pct(rate(of('text overlay'), (o) => recalled(o, THRESHOLD))).padStart(14)}   ` +
        `${await closestDifferentPictures(pool, { centreCropFraction: crop })}`,
    );
  }

  const chosen = (await evaluate(originals, variants, {})).filter((o) => !o.variant.original.stub);
  console.log(`\nPer variant kind (default hash, threshold ${THRESHOLD}):`);
  console.log('  kind              recall   own distance max/mean   nearest other picture min   false matches');
  for (const { kind } of VARIANT_KINDS) {
    const of = chosen.filter((o) => o.variant.kind === kind);
    const own = of.map((o) => o.ownDistance);
    console.log(
      `  ${kind.padEnd(16)}  ${pct(rate(of, (o) => recalled(o, THRESHOLD))).padStart(6)}   ` +
        `${String(Math.max(...own)).padStart(6)} / ${(own.reduce((a, b) => a + b, 0) / own.length).toFixed(1).padEnd(12)}   ` +
        `${String(Math.min(...of.map((o) => o.otherDistance))).padStart(24)}   ${of.filter((o) => falseMatch(o, THRESHOLD)).length}`,
    );
  }
  const misses = chosen.filter((o) => !recalled(o, THRESHOLD));
  for (const o of misses) {
    console.log(
      `  miss: ${o.variant.original.file} / ${o.variant.kind}: own ${o.ownDistance}, nearest other ${o.otherDistance} (${o.otherFile})`,
    );
  }
  for (const o of chosen.filter((x) => falseMatch(x, THRESHOLD))) {
    console.log(`  false match: ${o.variant.original.file} / ${o.variant.kind} → ${o.otherFile} at ${o.otherDistance}`);
  }

  console.log('\nThreshold sweep (default hash):');
  console.log('  threshold   recall   false matches');
  for (let t = 4; t <= 20; t += 2) {
    console.log(
      `  ${String(t).padStart(9)}   ${pct(rate(chosen, (o) => recalled(o, t))).padStart(6)}   ${pct(rate(chosen, (o) => falseMatch(o, t))).padStart(6)}`,
    );
  }

  const stubOutcomes = (await evaluate(originals, variants, {})).filter((o) => o.variant.original.stub);
  console.log(
    `\nStubs, for information: ${stubOutcomes.filter((o) => o.ownDistance <= THRESHOLD).length}/${stubOutcomes.length} variants within ${THRESHOLD} of their own stub ` +
      `(several stubs are the same grey square and hash identically).`,
  );

  return {
    recall: rate(chosen, (o) => recalled(o, THRESHOLD)),
    falseMatches: rate(chosen, (o) => falseMatch(o, THRESHOLD)),
    originals,
  };
}

async function closestDifferentPictures(pool: Original[], options: PerceptualHashOptions): Promise<string> {
  const hashes = await Promise.all(pool.map((o) => perceptualHash(sharp(o.png), options)));
  let best = 65;
  let pair = '';
  for (let i = 0; i < pool.length; i++) {
    for (let j = i + 1; j < pool.length; j++) {
      if (pool[i].group === pool[j].group) continue;
      const d = hammingDistance(hashes[i], hashes[j]);
      if (d < best) [best, pair] = [d, `${pool[i].file} ~ ${pool[j].file}`];
    }
  }
  return `${best} (${pair})`;
}


function randomWords(next: () => number): [number, number] {
  return [Math.floor(next() * 2 ** 32), Math.floor(next() * 2 ** 32)];
}

function toHash([hi, lo]: [number, number]): string {
  return (hi >>> 0).toString(16).padStart(8, '0') + (lo >>> 0).toString(16).padStart(8, '0');
}

function flip([hi, lo]: [number, number], bits: number, next: () => number): [number, number] {
  for (let i = 0; i < bits; i++) {
    const bit = Math.floor(next() * 64);
    if (bit < 32) hi ^= 1 << bit;
    else lo ^= 1 << (bit - 32);
  }
  return [hi >>> 0, lo >>> 0];
}

async function speedBench(originals: Original[]): Promise<number> {
  const TOTAL = 100_000;
  const next = seededRandom(42);
  const entries: Array<[string, string]> = [];
  const fixtureHashes: string[] = [];
  for (const o of originals) {
    const hash = await perceptualHash(sharp(o.png));
    fixtureHashes.push(hash);
    entries.push([`fixture:${o.file}`, hash]);
  }
  // Real archives are clustered: the same wire photo arrives many times, lightly edited. Half the
  // hashes are random; the other half sit in clusters of 25 around 2,000 centres, 0–8 bits away.
  const centres: Array<[number, number]> = [];
  while (entries.length < TOTAL / 2) entries.push([`random:${entries.length}`, toHash(randomWords(next))]);
  while (entries.length < TOTAL) {
    const centre = randomWords(next);
    centres.push(centre);
    for (let k = 0; k < 25 && entries.length < TOTAL; k++) {
      entries.push([`cluster:${entries.length}`, toHash(flip(centre, Math.floor(next() * 9), next))]);
    }
  }

  const buildStart = performance.now();
  const index = HashIndex.fromEntries(entries);
  const buildMs = performance.now() - buildStart;

  // Queries: fixture pictures, near-misses of cluster centres (results of 25+), and random hashes
  // (usually empty), so both the hit-heavy and the empty path are timed.
  const queries: string[] = [];
  for (let i = 0; i < 1000; i++) {
    if (i % 3 === 0) queries.push(fixtureHashes[i % fixtureHashes.length]);
    else if (i % 3 === 1) queries.push(toHash(flip(centres[Math.floor(next() * centres.length)], 3, next)));
    else queries.push(toHash(randomWords(next)));
  }
  for (const q of queries.slice(0, 100)) index.search(q, THRESHOLD); // JIT warm-up

  const times: number[] = [];
  let results = 0;
  for (const q of queries) {
    const t = performance.now();
    results += index.search(q, THRESHOLD).length;
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);

  // The same queries by linear scan, for scale.
  const linear: number[] = [];
  let linearHits = 0;
  for (const q of queries.slice(0, 200)) {
    const t = performance.now();
    let n = 0;
    for (const [, h] of entries) if (hammingDistance(q, h) <= THRESHOLD) n++;
    linear.push(performance.now() - t);
    linearHits += n;
  }
  linear.sort((a, b) => a - b);

  console.log(`\nIndex of ${index.size.toLocaleString('en')} hashes (${originals.length} fixtures, 50% random, 50% in clusters of 25), built in ${buildMs.toFixed(0)} ms.`);
  console.log(
    `Search radius ${THRESHOLD}, ${queries.length} queries (${(results / queries.length).toFixed(1)} results each on average): ` +
      `p50 ${quantile(times, 0.5).toFixed(3)} ms, p99 ${quantile(times, 0.99).toFixed(3)} ms, max ${times[times.length - 1].toFixed(3)} ms.`,
  );
  console.log(`Linear scan for comparison: p50 ${quantile(linear, 0.5).toFixed(2)} ms (${linearHits} hits over ${linear.length} queries).`);
  return quantile(times, 0.5);
}

const quality = await qualityBench();
const p50 = await speedBench(quality.originals);
console.log('\nTargets:');
console.log(`  recall ≥ ${pct(TARGET_RECALL)}: ${pct(quality.recall)} ${verdict(quality.recall >= TARGET_RECALL)}`);
console.log(`  false matches ≤ ${pct(TARGET_FALSE_MATCH)}: ${pct(quality.falseMatches)} ${verdict(quality.falseMatches <= TARGET_FALSE_MATCH)}`);
console.log(`  lookup p50 < ${TARGET_P50_MS} ms at 100,000 hashes: ${p50.toFixed(3)} ms ${verdict(p50 < TARGET_P50_MS)}`);
