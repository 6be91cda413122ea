import { expect } from 'chai';
import mongoose, { Schema, type Connection, type Model, type Types } from 'mongoose';
import { openTestDatabase, type TestDatabase } from '../support/embedded-db-helpers';

interface Credit { name: string }
interface Photo {
  sha256: string;
  caption: string;
  credit?: Types.ObjectId;
  createdAt?: Date;
  updatedAt?: Date;
  embedded?: { gps?: { lat?: number; lon?: number } };
  keywords: string[];
  history: Array<{ action: string; at: Date }>;
  desk?: string;
  slug?: string;
}

interface MongoLikeError { code?: number; keyPattern?: Record<string, number>; keyValue?: Record<string, unknown> }

async function expectDuplicate(p: Promise<unknown>): Promise<MongoLikeError> {
  try {
    await p;
  } catch (err) {
    const e = err as MongoLikeError;
    expect(e.code).to.equal(11000);
    return e;
  }
  expect.fail('duplicate was accepted');
}

describe('embedded-db conformance: mongoose', function () {
  let tdb: TestDatabase;
  let conn: Connection;
  let PhotoModel: Model<Photo>;
  let CreditModel: Model<Credit>;

  before(async function () {
    tdb = await openTestDatabase('mongoose');
    conn = await mongoose.createConnection(tdb.uri, { dbName: tdb.dbName }).asPromise();
    CreditModel = conn.model<Credit>('Credit', new Schema<Credit>({ name: { type: String, required: true } }));
    const photoSchema = new Schema<Photo>(
      {
        sha256: { type: String, required: true, unique: true },
        caption: { type: String, default: '' },
        credit: { type: Schema.Types.ObjectId, ref: 'Credit' },
        embedded: { gps: { lat: Number, lon: Number } },
        keywords: [String],
        history: [{ action: String, at: Date }],
        desk: String,
        slug: String,
      },
      { timestamps: true },
    );
    photoSchema.index({ createdAt: -1 });
    photoSchema.index({ desk: 1, slug: 1 }, { unique: true, partialFilterExpression: { desk: { $exists: true } } });
    PhotoModel = conn.model<Photo>('Photo', photoSchema);
    await PhotoModel.init();
  });

  after(async function () {
    await conn?.dropDatabase();
    await conn?.close();
    await tdb?.close();
  });

  it('creates the schema indexes (listIndexes shows them)', async function () {
    const indexes = await PhotoModel.listIndexes();
    const byName = Object.fromEntries(indexes.map((i) => [i.name as string, i]));
    expect(byName.sha256_1.unique).to.equal(true);
    expect(byName['createdAt_-1'].key).to.deep.equal({ createdAt: -1 });
    expect(byName.desk_1_slug_1.key).to.deep.equal({ desk: 1, slug: 1 });
    expect(byName.desk_1_slug_1.unique).to.equal(true);
  });

  it('Model.create sets timestamps and defaults; doc.save sends $set of changed paths', async function () {
    const doc = await PhotoModel.create({ sha256: 'a'.repeat(64), keywords: ['x'] });
    expect(doc.createdAt).to.be.instanceOf(Date);
    expect(doc.caption).to.equal('');
    const firstUpdated = doc.updatedAt!.getTime();
    await new Promise((r) => setTimeout(r, 5));
    doc.caption = 'Flood in the valley';
    doc.keywords.push('flood');
    await doc.save();
    const fresh = await PhotoModel.findById(doc._id).lean();
    expect(fresh?.caption).to.equal('Flood in the valley');
    expect(fresh?.keywords).to.deep.equal(['x', 'flood']);
    expect(fresh!.updatedAt!.getTime()).to.be.greaterThan(firstUpdated);
    expect(fresh!.createdAt!.getTime()).to.equal(doc.createdAt!.getTime());
  });

  it('reports unique violations as duplicate-key errors with keyPattern/keyValue', async function () {
    await PhotoModel.create({ sha256: 'b'.repeat(64) });
    const e = await expectDuplicate(PhotoModel.create({ sha256: 'b'.repeat(64) }));
    expect(e.keyPattern).to.deep.equal({ sha256: 1 });
    expect(e.keyValue).to.deep.equal({ sha256: 'b'.repeat(64) });
    await PhotoModel.create({ sha256: 'c'.repeat(64), desk: 'news', slug: 'fire' });
    await PhotoModel.create({ sha256: 'd'.repeat(64), desk: 'sport', slug: 'fire' });
    const c = await expectDuplicate(PhotoModel.create({ sha256: 'e'.repeat(64), desk: 'news', slug: 'fire' }));
    expect(c.keyPattern).to.deep.equal({ desk: 1, slug: 1 });
    expect(c.keyValue).to.deep.equal({ desk: 'news', slug: 'fire' });
    const bulk = await expectDuplicate(PhotoModel.insertMany([{ sha256: 'f'.repeat(64) }, { sha256: 'b'.repeat(64) }]));
    expect(bulk.code).to.equal(11000);
    expect(await PhotoModel.exists({ sha256: 'f'.repeat(64) })).to.not.equal(null);
  });

  it('finds with sort, skip, limit, lean and common operators', async function () {
    await PhotoModel.deleteMany({});
    const base = Date.UTC(2024, 0, 1);
    const docs = Array.from({ length: 30 }, (_, i) => ({
      sha256: i.toString(16).padStart(64, '0'),
      caption: i % 3 === 0 ? `Harbour scene ${i}` : `Street ${i}`,
      createdAt: new Date(base + i * 3600_000),
      embedded: i % 2 === 0 ? { gps: { lat: 40 + i / 10, lon: 10 } } : undefined,
      keywords: i % 5 === 0 ? ['harbour', 'boat'] : ['street'],
      history: [{ action: i % 4 === 0 ? 'approved' : 'ingested', at: new Date(base) }],
    }));
    await PhotoModel.insertMany(docs, { timestamps: false } as never);
    const page = await PhotoModel.find({}).sort({ createdAt: -1, _id: -1 }).skip(5).limit(10).lean();
    expect(page.map((d) => d.caption)).to.deep.equal(Array.from({ length: 10 }, (_, k) => docs[24 - k].caption));
    expect(await PhotoModel.countDocuments({ caption: { $regex: 'harbour', $options: 'i' } })).to.equal(10);
    expect(await PhotoModel.countDocuments({ $or: [{ keywords: 'boat' }, { 'embedded.gps.lat': { $gte: 42 } }] })).to.equal(
      docs.filter((d) => d.keywords.includes('boat') || (d.embedded && d.embedded.gps.lat >= 42)).length,
    );
    expect(await PhotoModel.countDocuments({ keywords: { $in: ['boat', 'nothing'] } })).to.equal(6);
    expect(await PhotoModel.countDocuments({ embedded: { $exists: true } })).to.equal(15);
    expect(await PhotoModel.countDocuments({ caption: { $ne: 'Street 1' } })).to.equal(29);
    const from = new Date(base + 10 * 3600_000);
    const to = new Date(base + 19 * 3600_000);
    expect(await PhotoModel.countDocuments({ createdAt: { $gte: from, $lte: to } })).to.equal(10);
    expect(await PhotoModel.countDocuments({ history: { $elemMatch: { action: 'approved', at: { $lte: new Date(base) } } } })).to.equal(8);
    const found = await PhotoModel.find({ 'embedded.gps.lat': { $gt: 41 } }).select('caption -_id').lean();
    expect(found.every((d) => Object.keys(d).join() === 'caption')).to.equal(true);
    expect(found.length).to.equal(docs.filter((d) => d.embedded && d.embedded.gps.lat > 41).length);
    expect(await PhotoModel.estimatedDocumentCount()).to.equal(30);
    expect(await PhotoModel.exists({ sha256: 'nope' })).to.equal(null);
  });

  it('updateOne with $push, findOneAndUpdate with new+upsert, deleteMany', async function () {
    const sha = '9'.repeat(64);
    const created = await PhotoModel.findOneAndUpdate({ sha256: sha }, { $set: { caption: 'upserted' } }, { returnDocument: 'after', upsert: true }).lean();
    expect(created?.caption).to.equal('upserted');
    expect(created?.createdAt).to.be.instanceOf(Date);
    const res = await PhotoModel.updateOne({ sha256: sha }, { $push: { history: { action: 'edited', at: new Date() } } });
    expect(res.modifiedCount).to.equal(1);
    const again = await PhotoModel.findOneAndUpdate({ sha256: sha }, { $set: { caption: 'second' } }, { new: true, upsert: true }).lean();
    expect(String(again?._id)).to.equal(String(created?._id));
    expect(again?.history.map((h) => h.action)).to.deep.equal(['edited']);
    const del = await PhotoModel.deleteMany({ caption: { $in: ['second'] } });
    expect(del.deletedCount).to.equal(1);
  });

  it('bulkWrite, aggregate with $facet and $group', async function () {
    const res = await PhotoModel.bulkWrite([
      { insertOne: { document: { sha256: 'aa'.repeat(32), caption: 'bulk', desk: 'photo', slug: 's1' } } },
      { updateOne: { filter: { sha256: 'aa'.repeat(32) }, update: { $set: { caption: 'bulk2' } } } },
      { deleteOne: { filter: { sha256: '0'.repeat(64) } } },
    ]);
    expect(res.insertedCount).to.equal(1);
    expect(res.modifiedCount).to.equal(1);
    expect(res.deletedCount).to.equal(1);
    const [facet] = await PhotoModel.aggregate<{ total: Array<{ n: number }>; byKeyword: Array<{ _id: string; n: number }> }>([
      { $match: { keywords: { $exists: true } } },
      { $facet: { total: [{ $count: 'n' }], byKeyword: [{ $unwind: '$keywords' }, { $group: { _id: '$keywords', n: { $sum: 1 } } }, { $sort: { n: -1, _id: 1 } }] } },
    ]);
    const expectedTotal = await PhotoModel.countDocuments({ keywords: { $exists: true } });
    expect(facet.total[0].n).to.equal(expectedTotal);
    expect(facet.byKeyword[0]).to.deep.equal({ _id: 'street', n: 24 });
    expect(facet.byKeyword.map((k) => k._id)).to.deep.equal(['street', 'boat', 'harbour']);
    expect(facet.byKeyword[1].n).to.equal(5);
  });

  it('populate resolves references', async function () {
    const credit = await CreditModel.create({ name: 'Agency Photo' });
    await PhotoModel.create({ sha256: 'cc'.repeat(32), credit: credit._id });
    const doc = await PhotoModel.findOne({ sha256: 'cc'.repeat(32) }).populate<{ credit: Credit }>('credit').lean();
    expect(doc?.credit.name).to.equal('Agency Photo');
  });

  it('syncIndexes adds and removes indexes to match the schema', async function () {
    const schema = new Schema({ a: String, b: Number });
    schema.index({ a: 1, b: -1 }, { unique: true, name: 'a_b_unique' });
    const M = conn.model('SyncThing', schema);
    await M.init();
    await M.collection.createIndex({ b: 1 }, { name: 'stray' });
    const dropped = await M.syncIndexes();
    expect(dropped).to.deep.equal(['stray']);
    const names = (await M.listIndexes()).map((i) => i.name).sort();
    expect(names).to.deep.equal(['_id_', 'a_b_unique']);
    await M.create({ a: 'x', b: 1 });
    await M.create({ a: 'x', b: 2 });
    await expectDuplicate(M.create({ a: 'x', b: 1 }));
  });
});
