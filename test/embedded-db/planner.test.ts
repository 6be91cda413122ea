import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { MongoClient, ObjectId, type Collection, type Db, type Document } from 'mongodb';
import { explainPlan } from '../../server/embedded-db/query';
import { Storage } from '../../server/embedded-db/storage';
import { openTestDatabase, type TestDatabase } from '../support/embedded-db-helpers';

// The gallery's index shapes: equality field, then the page sort with _id breaking ties.
const INDEXES: Document[] = [
  { createdAt: -1, _id: -1 },
  { 'declared.creditKey': 1, createdAt: -1, _id: -1 },
  { 'declared.platform': 1, createdAt: -1, _id: -1 },
  { 'status.value': 1, createdAt: -1, _id: -1 },
  { hasGps: 1, createdAt: -1, _id: -1 },
  { keywords: 1 },
  { num: 1 },
];

const CREDITS = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
const PLATFORMS = ['p1', 'p2', 'p3'];
const STATUSES = ['unverified', 'verified', 'disputed'];
const WORDS = ['k1', 'k2', 'k3', 'k4', 'k5'];

/** Deterministic pseudo-random documents with the awkward cases: ties, gaps, mixed types, arrays. */
function makeDocs(n: number): Document[] {
  // mulberry32: small, deterministic and well spread (an LCG's low bits repeat with short periods).
  let seed = 42;
  const rnd = (k: number) => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * k);
  };
  const docs: Document[] = [];
  for (let i = 0; i < n; i++) {
    const doc: Document = { _id: new ObjectId(), declared: {}, status: {} };
    const c = rnd(20);
    // Mostly one of a few credits; sometimes missing, null or a number (same path, other types).
    if (c < 16) doc.declared.creditKey = CREDITS[c % CREDITS.length];
    else if (c === 16) doc.declared.creditKey = null;
    else if (c === 17) doc.declared.creditKey = 7;
    if (rnd(3) > 0) doc.declared.platform = PLATFORMS[rnd(3)];
    doc.declared.caption = `caption ${i}`;
    if (rnd(10) > 0) doc.status.value = STATUSES[rnd(3)];
    const t = rnd(30);
    // Many ties on createdAt (the _id tie-breaker decides), some missing, one string.
    if (t < 27) doc.createdAt = new Date(Date.UTC(2024, 0, 1) + rnd(60) * 3_600_000);
    else if (t === 27) doc.createdAt = 'not a date';
    const k = rnd(8);
    if (k < 5) doc.keywords = WORDS.filter(() => rnd(2) === 0);
    else if (k === 5) doc.keywords = WORDS[rnd(5)];
    else if (k === 6) doc.keywords = [];
    if (rnd(4) > 0) doc.hasGps = rnd(3) === 0;
    doc.num = rnd(5);
    docs.push(doc);
  }
  return docs;
}

describe('embedded-db planner: index plans agree with a full scan', function () {
  let tdb: TestDatabase;
  let client: MongoClient;
  let db: Db;
  let coll: Collection;
  let ids: ObjectId[];

  before(async function () {
    tdb = await openTestDatabase('planner');
    client = await MongoClient.connect(tdb.uri);
    db = client.db(tdb.dbName);
    coll = db.collection('images');
    for (const key of INDEXES) await coll.createIndex(key);
    const docs = makeDocs(700);
    ids = docs.map((d) => d._id as ObjectId);
    await coll.insertMany(docs);
  });

  after(async function () {
    await db?.dropDatabase();
    await client?.close();
    await tdb?.close();
  });

  const FILTERS: Array<() => Document> = [
    () => ({}),
    () => ({ 'declared.creditKey': 'c' }),
    () => ({ 'declared.creditKey': { $eq: 'a' } }),
    () => ({ 'declared.creditKey': { $in: ['a', 'f'] } }),
    () => ({ 'declared.creditKey': null }),
    () => ({ 'declared.creditKey': 7 }),
    () => ({ 'declared.platform': 'p1', 'status.value': 'verified' }),
    () => ({ 'declared.platform': 'p2', 'status.value': 'disputed', hasGps: true }),
    () => ({ $and: [{ 'declared.platform': 'p3' }, { 'status.value': 'unverified' }] }),
    () => ({ keywords: { $all: ['k2'] } }),
    () => ({ keywords: { $all: ['k1', 'k3'] } }),
    () => ({ keywords: { $all: ['k4', 'k1', 'k2'] }, 'declared.creditKey': 'b' }),
    () => ({ keywords: 'k5' }),
    () => ({ 'declared.creditKey': 'd', keywords: 'k2' }),
    () => ({ hasGps: true }),
    () => ({ hasGps: false, 'declared.creditKey': 'e' }),
    () => ({ createdAt: { $gte: new Date(Date.UTC(2024, 0, 2)), $lt: new Date(Date.UTC(2024, 0, 3)) } }),
    () => ({ createdAt: { $gt: new Date(Date.UTC(2024, 0, 2, 5)) } }),
    () => ({ createdAt: { $lte: new Date(Date.UTC(2024, 0, 1, 7)) } }),
    () => ({ 'declared.creditKey': 'a', 'declared.caption': { $regex: '1' } }),
    () => ({ 'declared.creditKey': 'g', num: { $gte: 2 } }),
    () => ({ num: 3 }),
    () => ({ _id: ids[17] }),
    () => ({ _id: { $in: [ids[3], ids[500], ids[250]] }, hasGps: { $exists: true } }),
  ];
  const SORTS: Document[] = [{ createdAt: -1, _id: -1 }, { createdAt: 1, _id: 1 }];
  const PAGES: Array<[number, number]> = [[0, 10], [7, 5], [40, 48], [650, 20], [0, 0]];

  /** The same filter behind an $or the planner does not look into: a collection scan with mingo. */
  const reference = (filter: Document): Document => ({ $or: [filter] });

  it('finds the same documents in the same order (sort with _id tie-breaker, both directions, skips)', async function () {
    let checked = 0;
    for (const make of FILTERS) {
      for (const sort of SORTS) {
        for (const [skip, limit] of PAGES) {
          const got = await coll.find(make(), { sort, skip, limit, projection: { _id: 1 } }).toArray();
          const want = await coll.find(reference(make()), { sort, skip, limit, projection: { _id: 1 } }).toArray();
          expect(got.map((d) => String(d._id)), `${JSON.stringify(make())} ${JSON.stringify(sort)} skip ${skip} limit ${limit}`)
            .to.deep.equal(want.map((d) => String(d._id)));
          checked++;
        }
      }
    }
    expect(checked).to.equal(FILTERS.length * SORTS.length * PAGES.length);
  });

  it('finds the same set without a sort', async function () {
    for (const make of FILTERS) {
      const got = (await coll.find(make()).toArray()).map((d) => String(d._id)).sort();
      const want = (await coll.find(reference(make())).toArray()).map((d) => String(d._id)).sort();
      expect(got, JSON.stringify(make())).to.deep.equal(want);
    }
  });

  it('counts the same (count command, countDocuments aggregate, $count, with skip and limit)', async function () {
    for (const make of FILTERS) {
      const want = await coll.countDocuments(reference(make()));
      expect(await coll.countDocuments(make()), JSON.stringify(make())).to.equal(want);
      expect(await db.command({ count: 'images', query: make() })).to.include({ n: want });
      expect(await coll.countDocuments(make(), { skip: 3, limit: 5 })).to.equal(Math.min(5, Math.max(0, want - 3)));
      const counted = await coll.aggregate([{ $match: make() }, { $count: 'total' }]).toArray();
      expect(counted).to.deep.equal(want === 0 ? [] : [{ total: want }]);
    }
    expect(await coll.estimatedDocumentCount()).to.equal(700);
  });

  it('keeps counts right across writes (cached counts are invalidated)', async function () {
    const before = await coll.countDocuments({ 'declared.creditKey': 'h' });
    const total = await coll.estimatedDocumentCount();
    const { insertedId } = await coll.insertOne({ declared: { creditKey: 'h' }, createdAt: new Date() });
    expect(await coll.countDocuments({ 'declared.creditKey': 'h' })).to.equal(before + 1);
    expect(await coll.estimatedDocumentCount()).to.equal(total + 1);
    await coll.updateOne({ _id: insertedId }, { $set: { 'declared.creditKey': 'i' } });
    expect(await coll.countDocuments({ 'declared.creditKey': 'h' })).to.equal(before);
    await coll.deleteOne({ _id: insertedId });
    expect(await coll.estimatedDocumentCount()).to.equal(total);
  });

  it('projects inclusions from the stored bytes like the general projection', async function () {
    const projection = { 'declared.creditKey': 1, 'status.value': 1, keywords: 1, createdAt: 1 };
    const sort = { createdAt: -1, _id: -1 } as const;
    const got = await coll.find({}, { sort, limit: 100, projection }).toArray();
    // Adding a $slice forces the mingo projection path for the same fields.
    const want = await coll.find({}, { sort, limit: 100, projection: { ...projection, num: { $slice: 1 } } }).toArray();
    expect(got).to.deep.equal(want.map(({ num: _num, ...rest }) => rest));
    const nested = await db.collection('nested').insertMany([
      { a: { c: 1 } }, { a: 5 }, { a: [1, { b: 2, c: 3 }, [{ b: 4, d: 1 }, 7], {}] }, { a: { b: { x: 1, y: 2 } }, z: 1 }, {},
    ]);
    const raw = await db.collection('nested').find({}, { projection: { 'a.b': 1, _id: 0 } }).toArray();
    expect(raw).to.deep.equal([{ a: {} }, {}, { a: [{ b: 2 }, [{ b: 4 }], {}] }, { a: { b: { x: 1, y: 2 } } }, {}]);
    const idOnly = await db.collection('nested').find({}, { projection: { _id: 1 } }).toArray();
    expect(idOnly.map((d) => String(d._id))).to.deep.equal(Object.values(nested.insertedIds).map(String));
  });
});

describe('embedded-db planner: plan choice', function () {
  let dir: string;
  let storage: Storage;

  before(function () {
    // Skipped against a real MongoDB (MONGODB_URI): these tests open the embedded server's storage
    // directly to inspect its plans, which MongoDB does not have.
    if (process.env.MONGODB_URI) this.skip();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'embedded-db-planner-'));
    storage = new Storage(dir);
    const coll = storage.createCollection('db', 'images');
    INDEXES.forEach((key, i) => storage.createIndex(coll, { v: 2, key, name: `ix${i}` }));
    // One transaction: 700 separately fsynced commits take a minute on a busy disk.
    storage.transaction(() => {
      for (const doc of makeDocs(700)) storage.insertDocument(coll, doc);
    });
  });

  after(function () {
    storage?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const plan = (filter: Document, sort?: Document, limit?: number, skip?: number) =>
    explainPlan(storage, storage.getCollection('db', 'images'), { filter, sort, limit, skip })!;

  it('walks the equality + sort index in order, with the _id tie-breaker, forward and reversed', function () {
    const newest = plan({ 'declared.creditKey': 'a' }, { createdAt: -1, _id: -1 }, 48);
    expect(newest).to.include({ kind: 'ixscan', indexName: 'ix1', sortCovered: true, exact: true, descending: false });
    const oldest = plan({ 'declared.creditKey': 'a' }, { createdAt: 1, _id: 1 }, 48);
    expect(oldest).to.include({ indexName: 'ix1', sortCovered: true, descending: true });
    expect(plan({}, { createdAt: -1, _id: -1 }, 48)).to.include({ indexName: 'ix0', sortCovered: true, exact: true });
  });

  it('drives a two-field equality by one index and probes the other, still in sort order', function () {
    const p = plan({ 'declared.platform': 'p1', 'status.value': 'verified' }, { createdAt: -1, _id: -1 }, 48);
    expect(p.kind).to.equal('ixscan');
    expect(['ix2', 'ix3']).to.include(p.indexName);
    expect(p).to.include({ sortCovered: true, exact: true });
    expect(p.probes).to.have.length(1);
    expect(p.probes[0].tailFrom).to.be.greaterThan(1);
  });

  it('uses the multikey index for $all (find and count) and probes it from the sort index for a page', function () {
    const count = plan({ keywords: { $all: ['k1', 'k3'] } });
    expect(count).to.include({ indexName: 'ix5', exact: true });
    expect(count.probes).to.have.length(1);
    const page = plan({ keywords: { $all: ['k1'] } }, { createdAt: -1, _id: -1 }, 10);
    expect(page).to.include({ indexName: 'ix0', sortCovered: true, exact: true });
    expect(page.probes.map((p) => p.tailFrom)).to.deep.equal([0]);
  });

  it('is exact only when every condition is answered by index keys', function () {
    expect(plan({ 'declared.creditKey': 'a', 'declared.caption': /1/ })).to.include({ indexName: 'ix1', exact: false });
    // Numbers are keyed by exact value (equal across Int32/Long/Double/Decimal128); NaN is not exact.
    expect(plan({ num: 3 })).to.include({ indexName: 'ix6', exact: true });
    expect(plan({ num: NaN })).to.include({ exact: false });
    expect(plan({ 'declared.creditKey': null })).to.include({ exact: false });
    expect(plan({ createdAt: { $gt: new Date(0), $lt: new Date() } })).to.include({ indexName: 'ix0', exact: true });
    expect(plan({ $or: [{ 'declared.creditKey': 'a' }] })).to.include({ kind: 'collscan', exact: false });
  });
});
