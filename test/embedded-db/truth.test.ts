/**
 * Conformance: behaviour where the embedded server used to answer differently from MongoDB without
 * saying so (issue 15), and updates/projections it refused although MongoDB accepts them. Every
 * assertion states MongoDB's behaviour; with MONGODB_URI set the same file runs against a real one.
 */
import { expect } from 'chai';
import mongoose, { Schema, type Connection } from 'mongoose';
import { Binary, DBRef, Decimal128, Double, Int32, Long, MongoBulkWriteError, MongoClient, MongoServerError, ObjectId, type Db } from 'mongodb';
import { openTestDatabase, type TestDatabase } from '../support/embedded-db-helpers';

async function serverError(p: Promise<unknown>): Promise<MongoServerError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof MongoServerError) return err;
    throw err;
  }
  expect.fail('the server accepted it');
}

describe('embedded-db conformance: no silent differences from MongoDB', function () {
  let tdb: TestDatabase;
  let client: MongoClient;
  let db: Db;
  let conn: Connection;

  before(async function () {
    tdb = await openTestDatabase('truth');
    client = await MongoClient.connect(tdb.uri);
    db = client.db(tdb.dbName);
    conn = await mongoose.createConnection(tdb.uri, { dbName: tdb.dbName }).asPromise();
  });

  after(async function () {
    await db?.dropDatabase();
    await conn?.close();
    await client?.close();
    await tdb?.close();
  });

  describe('1. $pull with $or/$and conditions', function () {
    it('pulls a subdocument without _id through mongoose DocumentArray#pull', async function () {
      const Band = conn.model('Band', new Schema({ name: String, members: [new Schema({ name: String, role: String }, { _id: false })] }));
      const band = await Band.create({ name: 'GnR', members: [{ name: 'Axl', role: 'Vocals' }, { name: 'Slash', role: 'Guitar' }, { name: 'Duff', role: 'Bass' }] });
      band.members.pull({ name: 'Slash', role: 'Guitar' });
      await band.save();
      const fresh = await Band.findById(band._id).lean();
      expect(fresh?.members.map((m) => m.name)).to.deep.equal(['Axl', 'Duff']);
    });

    it('pulls with $or and $and through the driver', async function () {
      const c = db.collection('pull_logic');
      await c.insertOne({ _id: 1 as never, items: [{ a: 1, b: 1 }, { a: 2, b: 2 }, { a: 3, b: 3 }, { a: 4, b: 1 }] });
      await c.updateOne({ _id: 1 as never }, { $pull: { items: { $or: [{ a: 1 }, { b: 2 }] } } as never });
      expect((await c.findOne({ _id: 1 as never }))?.items).to.deep.equal([{ a: 3, b: 3 }, { a: 4, b: 1 }]);
      await c.updateOne({ _id: 1 as never }, { $pull: { items: { $and: [{ a: { $gt: 3 } }, { b: 1 }] } } as never });
      expect((await c.findOne({ _id: 1 as never }))?.items).to.deep.equal([{ a: 3, b: 3 }]);
    });
  });

  describe('2. $slice projections', function () {
    it('keeps every other field with a $slice-only projection (driver and mongoose)', async function () {
      const c = db.collection('slices');
      await c.insertOne({ _id: 1 as never, name: 'n', nums: [1, 2, 3], other: { x: 1 } });
      expect(await c.findOne({ _id: 1 as never }, { projection: { nums: { $slice: 1 } } })).to.deep.equal({ _id: 1, name: 'n', nums: [1], other: { x: 1 } });
      expect(await c.findOne({ _id: 1 as never }, { projection: { nums: { $slice: [1, 1] }, name: 0 } })).to.deep.equal({ _id: 1, nums: [2], other: { x: 1 } });
      expect(await c.findOne({ _id: 1 as never }, { projection: { nums: { $slice: -2 }, name: 1 } })).to.deep.equal({ _id: 1, name: 'n', nums: [2, 3] });
      const M = conn.model('Slice', new Schema({ _id: Number, name: String, nums: [Number] }), 'slices');
      const doc = await M.findById(1).slice('nums', 1).lean();
      expect(doc).to.deep.equal({ _id: 1, name: 'n', nums: [1], other: { x: 1 } });
    });
  });

  describe('3. positional projection', function () {
    it('returns the array element the filter matched', async function () {
      const c = db.collection('positional_proj');
      await c.insertOne({ _id: 1 as never, tags: [{ tag: 'a', n: 1 }, { tag: 'b', n: 2 }, { tag: 'c', n: 3 }] });
      expect(await c.findOne({ 'tags.tag': 'b' }, { projection: { 'tags.$': 1 } })).to.deep.equal({ _id: 1, tags: [{ tag: 'b', n: 2 }] });
      expect(await c.findOne({ tags: { $elemMatch: { n: { $gte: 3 } } } }, { projection: { 'tags.$': 1, _id: 0 } })).to.deep.equal({ tags: [{ tag: 'c', n: 3 }] });
    });
  });

  describe('4. $type', function () {
    it('tells int, long, double, decimal, objectId and binData apart', async function () {
      const c = db.collection('types_query');
      await c.insertMany([
        { k: 'int', v: new Int32(1) },
        { k: 'long', v: Long.fromNumber(2) },
        { k: 'bigLong', v: Long.fromString('9007199254740993') },
        { k: 'double', v: new Double(1.5) },
        { k: 'integralDouble', v: new Double(3) },
        { k: 'decimal', v: Decimal128.fromString('1.1') },
        { k: 'oid', v: new ObjectId() },
        { k: 'bin', v: new Binary(Buffer.from([1, 2])) },
        { k: 'str', v: 'x' },
      ]);
      const kinds = async (t: unknown) => (await c.find({ v: { $type: t as never } }).toArray()).map((d) => d.k).sort();
      expect(await kinds('int')).to.deep.equal(['int']);
      expect(await kinds(16)).to.deep.equal(['int']);
      expect(await kinds('long')).to.deep.equal(['bigLong', 'long']);
      expect(await kinds(18)).to.deep.equal(['bigLong', 'long']);
      expect(await kinds('double')).to.deep.equal(['double', 'integralDouble']);
      expect(await kinds(1)).to.deep.equal(['double', 'integralDouble']);
      expect(await kinds('decimal')).to.deep.equal(['decimal']);
      expect(await kinds('objectId')).to.deep.equal(['oid']);
      expect(await kinds(7)).to.deep.equal(['oid']);
      expect(await kinds('binData')).to.deep.equal(['bin']);
      expect(await kinds(5)).to.deep.equal(['bin']);
      expect(await kinds('number')).to.deep.equal(['bigLong', 'decimal', 'double', 'int', 'integralDouble', 'long']);
      expect(await kinds(['string', 'int'])).to.deep.equal(['int', 'str']);
    });
  });

  describe('5. numbers keep their BSON type and value', function () {
    it('returns a Long as a Long (useBigInt64) and a Long beyond 2^53 exactly', async function () {
      const c = db.collection('longs');
      const big = Long.fromString('9007199254740993');
      await c.insertOne({ _id: 1 as never, small: 37n, big, max: Long.MAX_VALUE, min: Long.MIN_VALUE });
      const asBigInt = await c.findOne({ _id: 1 as never }, { useBigInt64: true });
      expect(asBigInt?.small).to.equal(37n);
      expect(asBigInt?.big).to.equal(9007199254740993n);
      expect(asBigInt?.max).to.equal(2n ** 63n - 1n);
      expect(asBigInt?.min).to.equal(-(2n ** 63n));
      const raw = await c.findOne({ _id: 1 as never }, { promoteValues: false });
      expect(raw?.small).to.be.instanceOf(Long);
      expect(String(raw?.big)).to.equal('9007199254740993');
      // Read through a projection (the decoded path) too.
      expect((await c.findOne({ _id: 1 as never }, { projection: { big: 1, _id: 0, zero: { $literal: 0 } } as never, useBigInt64: true }))?.big).to.equal(9007199254740993n);
    });

    it('keeps Int32, Double (also integral and -0) and Decimal128 apart, through updates too', async function () {
      const c = db.collection('num_kinds');
      await c.insertOne({ _id: 1 as never, i: new Int32(1), d: new Double(1), nz: new Double(-0), dec: Decimal128.fromString('1.10'), l: Long.fromNumber(5) });
      await c.updateOne({ _id: 1 as never }, { $set: { touched: true } });
      const raw = await c.findOne({ _id: 1 as never }, { promoteValues: false });
      expect(raw?.i).to.be.instanceOf(Int32);
      expect(raw?.d).to.be.instanceOf(Double);
      expect(Object.is(raw?.nz.valueOf(), -0)).to.equal(true);
      expect(raw?.dec.toString()).to.equal('1.10');
      // $inc keeps MongoDB's result types: long + int = long, int + double = double.
      await c.updateOne({ _id: 1 as never }, { $inc: { l: 1, i: 0.5 } });
      const inc = await c.findOne({ _id: 1 as never }, { promoteValues: false });
      expect(inc?.l).to.be.instanceOf(Long);
      expect(String(inc?.l)).to.equal('6');
      expect(inc?.i).to.be.instanceOf(Double);
      expect(inc?.i.valueOf()).to.equal(1.5);
    });

    it('indexes Longs beyond 2^53 without rounding: equality, order and uniqueness', async function () {
      const c = db.collection('long_index');
      await c.createIndex({ n: 1 }, { unique: true });
      const base = 2n ** 53n;
      await c.insertMany([{ n: Long.fromBigInt(base + 2n) }, { n: Long.fromBigInt(base) }, { n: Long.fromBigInt(base + 1n) }, { n: Decimal128.fromString('9007199254740992.5') }]);
      expect(await c.countDocuments({ n: Long.fromBigInt(base + 1n) })).to.equal(1);
      expect(await c.countDocuments({ n: { $gt: Long.fromBigInt(base) } })).to.equal(3);
      const sorted = await c.find({}, { useBigInt64: true }).sort({ n: 1 }).hint({ n: 1 }).toArray();
      expect(sorted.map((d) => String(d.n))).to.deep.equal(['9007199254740992', '9007199254740992.5', '9007199254740993', '9007199254740994']);
      // Equal values of different numeric types are the same key, as in MongoDB.
      await c.insertOne({ n: 7 });
      const dup = await serverError(c.insertOne({ n: Long.fromNumber(7) }));
      expect(dup.code).to.equal(11000);
    });
  });

  describe('6. Binary values', function () {
    it('compares BinData by length, subtype, then bytes', async function () {
      const c = db.collection('bins');
      await c.insertMany([{ b: Buffer.from([1, 2]) }, { b: Buffer.from([1, 3]) }, { b: Buffer.from([0, 0, 0]) }, { b: Buffer.from([5]) }]);
      // A shorter BinData is smaller whatever its bytes: [5] < [0, 0].
      expect(await c.countDocuments({ b: { $gt: Buffer.from([2]) } })).to.equal(4);
      expect(await c.countDocuments({ b: { $lt: Buffer.from([0, 0]) } })).to.equal(1);
      expect(await c.countDocuments({ b: { $gt: Buffer.from([1, 2]) } })).to.equal(2);
      expect(await c.countDocuments({ b: { $lte: Buffer.from([1, 3]) } })).to.equal(3);
      expect((await c.find({}).sort({ b: -1 }).toArray()).map((d) => [...d.b.buffer])).to.deep.equal([[0, 0, 0], [1, 3], [1, 2], [5]]);
    });

    it('applies $bitsAllSet/$bitsAnySet to BinData', async function () {
      const c = db.collection('bin_bits');
      await c.insertMany([{ k: 'a', b: new Binary(Buffer.from([0b00000101])) }, { k: 'b', b: new Binary(Buffer.from([0b00000010, 0b1])) }]);
      expect((await c.find({ b: { $bitsAllSet: [0, 2] } }).toArray()).map((d) => d.k)).to.deep.equal(['a']);
      expect((await c.find({ b: { $bitsAnySet: [1] } }).toArray()).map((d) => d.k)).to.deep.equal(['b']);
      expect((await c.find({ b: { $bitsAnySet: [8] } }).toArray()).map((d) => d.k)).to.deep.equal(['b']);
      expect((await c.find({ b: { $bitsAllClear: [1] } }).toArray()).map((d) => d.k)).to.deep.equal(['a']);
    });

    it('writes an update that changes only the subtype', async function () {
      const c = db.collection('bin_subtype');
      await c.insertOne({ _id: 1 as never, b: new Binary(Buffer.from([1, 2, 3]), 0) });
      const r = await c.updateOne({ _id: 1 as never }, { $set: { b: new Binary(Buffer.from([1, 2, 3]), 0x80) } });
      expect(r.modifiedCount).to.equal(1);
      expect((await c.findOne({ _id: 1 as never }))?.b.sub_type).to.equal(0x80);
    });
  });

  describe('7. updates MongoDB refuses', function () {
    it('refuses $push, $addToSet and $inc on a field of the wrong type', async function () {
      const c = db.collection('wrong_types');
      await c.insertOne({ _id: 1 as never, s: 'text', n: 1 });
      expect((await serverError(c.updateOne({ _id: 1 as never }, { $push: { s: 'x' } } as never))).code).to.equal(2);
      expect((await serverError(c.updateOne({ _id: 1 as never }, { $addToSet: { n: 'x' } } as never))).code).to.equal(2);
      expect((await serverError(c.updateOne({ _id: 1 as never }, { $inc: { s: 1 } } as never))).code).to.equal(14);
      expect(await c.findOne({ _id: 1 as never })).to.deep.equal({ _id: 1, s: 'text', n: 1 });
    });

    it('reports the failing statement of ordered and unordered bulkWrite', async function () {
      const c = db.collection('wrong_types_bulk');
      await c.insertMany([{ _id: 1, s: 'a' }, { _id: 2, s: 'b' }] as never[]);
      const ops = [
        { updateOne: { filter: { _id: 1 }, update: { $set: { ok: 1 } } } },
        { updateOne: { filter: { _id: 1 }, update: { $inc: { s: 1 } } } },
        { updateOne: { filter: { _id: 2 }, update: { $set: { ok: 1 } } } },
      ];
      for (const ordered of [true, false]) {
        await c.updateMany({}, { $unset: { ok: '' } });
        let err: unknown;
        try {
          await c.bulkWrite(ops as never, { ordered });
        } catch (e) {
          err = e;
        }
        expect(err).to.be.instanceOf(MongoBulkWriteError);
        const bulk = err as MongoBulkWriteError;
        const writeErrors = Array.isArray(bulk.writeErrors) ? bulk.writeErrors : [bulk.writeErrors];
        expect(writeErrors.map((w) => w.index)).to.deep.equal([1]);
        expect(await c.countDocuments({ ok: 1 })).to.equal(ordered ? 1 : 2);
      }
    });

    it('refuses $set of a field inside an array of documents without a position (code 28)', async function () {
      const c = db.collection('path_not_viable');
      await c.insertOne({ _id: 1 as never, comments: [{ body: 'a' }, { body: 'b' }] });
      expect((await serverError(c.updateOne({ _id: 1 as never }, { $set: { 'comments.body': 'x' } }))).code).to.equal(28);
      expect((await c.findOne({ _id: 1 as never }))?.comments).to.deep.equal([{ body: 'a' }, { body: 'b' }]);
    });
  });

  describe('8. unknown query operators', function () {
    it('are an error on a missing, an empty and a non-empty collection alike', async function () {
      const missing = db.collection('never_created');
      const empty = db.collection('empty_one');
      await db.createCollection('empty_one');
      const full = db.collection('full_one');
      await full.insertOne({ x: 1 });
      for (const c of [missing, empty, full]) {
        const err = await serverError(c.find({ x: { $notAnOperator: 1 } } as never).toArray());
        expect(err.code).to.equal(2);
        expect(err.message).to.match(/unknown operator/);
        expect((await serverError(c.countDocuments({ x: { $notAnOperator: 1 } } as never))).code).to.equal(2);
      }
    });
  });

  describe('9. __proto__ keys in data', function () {
    it('stores an own __proto__ key written with $set as data', async function () {
      const c = db.collection('protos');
      await c.insertOne({ _id: 1 as never });
      const value = JSON.parse('{"__proto__": {"polluted": true}, "y": 2}') as Record<string, unknown>;
      await c.updateOne({ _id: 1 as never }, { $set: { mixed: value } });
      const doc = await c.findOne({ _id: 1 as never });
      expect(Object.keys(doc?.mixed)).to.deep.equal(['__proto__', 'y']);
      expect(Object.getOwnPropertyDescriptor(doc?.mixed, '__proto__')?.value).to.deep.equal({ polluted: true });
      expect(Object.getPrototypeOf(doc?.mixed)).to.equal(Object.prototype);
      expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
      // (mongoose itself drops __proto__ keys from update values before sending them, on any server.)
      await c.updateOne({ _id: 1 as never }, { $set: { 'mixed.other': JSON.parse('{"__proto__": {"a": 1}}') } });
      await c.insertOne(JSON.parse('{"_id": 2, "__proto__": {"b": 1}}'));
      await c.updateOne({ _id: 2 as never }, { $set: { later: 1 } });
      expect(Object.keys((await c.findOne({ _id: 2 as never })) ?? {})).to.deep.equal(['_id', '__proto__', 'later']);
      const again = await c.findOne({ _id: 1 as never });
      expect(Object.keys(again?.mixed.other ?? {})).to.deep.equal(['__proto__']);
    });
  });

  describe('positional updates of sibling fields', function () {
    it('accepts $set of two fields under $, $[] and $[id], and $set + $inc under $', async function () {
      const c = db.collection('positional_siblings');
      await c.insertOne({ _id: 1 as never, children: [{ id: 'a', name: 'A', n: 1 }, { id: 'b', name: 'B', n: 1 }] });
      const d = new Date('2026-01-02T03:04:05Z');
      await c.updateOne({ _id: 1 as never, 'children.id': 'b' }, { $set: { 'children.$.name': 'x', 'children.$.updatedAt': d } });
      await c.updateOne({ _id: 1 as never, 'children.id': 'a' }, { $set: { 'children.$.name': 'y' }, $inc: { 'children.$.n': 2 } });
      await c.updateOne({ _id: 1 as never }, { $set: { 'children.$[].seen': true, 'children.$[].v': 1 } });
      await c.updateOne({ _id: 1 as never }, { $set: { 'children.$[c].name': 'z', 'children.$[c].w': 2 } }, { arrayFilters: [{ 'c.id': 'b' }] });
      expect((await c.findOne({ _id: 1 as never }))?.children).to.deep.equal([
        { id: 'a', name: 'y', n: 3, seen: true, v: 1 },
        { id: 'b', name: 'z', n: 1, updatedAt: d, seen: true, v: 1, w: 2 },
      ]);
      // A real conflict is still one.
      expect((await serverError(c.updateOne({ _id: 1 as never, 'children.id': 'a' }, { $set: { 'children.$.name': 'p', 'children.$': {} } }))).code).to.equal(40);
    });

    it('updates a timestamped subdocument positionally through mongoose', async function () {
      const Child = new Schema({ name: String }, { timestamps: true });
      const Parent = conn.model('Parent', new Schema({ title: String, children: [Child] }));
      const p = await Parent.create({ title: 't', children: [{ name: 'one' }, { name: 'two' }] });
      const childId = p.children[1]._id;
      const r = await Parent.updateOne({ _id: p._id, 'children._id': childId }, { $set: { 'children.$.name': 'deux' } });
      expect(r.modifiedCount).to.equal(1);
      const fresh = await Parent.findById(p._id).lean();
      expect(fresh?.children.map((x) => x.name)).to.deep.equal(['one', 'deux']);
      expect(fresh?.children[1].updatedAt).to.be.instanceOf(Date);
    });
  });

  describe('$elemMatch accepted where MongoDB accepts it', function () {
    it('projects with an operator-only $elemMatch', async function () {
      const c = db.collection('elem_proj');
      await c.insertOne({ _id: 1 as never, nums: [1, 5, 7], name: 'x' });
      expect(await c.findOne({ _id: 1 as never }, { projection: { nums: { $elemMatch: { $gte: 4 } } } })).to.deep.equal({ _id: 1, nums: [5] });
      expect(await c.findOne({ _id: 1 as never }, { projection: { nums: { $elemMatch: { $gte: 40 } }, name: 1 } })).to.deep.equal({ _id: 1, name: 'x' });
    });

    it('matches a DBRef $id (and $ref) inside $elemMatch', async function () {
      const c = db.collection('dbrefs');
      const [a, b] = [new ObjectId(), new ObjectId()];
      await c.insertMany([{ k: 1, refs: [new DBRef('people', a)] }, { k: 2, refs: [new DBRef('people', b), new DBRef('places', a)] }]);
      expect((await c.find({ refs: { $elemMatch: { $id: b } } }).toArray()).map((d) => d.k)).to.deep.equal([2]);
      expect((await c.find({ refs: { $elemMatch: { $ref: 'places', $id: a } } }).toArray()).map((d) => d.k)).to.deep.equal([2]);
      expect((await c.find({ 'refs.$id': a }).toArray()).map((d) => d.k)).to.deep.equal([1, 2]);
    });
  });

  describe('explain (queryPlanner)', function () {
    /** Every stage of an explain answer, wherever the server nests it (MongoDB 7's SBE adds levels). */
    function stagesOf(v: unknown, out: Array<Record<string, unknown>> = []): Array<Record<string, unknown>> {
      if (Array.isArray(v)) for (const x of v) stagesOf(x, out);
      else if (v && typeof v === 'object') {
        const o = v as Record<string, unknown>;
        if (typeof o.stage === 'string') out.push(o);
        for (const x of Object.values(o)) stagesOf(x, out);
      }
      return out;
    }

    it('names the index a find, a count and an aggregate would use, and a scan where there is none', async function () {
      const c = db.collection('explained');
      await c.createIndex({ k: 1 });
      await c.insertMany(Array.from({ length: 20 }, (_, i) => ({ k: i % 5, other: i })));
      const viaIndex = await c.find({ k: 3 }).explain('queryPlanner');
      expect(stagesOf(viaIndex.queryPlanner).some((s) => s.stage === 'IXSCAN' && s.indexName === 'k_1')).to.equal(true);
      const scan = await c.find({ other: 3 }).explain('queryPlanner');
      expect(stagesOf(scan.queryPlanner).map((s) => s.stage)).to.include('COLLSCAN');
      const sorted = await c.find({ other: { $gt: 1 } }).sort({ other: -1 }).explain('queryPlanner');
      expect(stagesOf(sorted.queryPlanner).map((s) => s.stage)).to.include('SORT');
      const agg = await c.aggregate([{ $match: { k: 2 } }]).explain('queryPlanner');
      expect(stagesOf(agg).some((s) => s.stage === 'IXSCAN' && s.indexName === 'k_1')).to.equal(true);
      const M = conn.model('Explained', new Schema({ k: Number, other: Number }), 'explained');
      const viaMongoose = await M.find({ k: 1 }).explain('queryPlanner');
      const plans = Array.isArray(viaMongoose) ? viaMongoose : [viaMongoose];
      expect(stagesOf(plans).some((s) => s.stage === 'IXSCAN' && s.indexName === 'k_1')).to.equal(true);
    });
  });
});
