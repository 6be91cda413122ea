import { expect } from 'chai';
import mongoose, { Schema } from 'mongoose';
import { countWrites } from '../../server/db/write-generation';

const probeSchema = new Schema({ key: { type: String, unique: true }, n: Number });
const probeGeneration = countWrites(probeSchema);
const ProbeModel = mongoose.model('WriteGenerationProbe', probeSchema);

describe('write generation', () => {
  before(async () => {
    await ProbeModel.init();
  });
  beforeEach(async () => {
    await ProbeModel.deleteMany({});
  });

  async function changes(write: () => Promise<unknown>): Promise<boolean> {
    const before = probeGeneration();
    await write().catch(() => undefined);
    return probeGeneration() !== before;
  }

  it('changes after every kind of write through the model', async () => {
    expect(await changes(() => ProbeModel.create({ key: 'a', n: 1 }))).to.equal(true);
    expect(await changes(() => ProbeModel.insertMany([{ key: 'b' }, { key: 'c' }]))).to.equal(true);
    expect(await changes(() => ProbeModel.updateOne({ key: 'a' }, { $set: { n: 2 } }))).to.equal(true);
    expect(await changes(() => ProbeModel.updateMany({}, { $inc: { n: 1 } }))).to.equal(true);
    expect(await changes(() => ProbeModel.findOneAndUpdate({ key: 'b' }, { $set: { n: 5 } }))).to.equal(true);
    expect(await changes(() => ProbeModel.replaceOne({ key: 'c' }, { key: 'c', n: 9 }))).to.equal(true);
    expect(await changes(() => ProbeModel.bulkWrite([{ updateOne: { filter: { key: 'a' }, update: { $set: { n: 0 } } } }]))).to.equal(true);
    const doc = await ProbeModel.findOne({ key: 'a' }).orFail();
    doc.n = 7;
    expect(await changes(() => doc.save())).to.equal(true);
    expect(await changes(() => ProbeModel.findOneAndDelete({ key: 'b' }))).to.equal(true);
    expect(await changes(() => ProbeModel.deleteOne({ key: 'c' }))).to.equal(true);
    expect(await changes(() => ProbeModel.deleteMany({}))).to.equal(true);
  });

  it('changes when a write fails part-way, since some documents may have been written', async () => {
    await ProbeModel.create({ key: 'taken' });
    let failed = false;
    const changed = await changes(() =>
      ProbeModel.insertMany([{ key: 'new' }, { key: 'taken' }], { ordered: false }).catch((error: unknown) => {
        failed = true;
        throw error;
      }),
    );
    expect(failed).to.equal(true);
    expect(changed).to.equal(true);
    expect(await ProbeModel.countDocuments({ key: 'new' })).to.equal(1);
  });

  it('does not change on reads', async () => {
    await ProbeModel.create({ key: 'a' });
    expect(await changes(() => ProbeModel.find({}).lean())).to.equal(false);
    expect(await changes(() => ProbeModel.countDocuments({}))).to.equal(false);
  });
});
