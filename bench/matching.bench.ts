// Finding the same picture in its other forms: `npm run bench:matching`.
//
// Quality: every decodable fixture image is held (its stored picture hashes, server/provenance/
// picture-hashes.ts); from each, the variants of issue 14 are made with sharp (resized, recompressed,
// mirrored, turned, cropped, colour-shifted, captioned, inside a phone-screenshot-style canvas, in a
// two-picture collage) and looked up among the held ones, on the global path (whole query under the
// 8 symmetries, borders trimmed) and on the full path (plus region proposals and straightening).
// False matches: a variant finding a picture it does not show, and 10,000 generated unrelated
// images finding anything. Speed: lookups against 100,000 held pictures.
//
// BENCH_QUICK=1 makes 1,000 unrelated images instead of 10,000 and 20,000 held pictures.

import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp, { type Sharp } from 'sharp';
import { openImage } from '../server/images/media';
import {
  CROP_WINDOWS,
  HASH_SIDE,
  REGION_SIDE,
  globalQueryHashes,
  greyscaleOf,
  regionQueryHashes,
  storedPictureHashes,
  type QueryHash,
  type StoredPictureHashes,
} from '../server/provenance/picture-hashes';
import { PictureIndex } from '../server/provenance/picture-index';
import { DEFAULT_THRESHOLDS, matchPicture, searchesWindows } from '../server/provenance/picture-match';
import { hammingDistance } from '../server/provenance/phash';
import { seededRandom } from '../test/support/seeded-random';
import { captionBar, collage, screenshot } from '../test/support/picture-variants';
import { SAME_PICTURE, STUB_MAX_SIDE, UNDECODABLE } from './fixture-pictures';

const QUICK = process.env.BENCH_QUICK === '1';
const FIXTURES = fileURLToPath(new URL('../test/fixtures/images/', import.meta.url));
const UNRELATED = Number(process.env.BENCH_UNRELATED ?? (QUICK ? 1_000 : 10_000));
const HELD = QUICK ? 20_000 : 100_000;
const T = DEFAULT_THRESHOLDS;
const TARGETS = { recall: 0.98, perKind: 0.9, falseMatches: 0.005, globalMs: 10, fullMs: 150 };

interface Original {
  file: string;
  group: string;
  png: Buffer;
  width: number;
  height: number;
}

interface Variant {
  kind: string;
  /** The held pictures it shows (two for a collage). */
  groups: string[];
  bytes: Buffer;
}

async function loadOriginals(): Promise<Original[]> {
  const files = (await readdir(FIXTURES)).filter((f) => !f.endsWith('.json') && !UNDECODABLE.has(f)).sort();
  const groupOf = new Map<string, string>();
  for (const group of SAME_PICTURE) for (const file of group) groupOf.set(file, group[0]);
  const originals: Original[] = [];
  for (const file of files) {
    const image = file.endsWith('.heic') ? await openImage(join(FIXTURES, file), 'heif', { maxPixels: 100_000_000 }) : sharp(join(FIXTURES, file)).rotate();
    const { data, info } = await image.png().toBuffer({ resolveWithObject: true });
    if (info.width < STUB_MAX_SIDE && info.height < STUB_MAX_SIDE) continue;
    originals.push({ file, group: groupOf.get(file) ?? file, png: data, width: info.width, height: info.height });
  }
  return originals;
}

const base = (o: Original) => sharp(o.png).flatten({ background: '#ffffff' });
const jpeg = (s: Sharp) => s.jpeg({ quality: 85 });
function offCentreCrop(o: Original, area: number, next: () => number): Sharp {
  const side = Math.sqrt(area);
  const w = Math.max(1, Math.round(o.width * side));
  const h = Math.max(1, Math.round(o.height * side));
  const left = Math.floor(next() * (o.width - w + 1));
  const top = Math.floor(next() * (o.height - h + 1));
  return base(o).extract({ left, top, width: w, height: h });
}

const ALL_KINDS: Array<{ kind: string; make: (o: Original, next: () => number) => Promise<Buffer> }> = [
  { kind: 'resize 50%', make: (o) => jpeg(base(o).resize(Math.max(1, Math.round(o.width / 2)))).toBuffer() },
  { kind: 'resize 25%', make: (o) => jpeg(base(o).resize(Math.max(1, Math.round(o.width / 4)))).toBuffer() },
  { kind: 'JPEG q30', make: (o) => base(o).jpeg({ quality: 30 }).toBuffer() },
  { kind: 'WebP', make: (o) => sharp(o.png).webp().toBuffer() },
  {
    kind: 'crop 5% border',
    make: (o) => {
      const dx = Math.floor(o.width * 0.05);
      const dy = Math.floor(o.height * 0.05);
      return jpeg(base(o).extract({ left: dx, top: dy, width: o.width - 2 * dx, height: o.height - 2 * dy })).toBuffer();
    },
  },
  { kind: 'EXIF rotation', make: (o) => base(o).rotate(90).withMetadata({ orientation: 8 }).jpeg({ quality: 90 }).toBuffer() },
  { kind: 'mirror', make: (o) => jpeg(base(o).flop()).toBuffer() },
  { kind: 'rotate 90', make: (o) => jpeg(base(o).rotate(90)).toBuffer() },
  { kind: 'rotate 180', make: (o) => jpeg(base(o).rotate(180)).toBuffer() },
  { kind: 'rotate 270', make: (o) => jpeg(base(o).rotate(270)).toBuffer() },
  {
    kind: 'rotate 10° + border',
    make: async (o, next) => jpeg(sharp(await base(o).png().toBuffer()).rotate(next() < 0.5 ? 10 : -10, { background: next() < 0.5 ? '#ffffff' : '#000000' })).toBuffer(),
  },
  { kind: 'crop 80% area', make: (o, next) => jpeg(offCentreCrop(o, 0.8, next)).toBuffer() },
  { kind: 'crop 60% area', make: (o, next) => jpeg(offCentreCrop(o, 0.6, next)).toBuffer() },
  { kind: 'brightness +30%', make: (o) => jpeg(base(o).modulate({ brightness: 1.3 })).toBuffer() },
  { kind: 'brightness -30%', make: (o) => jpeg(base(o).modulate({ brightness: 0.7 })).toBuffer() },
  { kind: 'contrast +40%', make: (o) => jpeg(base(o).linear(1.4, -0.4 * 128)).toBuffer() },
  { kind: 'saturation ×0.3', make: (o) => jpeg(base(o).modulate({ saturation: 0.3 })).toBuffer() },
  { kind: 'greyscale', make: (o) => jpeg(base(o).greyscale()).toBuffer() },
  { kind: 'caption bar above', make: (o) => captionBar(base(o), o, 'above') },
  { kind: 'caption bar below', make: (o) => captionBar(base(o), o, 'below') },
  { kind: 'screenshot', make: (o, next) => screenshot(base(o), o, next) },
];

/** BENCH_KINDS="mirror,screenshot" makes only those kinds (while tuning). */
const KINDS = process.env.BENCH_KINDS ? ALL_KINDS.filter((k) => process.env.BENCH_KINDS!.split(',').includes(k.kind)) : ALL_KINDS;

async function makeVariants(originals: Original[]): Promise<Variant[]> {
  const next = seededRandom(14);
  const variants: Variant[] = [];
  for (const o of originals) {
    for (const { kind, make } of KINDS) variants.push({ kind, groups: [o.group], bytes: await make(o, next) });
  }
  // Collages of two different pictures, alternately with a white gutter and edge to edge.
  if (process.env.BENCH_KINDS && !process.env.BENCH_KINDS.split(',').includes('collage of two')) return variants;
  const distinct = [...new Map(originals.map((o) => [o.group, o])).values()];
  for (let i = 0; i < distinct.length; i++) {
    const a = distinct[i];
    const b = distinct[(i + 7) % distinct.length];
    variants.push({ kind: 'collage of two', groups: [a.group, b.group], bytes: await collage([base(a), a], [base(b), b], i % 2 === 0 ? 12 : 0) });
  }
  return variants;
}

interface QueryHashes {
  global: QueryHash[];
  full: QueryHash[];
}

async function queryHashesOf(bytes: Buffer, full: boolean): Promise<QueryHashes> {
  const grey = await greyscaleOf(sharp(bytes).rotate(), full ? REGION_SIDE : HASH_SIDE);
  const global = globalQueryHashes(grey);
  return { global, full: full ? [...global, ...regionQueryHashes(grey)] : global };
}

/** Nearest distance from the query's global hashes, and from its region hashes, to each held picture. */
function distances(query: QueryHashes, held: Map<string, StoredPictureHashes>): Map<string, { global: number; region: number }> {
  const out = new Map<string, { global: number; region: number }>();
  for (const [group, stored] of held) {
    const all = [...stored.whole, ...stored.windows];
    let global = 65;
    let region = 65;
    const against = (q: QueryHash) => (searchesWindows(q) ? all : stored.whole);
    for (const q of query.global) for (const s of against(q)) global = Math.min(global, hammingDistance(q.hash, s));
    for (const q of query.full.slice(query.global.length)) for (const s of against(q)) region = Math.min(region, hammingDistance(q.hash, s));
    out.set(group, { global, region });
  }
  return out;
}

const found = (d: { global: number; region: number } | undefined, whole: number, region: number, full: boolean) =>
  d !== undefined && (d.global <= whole || (full && (d.region <= region || d.global <= whole)));

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const verdict = (ok: boolean) => (ok ? 'MET' : 'NOT MET');
const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

/** An unrelated picture: a gradient sky, a few filled shapes in random colours, grain; raw RGB. */
function unrelatedImage(next: () => number): { data: Buffer; width: number; height: number } {
  const width = 160 + Math.floor(next() * 160);
  const height = 120 + Math.floor(next() * 120);
  const data = Buffer.alloc(width * height * 3);
  const c0 = [next() * 255, next() * 255, next() * 255];
  const c1 = [next() * 255, next() * 255, next() * 255];
  const vertical = next() < 0.5;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const t = vertical ? y / height : x / width;
      for (let c = 0; c < 3; c++) data[(y * width + x) * 3 + c] = c0[c] * (1 - t) + c1[c] * t;
    }
  }
  const shapes = 2 + Math.floor(next() * 8);
  for (let s = 0; s < shapes; s++) {
    const colour = [next() * 255, next() * 255, next() * 255];
    const cx = next() * width;
    const cy = next() * height;
    const rx = 10 + next() * width * 0.4;
    const ry = 10 + next() * height * 0.4;
    const ellipse = next() < 0.6;
    for (let y = Math.max(0, Math.floor(cy - ry)); y < Math.min(height, cy + ry); y++) {
      for (let x = Math.max(0, Math.floor(cx - rx)); x < Math.min(width, cx + rx); x++) {
        if (ellipse && ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 > 1) continue;
        for (let c = 0; c < 3; c++) data[(y * width + x) * 3 + c] = colour[c];
      }
    }
  }
  for (let i = 0; i < data.length; i++) data[i] = Math.max(0, Math.min(255, data[i] + (next() - 0.5) * 16));
  return { data, width, height };
}

async function qualityBench(originals: Original[], held: Map<string, StoredPictureHashes>) {
  const started = performance.now();
  const variants = await makeVariants(originals);
  console.log(
    `Held: ${held.size} distinct pictures from ${originals.length} fixtures (stubs under ${STUB_MAX_SIDE} px and ${[...UNDECODABLE].join(', ')} left out), ` +
      `up to ${2 + CROP_WINDOWS.length} hashes each (${(2 + CROP_WINDOWS.length) * 8} bytes). ${variants.length} variants made in ${((performance.now() - started) / 1000).toFixed(1)} s.`,
  );
  const rows: Array<{ variant: Variant; d: Map<string, { global: number; region: number }> }> = [];
  for (const variant of variants) rows.push({ variant, d: distances(await queryHashesOf(variant.bytes, true), held) });

  const recalled = (r: (typeof rows)[number], whole: number, region: number, full: boolean) => r.variant.groups.every((g) => found(r.d.get(g), whole, region, full));
  const falsely = (r: (typeof rows)[number], whole: number, region: number, full: boolean) =>
    [...r.d.entries()].some(([g, d]) => !r.variant.groups.includes(g) && found(d, whole, region, full));

  const kinds = [...new Set(variants.map((v) => v.kind))];
  console.log(`\nPer variant kind (thresholds: whole ${T.whole}, region ${T.region}); recall = every picture the variant shows is found:`);
  console.log('  kind                   n   global recall   full recall   own distance global/full (median)   false (full)');
  for (const kind of kinds) {
    const of = rows.filter((r) => r.variant.kind === kind);
    const med = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const ownGlobal = med(of.flatMap((r) => r.variant.groups.map((g) => r.d.get(g)!.global)));
    const ownRegion = med(of.flatMap((r) => r.variant.groups.map((g) => Math.min(r.d.get(g)!.global, r.d.get(g)!.region))));
    console.log(
      `  ${kind.padEnd(20)} ${String(of.length).padStart(3)}   ${pct(of.filter((r) => recalled(r, T.whole, T.region, false)).length / of.length).padStart(13)}   ` +
        `${pct(of.filter((r) => recalled(r, T.whole, T.region, true)).length / of.length).padStart(11)}   ${`${ownGlobal} / ${ownRegion}`.padStart(33)}   ${of.filter((r) => falsely(r, T.whole, T.region, true)).length}`,
    );
  }
  for (const r of rows.filter((x) => !recalled(x, T.whole, T.region, true))) {
    const own = r.variant.groups.map((g) => `${g} ${r.d.get(g)!.global}/${r.d.get(g)!.region}`).join(', ');
    console.log(`  miss: ${r.variant.kind}: ${own}`);
  }
  for (const r of rows.filter((x) => falsely(x, T.whole, T.region, true))) {
    const others = [...r.d.entries()].filter(([g, d]) => !r.variant.groups.includes(g) && found(d, T.whole, T.region, true)).map(([g, d]) => `${g} ${d.global}/${d.region}`);
    console.log(`  false match: ${r.variant.groups.join('+')} / ${r.variant.kind} → ${others.join(', ')}`);
  }

  console.log(`\nUnrelated generated images: ${UNRELATED.toLocaleString('en')} (gradients, shapes, grain), full path against the held pictures.`);
  const next = seededRandom(99);
  const unrelated: Array<Map<string, { global: number; region: number }>> = [];
  const t0 = performance.now();
  for (let i = 0; i < UNRELATED; i++) {
    const { data, width, height } = unrelatedImage(next);
    const bytes = await sharp(data, { raw: { width, height, channels: 3 } }).jpeg({ quality: 80 }).toBuffer();
    unrelated.push(distances(await queryHashesOf(bytes, true), held));
  }
  console.log(`  made and hashed in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const falselyFound = new Map<string, number>();
  for (const d of unrelated) for (const [g, x] of d) if (found(x, T.whole, T.region, true)) falselyFound.set(g, (falselyFound.get(g) ?? 0) + 1);
  console.log(`  held pictures they found: ${[...falselyFound].sort((a, b) => b[1] - a[1]).map(([g, n]) => `${g} ×${n}`).join(', ') || 'none'}`);
  const unrelatedFalse = (whole: number, region: number, full: boolean) => unrelated.filter((d) => [...d.values()].some((x) => found(x, whole, region, full))).length / unrelated.length;

  console.log('\nThreshold sweep (whole / region): recall global, recall full, variant false matches, unrelated false matches (full)');
  for (const [whole, region] of [
    [8, 8],
    [9, 8],
    [10, 9],
    [10, 10],
    [11, 10],
    [12, 10],
    [12, 11],
    [13, 11],
    [14, 12],
  ] as const) {
    const recallGlobal = rows.filter((r) => recalled(r, whole, region, false)).length / rows.length;
    const recallFull = rows.filter((r) => recalled(r, whole, region, true)).length / rows.length;
    const falseVariants = rows.filter((r) => falsely(r, whole, region, true)).length / rows.length;
    console.log(`  ${String(whole).padStart(2)} / ${String(region).padStart(2)}   ${pct(recallGlobal).padStart(6)}   ${pct(recallFull).padStart(6)}   ${pct(falseVariants).padStart(5)}   ${pct(unrelatedFalse(whole, region, true)).padStart(5)}`);
  }

  const recall = rows.filter((r) => recalled(r, T.whole, T.region, true)).length / rows.length;
  const worstKind = Math.min(...kinds.map((k) => rows.filter((r) => r.variant.kind === k && recalled(r, T.whole, T.region, true)).length / rows.filter((r) => r.variant.kind === k).length));
  const falseMatches = (rows.filter((r) => falsely(r, T.whole, T.region, true)).length + unrelated.filter((d) => [...d.values()].some((x) => found(x, T.whole, T.region, true))).length) / (rows.length + unrelated.length);
  return { recall, worstKind, falseMatches, variants };
}

async function speedBench(held: Map<string, StoredPictureHashes>, variants: Variant[]) {
  const next = seededRandom(42);
  const index = new PictureIndex();
  for (const [group, stored] of held) index.add(`fixture:${group}`, stored.whole, stored.windows);
  const random = (): [number, number] => [Math.floor(next() * 2 ** 32), Math.floor(next() * 2 ** 32)];
  const flip = ([hi, lo]: [number, number], bits: number): [number, number] => {
    for (let i = 0; i < bits; i++) {
      const bit = Math.floor(next() * 64);
      if (bit < 32) hi ^= 1 << bit;
      else lo ^= 1 << (bit - 32);
    }
    return [hi >>> 0, lo >>> 0];
  };
  const hex = ([hi, lo]: [number, number]) => (hi >>> 0).toString(16).padStart(8, '0') + (lo >>> 0).toString(16).padStart(8, '0');
  // A picture's windows resemble each other and the whole (they overlap): each is the picture's hash
  // with up to 20 bits changed. Half the pictures are unrelated; half come in clusters of 25 copies.
  const picture = (centre: [number, number]) => {
    const whole = flip(centre, 0);
    return { whole: [hex(whole)], windows: CROP_WINDOWS.map(() => hex(flip(whole, 4 + Math.floor(next() * 17)))) };
  };
  const buildStart = performance.now();
  let n = index.size;
  while (n < HELD / 2) {
    const p = picture(random());
    index.add(`random:${n++}`, p.whole, p.windows);
  }
  while (n < HELD) {
    const centre = random();
    for (let k = 0; k < 25 && n < HELD; k++) {
      const p = picture(flip(centre, Math.floor(next() * 9)));
      index.add(`cluster:${n++}`, p.whole, p.windows);
    }
  }
  const buildMs = performance.now() - buildStart;
  const memory = process.memoryUsage().heapUsed / 2 ** 20;

  const sample = variants.filter((_, i) => i % 3 === 0);
  const time = async (full: boolean) => {
    const total: number[] = [];
    const search: number[] = [];
    let hits = 0;
    for (const v of sample.slice(0, 20)) matchPicture(index, (await queryHashesOf(v.bytes, full)).full); // warm-up
    for (const v of sample) {
      const t = performance.now();
      const hashes = (await queryHashesOf(v.bytes, full)).full;
      const s = performance.now();
      hits += matchPicture(index, hashes).length;
      const e = performance.now();
      total.push(e - t);
      search.push(e - s);
    }
    total.sort((a, b) => a - b);
    search.sort((a, b) => a - b);
    return { total, search, hits: hits / sample.length };
  };
  const global = await time(false);
  const full = await time(true);
  console.log(
    `\nIndex of ${index.size.toLocaleString('en')} held pictures, ${index.entries.toLocaleString('en')} hashes (50% unrelated, 50% in clusters of 25), built in ${(buildMs / 1000).toFixed(1)} s, heap ${memory.toFixed(0)} MB.`,
  );
  console.log(`Lookups of ${sample.length} variant files (decode + hashes + search; search alone in brackets):`);
  for (const [name, r] of [
    ['global path', global],
    ['full path', full],
  ] as const) {
    console.log(
      `  ${name}: p50 ${quantile(r.total, 0.5).toFixed(1)} ms, p95 ${quantile(r.total, 0.95).toFixed(1)} ms (search p50 ${quantile(r.search, 0.5).toFixed(2)} ms, p95 ${quantile(r.search, 0.95).toFixed(2)} ms), ${r.hits.toFixed(2)} pictures found per lookup`,
    );
  }
  return { globalMs: quantile(global.total, 0.5), fullMs: quantile(full.total, 0.5) };
}

const originals = await loadOriginals();
const held = new Map<string, StoredPictureHashes>();
for (const o of originals) if (!held.has(o.group)) held.set(o.group, storedPictureHashes(await greyscaleOf(sharp(o.png), HASH_SIDE)));
const quality = await qualityBench(originals, held);
const speed = await speedBench(held, quality.variants);
console.log('\nTargets:');
console.log(`  recall ≥ ${pct(TARGETS.recall)} over all kinds (full path): ${pct(quality.recall)} ${verdict(quality.recall >= TARGETS.recall)}`);
console.log(`  recall ≥ ${pct(TARGETS.perKind)} for every kind: worst ${pct(quality.worstKind)} ${verdict(quality.worstKind >= TARGETS.perKind)}`);
console.log(`  false matches ≤ ${pct(TARGETS.falseMatches)} (variants and unrelated images): ${pct(quality.falseMatches)} ${verdict(quality.falseMatches <= TARGETS.falseMatches)}`);
console.log(`  lookup p50 < ${TARGETS.globalMs} ms, global path, ${HELD.toLocaleString('en')} held: ${speed.globalMs.toFixed(1)} ms ${verdict(speed.globalMs < TARGETS.globalMs)}`);
console.log(`  lookup p50 < ${TARGETS.fullMs} ms, full path, ${HELD.toLocaleString('en')} held: ${speed.fullMs.toFixed(1)} ms ${verdict(speed.fullMs < TARGETS.fullMs)}`);
