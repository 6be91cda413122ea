/**
 * Embedded-db benchmark: archive-shaped documents (~2 KB), at 1,000 and 100,000 documents.
 * Reports insert throughput, unique-field lookup latency, sorted first page, restart time and RSS,
 * and checks the targets from issue #2 (index use shows as flat latency between the two sizes).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import mongoose, { Schema, type Connection, type Model } from 'mongoose';
import { startEmbeddedServer } from '../server/embedded-db/index';

interface ArchiveDoc {
  sha256: string;
  caption: string;
  credit: string;
  createdAt: Date;
  metadata: Record<string, unknown>;
}

const schema = new Schema<ArchiveDoc>({
  sha256: { type: String, required: true, unique: true },
  caption: String,
  credit: String,
  createdAt: Date,
  metadata: Schema.Types.Mixed,
});
schema.index({ createdAt: -1 });

function makeDoc(i: number): ArchiveDoc {
  const sha256 = createHash('sha256').update(`doc-${i}`).digest('hex');
  return {
    sha256,
    caption: `Caption ${i}: ` + 'Protesters gather outside the parliament building as the vote nears. '.repeat(6),
    credit: `Photographer ${i % 97} / Agency ${i % 7}`,
    createdAt: new Date(Date.UTC(2020, 0, 1) + i * 60_000 + (i % 13) * 1000),
    metadata: {
      camera: { make: 'Canon', model: `EOS R${i % 8}`, serial: randomBytes(8).toString('hex') },
      exposure: { iso: 100 * (1 + (i % 32)), aperture: 1.4 + (i % 10) / 2, shutter: `1/${125 * (1 + (i % 8))}` },
      gps: { lat: 40 + (i % 1000) / 1000, lon: -3 - (i % 500) / 1000 },
      keywords: ['news', 'politics', `tag${i % 50}`, `region${i % 20}`],
      iptc: { headline: 'Vote day', city: 'Madrid', country: 'Spain', instructions: 'x'.repeat(600) },
    },
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function timeMany(n: number, fn: (i: number) => Promise<unknown>): Promise<{ p50: number; p99: number }> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = process.hrtime.bigint();
    await fn(i);
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99) };
}

interface Result {
  n: number;
  insertPerSec: number;
  lookup: { p50: number; p99: number };
  page: { p50: number; p99: number };
  startupMs: number;
  rssMb: number;
}

async function runSize(n: number): Promise<Result> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'embedded-db-bench-'));
  try {
    let server = await startEmbeddedServer({ dbPath: dir });
    let conn: Connection = await mongoose.createConnection(server.uri, { dbName: 'bench' }).asPromise();
    let M: Model<ArchiveDoc> = conn.model<ArchiveDoc>('Image', schema);
    await M.init();

    const t0 = process.hrtime.bigint();
    for (let start = 0; start < n; start += 1000) {
      const batch = Array.from({ length: Math.min(1000, n - start) }, (_, k) => makeDoc(start + k));
      await M.insertMany(batch, { lean: true });
    }
    const insertSecs = Number(process.hrtime.bigint() - t0) / 1e9;

    // Restart on the existing folder: startup = server start + first successful query.
    await conn.close();
    await server.close();
    const s0 = process.hrtime.bigint();
    server = await startEmbeddedServer({ dbPath: dir });
    conn = await mongoose.createConnection(server.uri, { dbName: 'bench' }).asPromise();
    M = conn.model<ArchiveDoc>('Image', schema);
    await M.findOne({}).lean();
    const startupMs = Number(process.hrtime.bigint() - s0) / 1e6;

    const shas = Array.from({ length: 1000 }, () => makeDoc(Math.floor(Math.random() * n)).sha256);
    // Warm up statement caches and the JIT so both sizes are measured in steady state.
    for (let i = 0; i < 500; i++) await M.findOne({ sha256: shas[i] }).lean();
    const lookup = await timeMany(1000, async (i) => {
      const doc = await M.findOne({ sha256: shas[i] }).lean();
      if (!doc || doc.sha256 !== shas[i]) throw new Error('lookup returned the wrong document');
    });
    for (let i = 0; i < 5; i++) await M.find({}).sort({ createdAt: -1 }).limit(48).lean();
    const newest = makeDoc(n - 1).createdAt.getTime();
    const page = await timeMany(100, async () => {
      const docs = await M.find({}).sort({ createdAt: -1 }).limit(48).lean();
      if (docs.length !== Math.min(48, n) || docs[0].createdAt.getTime() !== newest) throw new Error('wrong first page');
    });
    const rssMb = process.memoryUsage().rss / 1024 / 1024;
    await conn.close();
    await server.close();
    return { n, insertPerSec: n / insertSecs, lookup, page, startupMs, rssMb };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const fmt = (x: number) => x.toFixed(3);
const results: Result[] = [];
// BENCH_DB_SIZES=1000 runs a reduced size (the targets below need both sizes).
const SIZES = process.env.BENCH_DB_SIZES ? process.env.BENCH_DB_SIZES.split(',').map(Number) : [1_000, 100_000];
for (const n of SIZES) {
  const r = await runSize(n);
  results.push(r);
  console.log(
    `n=${n.toLocaleString('en')}: insert ${Math.round(r.insertPerSec).toLocaleString('en')} docs/s | ` +
      `lookup p50 ${fmt(r.lookup.p50)} ms p99 ${fmt(r.lookup.p99)} ms | ` +
      `first page (48 by createdAt desc) p50 ${fmt(r.page.p50)} ms p99 ${fmt(r.page.p99)} ms | ` +
      `startup ${r.startupMs.toFixed(0)} ms | RSS ${r.rssMb.toFixed(0)} MB`,
  );
}
const [small, large] = results;
if (!large) process.exit(0);
const targets: Array<[string, boolean, string]> = [
  ['lookup at 100k <= 3x lookup at 1k (p50)', large.lookup.p50 <= 3 * small.lookup.p50, `${fmt(large.lookup.p50)} vs ${fmt(small.lookup.p50)} ms`],
  ['sorted first page at 100k <= 3x at 1k (p50)', large.page.p50 <= 3 * small.page.p50, `${fmt(large.page.p50)} vs ${fmt(small.page.p50)} ms`],
  ['lookup p50 < 1 ms at 100k', large.lookup.p50 < 1, `${fmt(large.lookup.p50)} ms`],
  ['startup < 3 s at 100k', large.startupMs < 3000, `${large.startupMs.toFixed(0)} ms`],
  ['RSS < 1 GB', Math.max(small.rssMb, large.rssMb) < 1024, `${Math.max(small.rssMb, large.rssMb).toFixed(0)} MB`],
];
console.log('\ntargets:');
for (const [name, ok, detail] of targets) console.log(`  ${ok ? 'MET    ' : 'NOT MET'} ${name} (${detail})`);
process.exitCode = targets.every(([, ok]) => ok) ? 0 : 1;
