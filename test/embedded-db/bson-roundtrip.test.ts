/**
 * Property-style conformance: seeded random documents holding every BSON type the driver sends are
 * written and read back byte for byte (BSON.serialize of what comes back equals what was sent),
 * through insert, an update of another field, and a decoded (projected) read; and a field of mixed
 * types sorts through its index in MongoDB's type order. Runs against MongoDB too (MONGODB_URI).
 */
import { expect } from 'chai';
import {
  Binary, BSON, BSONRegExp, Code, DBRef, Decimal128, Double, Int32, Long, MaxKey, MinKey, MongoClient, ObjectId, Timestamp, type Db, type Document,
} from 'mongodb';
import { openTestDatabase, type TestDatabase } from '../support/embedded-db-helpers';

/** mulberry32: small, deterministic, well spread. */
function prng(seed: number): (n: number) => number {
  let s = seed;
  return (n) => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

// Subtypes 6 (encrypted), 7 (compressed column) and 9 (vector) are left out: MongoDB validates
// their contents. UUID (3, 4) and MD5 (5) values are 16 bytes, as MongoDB requires.
const SUBTYPES = [0, 1, 2, 3, 4, 5, 8, 0x80, 0xff];
const KEYS = ['a', 'b', 'ключ', '名前', 'emoji😀', 'with space', 'x_1', 'n'];

function scalar(rnd: (n: number) => number): unknown {
  const pick = <T>(xs: T[]): T => xs[rnd(xs.length)];
  switch (rnd(16)) {
    case 0: return new Int32(pick([0, 1, -1, 2 ** 31 - 1, -(2 ** 31), rnd(100000) - 50000]));
    case 1: return pick([Long.MAX_VALUE, Long.MIN_VALUE, Long.fromString('9007199254740993'), Long.fromNumber(37), Long.fromBigInt(BigInt(rnd(1 << 30)) * 1234567891n - 99n)]);
    case 2: return new Double(pick([-0, 0, NaN, Infinity, -Infinity, 1, 1.5, 0.1, 5e-324, -1.7976931348623157e308, rnd(1000) / 7]));
    case 3: return Decimal128.fromString(pick(['0', '-0', '1.10', '0.1', 'NaN', 'Infinity', '-Infinity', '1E+6144', '-1.234567890123456789012345678901234E-6143', String(rnd(99999)) + '.' + String(rnd(999))]));
    case 4: {
      const subtype = pick(SUBTYPES);
      const len = subtype === 3 || subtype === 4 || subtype === 5 ? 16 : rnd(20);
      return new Binary(Buffer.from(Array.from({ length: len }, () => rnd(256))), subtype);
    }
    case 5: return new ObjectId(Buffer.from(Array.from({ length: 12 }, () => rnd(256))));
    case 6: return new Date(pick([-2208988800000, -1, 0, 4102444800001, 7258118400000, Date.UTC(1901, 5, 6), rnd(2 ** 40)]));
    case 7: return new Timestamp({ t: rnd(2 ** 32), i: rnd(2 ** 32) });
    case 8: return new BSONRegExp(pick(['^a.*b$', 'x y', '\\d+', 'ünï']), pick(['', 'i', 'ims', 'mx', 'imsux']));
    case 9: return pick([new MinKey(), new MaxKey()]);
    case 10: return pick(['', 'plain', 'ünïcödé ✓', 'emoji 😀', 'nul\u0000inside']);
    case 11: return pick([true, false]);
    case 12: return null;
    case 13: return new Code(pick(['function () { return 1; }', 'x => x']));
    case 14: return new DBRef('people', new ObjectId(Buffer.from(Array.from({ length: 12 }, () => rnd(256)))), pick([undefined, 'otherdb']));
    default: return new Int32(rnd(10));
  }
}

function value(rnd: (n: number) => number, depth: number): unknown {
  const r = rnd(10);
  if (depth < 3 && r === 0) return Array.from({ length: rnd(4) }, () => value(rnd, depth + 1));
  if (depth < 3 && r === 1) return subdocument(rnd, depth + 1, true);
  return scalar(rnd);
}

function subdocument(rnd: (n: number) => number, depth: number, nested: boolean): Document {
  const doc: Document = {};
  const n = 1 + rnd(5);
  for (let i = 0; i < n; i++) {
    // Dots in field names are allowed below the top level (MongoDB 5.0+).
    const key = KEYS[rnd(KEYS.length)] + (nested && rnd(4) === 0 ? '.dotted' : '') + (rnd(3) === 0 ? String(i) : '');
    doc[key] = value(rnd, depth);
  }
  return doc;
}

const READ = { promoteValues: false, promoteBuffers: false, bsonRegExp: true } as const;

function bytes(doc: Document): string {
  return Buffer.from(BSON.serialize(doc)).toString('hex');
}

describe('embedded-db conformance: BSON types round-trip byte for byte', function () {
  let tdb: TestDatabase;
  let client: MongoClient;
  let db: Db;

  before(async function () {
    tdb = await openTestDatabase('bson_roundtrip');
    client = await MongoClient.connect(tdb.uri);
    db = client.db(tdb.dbName);
  });

  after(async function () {
    await db?.dropDatabase();
    await client?.close();
    await tdb?.close();
  });

  it('returns 300 random documents exactly as written, after an update and through a projection', async function () {
    const rnd = prng(15);
    const c = db.collection('docs');
    const docs = Array.from({ length: 300 }, (_, i) => ({ _id: new Int32(i), ...subdocument(rnd, 0, false) }));
    await c.insertMany(docs as Document[], { ignoreUndefined: true });
    const expected = docs.map((d) => bytes(BSON.deserialize(BSON.serialize(d, { ignoreUndefined: true }), READ)));
    const read = await c.find({}, READ).sort({ _id: 1 }).toArray();
    expect(read.map(bytes)).to.deep.equal(expected);
    // The update path decodes and re-encodes the document.
    await c.updateMany({}, { $set: { touched: true } });
    const updated = await c.find({}, READ).sort({ _id: 1 }).toArray();
    expect(updated.map((d) => {
      const { touched, ...rest } = d;
      expect(touched).to.equal(true);
      return bytes(rest);
    })).to.deep.equal(expected);
    await c.updateMany({}, { $unset: { touched: '' } });
    // An exclusion projection is computed on the decoded document.
    const projected = await c.find({}, { ...READ, projection: { notAField: 0 } }).sort({ _id: 1 }).toArray();
    expect(projected.map(bytes)).to.deep.equal(expected);
    // Every document is found again by equality on its own first field.
    for (const d of docs.slice(0, 40)) {
      const [key, v] = Object.entries(d)[1];
      const value: unknown = v;
      if (value instanceof BSONRegExp || Array.isArray(value) || (value instanceof Double && Number.isNaN(value.valueOf()))) continue;
      if (value instanceof Decimal128 && value.toString() === 'NaN') continue;
      const found = await c.find({ _id: d._id, [key]: v as never }, READ).toArray();
      expect(found.map(bytes), `${key}: ${String(v)}`).to.deep.equal([bytes(BSON.deserialize(BSON.serialize(d, { ignoreUndefined: true }), READ))]);
    }
  });

  it('sorts an indexed field of mixed types in MongoDB type order, both directions', async function () {
    const rnd = prng(99);
    const c = db.collection('mixed_sort');
    await c.createIndex({ v: 1 });
    const values: unknown[] = [];
    for (let i = 0; i < 400; i++) {
      const v = scalar(rnd);
      // DBRefs and Code sort as documents/code: left out of the reference order below.
      if (v instanceof DBRef || v instanceof Code) continue;
      values.push(v);
    }
    values.push({ sub: 1 }, new Int32(3), Long.fromNumber(3), new Double(3), Decimal128.fromString('3.000'));
    // Longs one apart beyond 2^53 (equal as doubles), inserted out of order.
    values.push(Long.fromString('9007199254740994'), Long.fromString('9007199254740992'), Long.fromString('9007199254740993'));
    await c.insertMany(values.map((v, i) => ({ i, v })));
    for (const dir of [1, -1] as const) {
      const out = await c.find({}, READ).sort({ v: dir }).hint({ v: 1 }).toArray();
      expect(out).to.have.length(values.length);
      // The same values came back (a Long beyond 2^53 stored as a double would tie, not sort).
      expect(out.map((d) => bytes({ v: d.v })).sort()).to.deep.equal(values.map((v) => bytes({ v })).sort());
      for (let k = 1; k < out.length; k++) {
        const cmp = referenceCompare(out[k - 1].v, out[k].v);
        expect(dir * cmp, `${describeValue(out[k - 1].v)} before ${describeValue(out[k].v)}`).to.be.at.most(0);
      }
    }
  });
});

/** MongoDB's BSON comparison order, written independently of the server (ties where unneeded). */
function rank(v: unknown): number {
  if (v instanceof MinKey) return 0;
  if (v === null || v === undefined) return 1;
  if (v instanceof Int32 || v instanceof Long || v instanceof Double || v instanceof Decimal128 || typeof v === 'number') return 2;
  if (typeof v === 'string') return 3;
  if (v instanceof Binary) return 6;
  if (v instanceof ObjectId) return 7;
  if (typeof v === 'boolean') return 8;
  if (v instanceof Date) return 9;
  if (v instanceof Timestamp) return 10;
  if (v instanceof BSONRegExp) return 11;
  if (v instanceof MaxKey) return 13;
  return 4; // object
}

function numberCompare(a: unknown, b: unknown): number {
  if (a instanceof Long && b instanceof Long) return a.compare(b);
  const x = Number(String(a instanceof Decimal128 || a instanceof Long ? a.toString() : (a as Int32 | Double).valueOf()));
  const y = Number(String(b instanceof Decimal128 || b instanceof Long ? b.toString() : (b as Int32 | Double).valueOf()));
  // NaN sorts below every other number.
  if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) && Number.isNaN(y) ? 0 : Number.isNaN(x) ? -1 : 1;
  return x < y ? -1 : x > y ? 1 : 0;
}

function referenceCompare(a: unknown, b: unknown): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  switch (ra) {
    case 2: return numberCompare(a, b);
    case 3: return Buffer.compare(Buffer.from(a as string), Buffer.from(b as string));
    case 6: {
      const x = a as Binary;
      const y = b as Binary;
      return x.length() - y.length() || x.sub_type - y.sub_type || Buffer.compare(binBytes(x), binBytes(y));
    }
    case 7: return Buffer.compare(Buffer.from((a as ObjectId).id), Buffer.from((b as ObjectId).id));
    case 8: return Number(a) - Number(b);
    case 9: return (a as Date).getTime() - (b as Date).getTime();
    case 10: return (a as Timestamp).compare(b as Timestamp);
    default: return 0;
  }
}

function describeValue(v: unknown): string {
  if (v instanceof Binary) return `Binary(${v.sub_type}, ${binBytes(v).toString('hex')})`;
  return `${(v as object)?.constructor?.name ?? typeof v}(${String(v)})`;
}

function binBytes(b: Binary): Buffer {
  return Buffer.from(b.buffer.subarray(0, b.position));
}
