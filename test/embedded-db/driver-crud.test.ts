import { expect } from 'chai';
import { MongoClient, MongoServerError, ObjectId, type Db } from 'mongodb';
import { openTestDatabase, type TestDatabase } from '../support/embedded-db-helpers';

describe('embedded-db conformance: driver CRUD', function () {
  let tdb: TestDatabase;
  let client: MongoClient;
  let db: Db;

  before(async function () {
    tdb = await openTestDatabase('crud');
    client = await MongoClient.connect(tdb.uri);
    db = client.db(tdb.dbName);
  });

  after(async function () {
    await db?.dropDatabase();
    await client?.close();
    await tdb?.close();
  });

  it('answers ping and hello like a standalone server', async function () {
    const ping = await db.admin().ping();
    expect(ping.ok).to.equal(1);
    const hello = await db.admin().command({ hello: 1 });
    expect(hello.isWritablePrimary).to.equal(true);
    expect(hello.maxWireVersion).to.be.at.least(9);
    expect(hello.setName).to.equal(undefined);
    expect(hello.maxBsonObjectSize).to.equal(16 * 1024 * 1024);
  });

  it('inserts and finds with filter, sort, skip, limit and projection', async function () {
    const c = db.collection('people');
    const res = await c.insertMany([
      { name: 'ann', age: 31, city: 'Oslo', tags: ['a', 'b'] },
      { name: 'bob', age: 25, city: 'Rome', tags: ['b'] },
      { name: 'cid', age: 40, city: 'Oslo' },
      { name: 'dee', age: 25, city: 'Lima', tags: [] },
    ]);
    expect(res.insertedCount).to.equal(4);
    const oslo = await c.find({ city: 'Oslo' }).sort({ age: 1 }).toArray();
    expect(oslo.map((d) => d.name)).to.deep.equal(['ann', 'cid']);
    const page = await c.find({}).sort({ age: -1, name: 1 }).skip(1).limit(2).project({ _id: 0, name: 1 }).toArray();
    expect(page).to.deep.equal([{ name: 'ann' }, { name: 'bob' }]);
    const excluded = await c.findOne({ name: 'bob' }, { projection: { tags: 0, _id: 0 } });
    expect(excluded).to.deep.equal({ name: 'bob', age: 25, city: 'Rome' });
    expect(await c.countDocuments({ tags: 'b' })).to.equal(2);
    expect(await c.countDocuments({ age: { $gte: 25, $lt: 40 } })).to.equal(3);
    expect(await c.countDocuments({ $or: [{ city: 'Lima' }, { age: 40 }] })).to.equal(2);
    expect(await c.countDocuments({ city: { $in: ['Rome', 'Lima'] } })).to.equal(2);
    expect(await c.countDocuments({ tags: { $exists: false } })).to.equal(1);
    expect(await c.countDocuments({ city: { $ne: 'Oslo' } })).to.equal(2);
    expect(await c.countDocuments({ name: { $regex: '^A', $options: 'i' } })).to.equal(1);
    expect(await c.countDocuments({ name: /E$/i })).to.equal(1);
  });

  it('returns and counts each document once for a repeated $in value on an indexed field', async function () {
    const c = db.collection('in_repeats');
    await c.createIndex({ city: 1 });
    await c.insertMany([{ city: 'Oslo' }, { city: 'Rome' }, { city: 'Oslo' }]);
    expect(await c.find({ city: { $in: ['Oslo', 'Oslo'] } }).toArray()).to.have.length(2);
    expect(await c.countDocuments({ city: { $in: ['Oslo', 'Rome', 'Oslo'] } })).to.equal(3);
  });

  it('counts with skip and limit, indexed or not, through count and countDocuments', async function () {
    const c = db.collection('count_window');
    await c.createIndex({ k: 1 });
    await c.insertMany(Array.from({ length: 30 }, (_, i) => ({ k: i % 3, other: i % 2 })));
    // k = 0 holds 10 documents (an index-only count); other = 1 holds 15 (no index).
    for (const [filter, all] of [[{ k: 0 }, 10], [{ other: 1 }, 15]] as const) {
      expect(await c.countDocuments(filter, { skip: 4, limit: 3 })).to.equal(3);
      expect(await c.countDocuments(filter, { skip: all - 2, limit: 5 })).to.equal(2);
      expect(await c.countDocuments(filter, { limit: 1 })).to.equal(1);
      const count = await db.command({ count: 'count_window', query: filter, skip: 4, limit: 3 });
      expect(count.n).to.equal(3);
      expect((await db.command({ count: 'count_window', query: filter, skip: all + 1 })).n).to.equal(0);
      expect((await db.command({ count: 'count_window', query: filter })).n).to.equal(all);
    }
  });

  it('keeps _id and BSON types round-tripping', async function () {
    const c = db.collection('types');
    const id = new ObjectId();
    const when = new Date('2024-05-06T07:08:09.010Z');
    await c.insertOne({ _id: id, when, nested: { deep: { n: 1.5, s: 'x' } }, bin: Buffer.from('hi'), nul: null, bool: false });
    const doc = await c.findOne({ _id: id });
    expect(doc?._id.equals(id)).to.equal(true);
    expect(doc?.when.getTime()).to.equal(when.getTime());
    expect(doc?.nested).to.deep.equal({ deep: { n: 1.5, s: 'x' } });
    expect(Buffer.from(doc?.bin.buffer).toString()).to.equal('hi');
    expect(doc?.nul).to.equal(null);
    expect(doc?.bool).to.equal(false);
    expect(await c.countDocuments({ 'nested.deep.s': 'x' })).to.equal(1);
    expect(await c.countDocuments({ when: { $gte: new Date('2024-01-01'), $lte: new Date('2024-12-31') } })).to.equal(1);
  });

  it('applies $set $unset $inc $push $pull $addToSet and reports counts', async function () {
    const c = db.collection<{ _id: number; a?: number; b?: string; list: number[]; set: string[]; sub?: { field: string } }>('ops');
    await c.insertOne({ _id: 1, a: 1, b: 'x', list: [1, 2, 3], set: ['x'] });
    const r = await c.updateOne({ _id: 1 }, {
      $set: { 'sub.field': 'y' }, $unset: { b: '' }, $inc: { a: 2 }, $push: { list: 4 }, $addToSet: { set: { $each: ['x', 'z'] } },
    });
    expect(r.matchedCount).to.equal(1);
    expect(r.modifiedCount).to.equal(1);
    await c.updateOne({ _id: 1 }, { $pull: { list: { $gte: 3 } } });
    const doc = await c.findOne({ _id: 1 });
    expect(doc).to.deep.equal({ _id: 1, a: 3, list: [1, 2], set: ['x', 'z'], sub: { field: 'y' } });
    const noop = await c.updateOne({ _id: 1 }, { $set: { a: 3 } });
    expect(noop.matchedCount).to.equal(1);
    expect(noop.modifiedCount).to.equal(0);
    const none = await c.updateOne({ _id: 99 }, { $set: { a: 1 } });
    expect(none.matchedCount).to.equal(0);
  });

  it('updates many, replaces, and refuses changing _id', async function () {
    const c = db.collection('many');
    await c.insertMany([{ k: 1, v: 0 }, { k: 1, v: 0 }, { k: 2, v: 0 }]);
    const r = await c.updateMany({ k: 1 }, { $inc: { v: 5 } });
    expect(r.modifiedCount).to.equal(2);
    expect(await c.countDocuments({ v: 5 })).to.equal(2);
    const one = await c.findOne({ k: 2 });
    await c.replaceOne({ k: 2 }, { k: 3, replaced: true });
    const replaced = await c.findOne({ _id: one!._id });
    expect(replaced).to.deep.equal({ _id: one!._id, k: 3, replaced: true });
    try {
      await c.updateOne({ k: 3 }, { $set: { _id: new ObjectId() } });
      expect.fail('should refuse');
    } catch (err) {
      expect((err as MongoServerError).code).to.equal(66);
    }
  });

  it('upserts with $setOnInsert and query equality fields', async function () {
    const c = db.collection('upserts');
    const r1 = await c.updateOne({ slug: 'a', kind: { $eq: 'k' } }, { $set: { n: 1 }, $setOnInsert: { created: true } }, { upsert: true });
    expect(r1.upsertedCount).to.equal(1);
    expect(r1.upsertedId).to.not.equal(null);
    const r2 = await c.updateOne({ slug: 'a' }, { $set: { n: 2 }, $setOnInsert: { created: false } }, { upsert: true });
    expect(r2.upsertedCount).to.equal(0);
    expect(r2.matchedCount).to.equal(1);
    const doc = await c.findOne({ slug: 'a' }, { projection: { _id: 0 } });
    expect(doc).to.deep.equal({ slug: 'a', kind: 'k', n: 2, created: true });
  });

  it('supports arrayFilters and the positional operator', async function () {
    const c = db.collection('arrays');
    await c.insertOne({ name: 'g', grades: [{ g: 80, m: 1 }, { g: 95, m: 1 }, { g: 60, m: 1 }] });
    await c.updateOne({ name: 'g' }, { $set: { 'grades.$[hi].m': 2 } }, { arrayFilters: [{ 'hi.g': { $gte: 90 } }] });
    await c.updateOne({ name: 'g', 'grades.g': 60 }, { $set: { 'grades.$.m': 0 } });
    const doc = await c.findOne({ name: 'g' });
    expect(doc?.grades.map((x: { m: number }) => x.m)).to.deep.equal([1, 2, 0]);
    expect(await c.countDocuments({ grades: { $elemMatch: { g: { $gt: 90 }, m: 2 } } })).to.equal(1);
  });

  it('deletes one and many', async function () {
    const c = db.collection('dels');
    await c.insertMany([{ t: 'a' }, { t: 'a' }, { t: 'a' }, { t: 'b' }]);
    expect((await c.deleteOne({ t: 'a' })).deletedCount).to.equal(1);
    expect((await c.deleteMany({ t: 'a' })).deletedCount).to.equal(2);
    expect(await c.countDocuments({})).to.equal(1);
    expect(await c.estimatedDocumentCount()).to.equal(1);
  });

  it('findOneAndUpdate / findOneAndDelete with sort, upsert and returnDocument', async function () {
    const c = db.collection('fam');
    await c.insertMany([{ q: 1, v: 'low' }, { q: 2, v: 'high' }]);
    const before = await c.findOneAndUpdate({}, { $set: { touched: true } }, { sort: { q: -1 }, returnDocument: 'before' });
    expect(before?.v).to.equal('high');
    expect(before?.touched).to.equal(undefined);
    const after = await c.findOneAndUpdate({ q: 3 }, { $set: { v: 'new' } }, { upsert: true, returnDocument: 'after' });
    expect(after).to.include({ q: 3, v: 'new' });
    const removed = await c.findOneAndDelete({ q: 1 });
    expect(removed?.v).to.equal('low');
    expect(await c.countDocuments({})).to.equal(2);
    expect(await c.findOneAndUpdate({ q: 42 }, { $set: { v: 'x' } })).to.equal(null);
  });

  it('streams 1,000 documents over several batches with getMore', async function () {
    const c = db.collection('big');
    await c.insertMany(Array.from({ length: 1000 }, (_, i) => ({ i, pad: 'x'.repeat(50) })));
    const cursor = c.find({}, { batchSize: 100 }).sort({ i: 1 });
    const seen: number[] = [];
    for await (const d of cursor) seen.push(d.i as number);
    expect(seen.length).to.equal(1000);
    expect(seen[0]).to.equal(0);
    expect(seen[999]).to.equal(999);
    expect(new Set(seen).size).to.equal(1000);
    const limited = await c.find({ i: { $gte: 500 } }, { batchSize: 7 }).limit(30).toArray();
    expect(limited.length).to.equal(30);
    // An abandoned cursor is killed on close without error.
    const early = c.find({}, { batchSize: 10 });
    await early.next();
    await early.close();
  });

  it('distinct flattens arrays and honours the query', async function () {
    const c = db.collection('dist');
    await c.insertMany([{ t: ['a', 'b'], k: 1 }, { t: 'c', k: 1 }, { t: 'a', k: 2 }, { k: 1 }]);
    expect((await c.distinct('t')).sort()).to.deep.equal(['a', 'b', 'c']);
    expect((await c.distinct('t', { k: 1 })).sort()).to.deep.equal(['a', 'b', 'c']);
    expect(await c.distinct('t', { k: 2 })).to.deep.equal(['a']);
  });

  it('bulkWrite mixes insertOne, updateOne and deleteOne', async function () {
    const c = db.collection('bulk');
    const res = await c.bulkWrite([
      { insertOne: { document: { b: 1 } } },
      { insertOne: { document: { b: 2 } } },
      { updateOne: { filter: { b: 1 }, update: { $set: { seen: true } } } },
      { updateOne: { filter: { b: 9 }, update: { $set: { seen: true } }, upsert: true } },
      { deleteOne: { filter: { b: 2 } } },
    ]);
    expect(res.insertedCount).to.equal(2);
    expect(res.modifiedCount).to.equal(1);
    expect(res.upsertedCount).to.equal(1);
    expect(res.deletedCount).to.equal(1);
    expect(await c.countDocuments({ seen: true })).to.equal(2);
  });

  it('enforces unique and compound unique indexes with E11000 errors', async function () {
    const c = db.collection('uniq');
    await c.createIndex({ email: 1 }, { unique: true });
    await c.createIndex({ org: 1, handle: 1 }, { unique: true, name: 'org_handle' });
    await c.insertOne({ email: 'a@x', org: 'o', handle: 'h' });
    try {
      await c.insertOne({ email: 'a@x', org: 'o2', handle: 'h' });
      expect.fail('duplicate accepted');
    } catch (err) {
      const e = err as MongoServerError;
      expect(e.code).to.equal(11000);
      expect(e.keyPattern).to.deep.equal({ email: 1 });
      expect(e.keyValue).to.deep.equal({ email: 'a@x' });
      expect(e.message).to.match(/E11000 duplicate key error collection: .*\.uniq index: email_1 dup key: \{ email: "a@x" \}/);
    }
    try {
      await c.insertOne({ email: 'b@x', org: 'o', handle: 'h' });
      expect.fail('duplicate accepted');
    } catch (err) {
      const e = err as MongoServerError;
      expect(e.code).to.equal(11000);
      expect(e.keyPattern).to.deep.equal({ org: 1, handle: 1 });
      expect(e.keyValue).to.deep.equal({ org: 'o', handle: 'h' });
    }
    await c.insertOne({ email: 'c@x', org: 'o', handle: 'h2' });
    // An update into a duplicate is refused as well, and leaves the document unchanged.
    try {
      await c.updateOne({ email: 'c@x' }, { $set: { email: 'a@x' } });
      expect.fail('duplicate accepted');
    } catch (err) {
      expect((err as MongoServerError).code).to.equal(11000);
    }
    expect(await c.countDocuments({ email: 'c@x' })).to.equal(1);
    // Ordered insertMany keeps the documents before the failure and stops there.
    try {
      await c.insertMany([{ email: 'd@x', org: 1 }, { email: 'a@x', org: 2 }, { email: 'e@x', org: 3 }]);
      expect.fail('duplicate accepted');
    } catch (err) {
      expect((err as MongoServerError).code).to.equal(11000);
    }
    expect(await c.countDocuments({ email: { $in: ['d@x', 'e@x'] } })).to.equal(1);
    // Unordered continues past the failure.
    try {
      await c.insertMany([{ email: 'f@x', org: 4 }, { email: 'a@x', org: 5 }, { email: 'g@x', org: 6 }], { ordered: false });
      expect.fail('duplicate accepted');
    } catch (err) {
      expect((err as MongoServerError).code).to.equal(11000);
    }
    expect(await c.countDocuments({ email: { $in: ['f@x', 'g@x'] } })).to.equal(2);
    // Duplicate _id
    const doc = await c.findOne({ email: 'a@x' });
    try {
      await c.insertOne({ _id: doc!._id, email: 'z@x' });
      expect.fail('duplicate accepted');
    } catch (err) {
      expect((err as MongoServerError).code).to.equal(11000);
      expect((err as MongoServerError).keyPattern).to.deep.equal({ _id: 1 });
    }
  });

  it('respects sparse and partial unique indexes', async function () {
    const c = db.collection('sparse');
    await c.createIndex({ code: 1 }, { unique: true, sparse: true });
    await c.createIndex({ ref: 1 }, { unique: true, partialFilterExpression: { active: true } });
    await c.insertMany([{ x: 1 }, { x: 2 }]);
    await c.insertMany([{ ref: 'r', active: false }, { ref: 'r', active: false }, { ref: 'r', active: true }]);
    try {
      await c.insertOne({ ref: 'r', active: true });
      expect.fail('duplicate accepted');
    } catch (err) {
      expect((err as MongoServerError).code).to.equal(11000);
    }
  });

  it('refuses to build a unique index over existing duplicates', async function () {
    const c = db.collection('dupbuild');
    await c.insertMany([{ u: 1 }, { u: 1 }]);
    try {
      await c.createIndex({ u: 1 }, { unique: true });
      expect.fail('index built');
    } catch (err) {
      expect((err as MongoServerError).code).to.equal(11000);
    }
    const names = (await c.listIndexes().toArray()).map((i) => i.name);
    expect(names).to.deep.equal(['_id_']);
  });

  it('creates, lists and drops indexes and collections', async function () {
    const c = db.collection('idx');
    await c.insertOne({ a: 1, b: 2 });
    const name = await c.createIndex({ a: 1, b: -1 }, { name: 'ab', background: true });
    expect(name).to.equal('ab');
    // Creating the same index again is a no-op.
    await c.createIndex({ a: 1, b: -1 }, { name: 'ab' });
    let indexes = await c.listIndexes().toArray();
    expect(indexes.map((i) => i.name)).to.deep.equal(['_id_', 'ab']);
    expect(indexes[1].key).to.deep.equal({ a: 1, b: -1 });
    await c.dropIndex('ab');
    indexes = await c.listIndexes().toArray();
    expect(indexes.map((i) => i.name)).to.deep.equal(['_id_']);
    const colls = (await db.listCollections({}, { nameOnly: true }).toArray()).map((x) => x.name);
    expect(colls).to.include('idx');
    await db.createCollection('explicit');
    try {
      await db.createCollection('explicit');
      expect.fail('created twice');
    } catch (err) {
      expect((err as MongoServerError).code).to.equal(48);
    }
    expect(await c.drop()).to.equal(true);
    const after = (await db.listCollections().toArray()).map((x) => x.name);
    expect(after).to.not.include('idx');
    const dbs = await client.db().admin().listDatabases();
    expect(dbs.databases.map((d) => d.name)).to.include(tdb.dbName);
  });

  it('returns a MongoDB error document for unknown commands', async function () {
    try {
      await db.command({ definitelyNotACommand: 1 });
      expect.fail('accepted');
    } catch (err) {
      expect((err as MongoServerError).code).to.equal(59);
      expect((err as MongoServerError).codeName).to.equal('CommandNotFound');
    }
    // The connection is still usable afterwards.
    expect((await db.command({ ping: 1 })).ok).to.equal(1);
  });
});
