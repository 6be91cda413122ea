import { expect } from 'chai';
import { MongoClient, MongoServerError, type Db } from 'mongodb';
import { openTestDatabase, type TestDatabase } from '../support/embedded-db-helpers';

describe('embedded-db conformance: aggregation', function () {
  let tdb: TestDatabase;
  let client: MongoClient;
  let db: Db;

  before(async function () {
    tdb = await openTestDatabase('agg');
    client = await MongoClient.connect(tdb.uri);
    db = client.db(tdb.dbName);
    await db.collection('photos').insertMany([
      { title: 'a', credit: 'AP', size: 10, tags: ['news', 'war'], authorId: 1 },
      { title: 'b', credit: 'AP', size: 20, tags: ['sport'], authorId: 2 },
      { title: 'c', credit: 'Reuters', size: 30, tags: ['news'], authorId: 1 },
      { title: 'd', credit: 'AFP', size: 40, tags: [], authorId: 3 },
    ]);
    await db.collection('authors').insertMany([
      { _id: 1 as never, name: 'Ann' },
      { _id: 2 as never, name: 'Bob' },
    ]);
  });

  after(async function () {
    await db?.dropDatabase();
    await client?.close();
    await tdb?.close();
  });

  const photos = () => db.collection('photos');

  it('$match $sort $skip $limit $project', async function () {
    const out = await photos()
      .aggregate([{ $match: { size: { $gte: 20 } } }, { $sort: { size: -1 } }, { $skip: 1 }, { $limit: 2 }, { $project: { _id: 0, title: 1, kb: { $multiply: ['$size', 2] } } }])
      .toArray();
    expect(out).to.deep.equal([{ title: 'c', kb: 60 }, { title: 'b', kb: 40 }]);
  });

  it('$group with $sum, $avg and $count', async function () {
    const out = await photos().aggregate([{ $group: { _id: '$credit', n: { $sum: 1 }, total: { $sum: '$size' }, avg: { $avg: '$size' } } }, { $sort: { _id: 1 } }]).toArray();
    expect(out).to.deep.equal([
      { _id: 'AFP', n: 1, total: 40, avg: 40 },
      { _id: 'AP', n: 2, total: 30, avg: 15 },
      { _id: 'Reuters', n: 1, total: 30, avg: 30 },
    ]);
    const count = await photos().aggregate([{ $match: { credit: 'AP' } }, { $count: 'n' }]).toArray();
    expect(count).to.deep.equal([{ n: 2 }]);
  });

  it('$unwind and $addFields', async function () {
    const out = await photos()
      .aggregate([{ $unwind: '$tags' }, { $group: { _id: '$tags', c: { $sum: 1 } } }, { $addFields: { tag: '$_id' } }, { $sort: { c: -1, _id: 1 } }, { $project: { _id: 0 } }])
      .toArray();
    expect(out).to.deep.equal([{ c: 2, tag: 'news' }, { c: 1, tag: 'sport' }, { c: 1, tag: 'war' }]);
  });

  it('$lookup joins another collection of the same database', async function () {
    const out = await photos()
      .aggregate([{ $match: { title: { $in: ['a', 'd'] } } }, { $sort: { title: 1 } }, { $lookup: { from: 'authors', localField: 'authorId', foreignField: '_id', as: 'author' } }, { $project: { _id: 0, title: 1, 'author.name': 1 } }])
      .toArray();
    expect(out).to.deep.equal([{ title: 'a', author: [{ name: 'Ann' }] }, { title: 'd', author: [] }]);
  });

  it('$facet runs sub-pipelines over the same input', async function () {
    const [out] = await photos()
      .aggregate([{ $facet: { total: [{ $count: 'n' }], byCredit: [{ $group: { _id: '$credit', n: { $sum: 1 } } }, { $sort: { n: -1, _id: 1 } }, { $limit: 1 }], page: [{ $sort: { size: 1 } }, { $limit: 2 }, { $project: { _id: 0, title: 1 } }] } }])
      .toArray();
    expect(out).to.deep.equal({ total: [{ n: 4 }], byCredit: [{ _id: 'AP', n: 2 }], page: [{ title: 'a' }, { title: 'b' }] });
  });

  it('countDocuments with skip and limit goes through aggregate', async function () {
    expect(await photos().countDocuments({ credit: 'AP' })).to.equal(2);
    expect(await photos().countDocuments({}, { skip: 1, limit: 2 })).to.equal(2);
  });

  it('streams a large aggregate result through getMore', async function () {
    const c = db.collection('aggbig');
    await c.insertMany(Array.from({ length: 450 }, (_, i) => ({ i, g: i % 3 })));
    const all = await c.aggregate([{ $match: { g: { $in: [0, 1] } } }, { $addFields: { j: { $add: ['$i', 1] } } }], { batchSize: 50 }).toArray();
    expect(all.length).to.equal(300);
    expect(all.every((d) => d.j === d.i + 1)).to.equal(true);
  });

  it('answers an unknown stage with a MongoDB error and keeps the connection usable', async function () {
    try {
      await photos().aggregate([{ $notAStage: {} }]).toArray();
      expect.fail('accepted');
    } catch (err) {
      expect(err).to.be.instanceOf(MongoServerError);
      expect((err as MongoServerError).errmsg).to.match(/\$notAStage/);
    }
    expect(await photos().countDocuments({})).to.equal(4);
  });
});
