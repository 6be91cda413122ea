// What a crash mid-ingest can leave behind is repaired at the next start: temporary uploads,
// files without a record, metadata or history without a record, and missing derivatives.
import { readdir, rm, writeFile, copyFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'chai';
import mongoose from 'mongoose';
import { ImageMetadataModel, ImageModel } from '../../server/images/image.model';
import { HistoryEntryModel } from '../../server/provenance/history.model';
import { fixture, resetDatabase, startTestApp, type TestApp } from '../support/app';

describe('start-up repair', () => {
  let app: TestApp;

  before(async () => {
    await resetDatabase();
    app = await startTestApp();
  });
  after(async () => {
    await app.close();
  });

  it('removes leftovers of interrupted ingests and rebuilds missing derivatives', async () => {
    const uploaded = await app.as('verifier').post('/api/images').field('credit', 'Reuters').attach('image', fixture('DSCN0010.jpg')).expect(201);
    const record = await ImageModel.findById(uploaded.body.id).lean();
    const derivatives = path.join(app.uploadDir, 'derivatives');
    const originals = path.join(app.uploadDir, 'originals');

    // Leftovers as a crash at different moments of an ingest would leave them.
    await writeFile(path.join(app.uploadDir, 'tmp', 'interrupted.part'), 'half an upload');
    await copyFile(fixture('Canon_40D.jpg'), path.join(originals, `${'b'.repeat(64)}.jpg`));
    await writeFile(path.join(derivatives, `${'c'.repeat(64)}.webp`), 'orphan derivative');
    const ghost = new mongoose.Types.ObjectId();
    await ImageMetadataModel.create({ image: ghost, raw: {} });
    await HistoryEntryModel.create({ image: ghost, seq: 0, type: 'created', actor: 'x', at: new Date(), changes: [], prevHash: null, hash: 'f'.repeat(64) });
    // And a derivative lost from disk.
    await rm(path.join(derivatives, record!.derivatives!.display!.file!));

    const report = await app.services.repair();

    expect(report.tempFilesRemoved).to.equal(1);
    expect(report.orphanFilesRemoved).to.equal(2);
    expect(report.derivativesRebuilt).to.equal(1);
    expect(report.orphanDocumentsRemoved).to.equal(2);
    expect(await readdir(path.join(app.uploadDir, 'tmp'))).to.deep.equal([]);
    expect(await readdir(originals)).to.deep.equal([record!.originalFile]);
    const repaired = await ImageModel.findById(uploaded.body.id).lean();
    expect((await readdir(derivatives)).sort()).to.deep.equal([repaired!.derivatives!.thumbnail!.file, repaired!.derivatives!.display!.file].sort());
    expect(await ImageMetadataModel.countDocuments({ image: ghost })).to.equal(0);
    expect(await HistoryEntryModel.countDocuments({ image: ghost })).to.equal(0);
    // The real record and its history are untouched.
    expect(await HistoryEntryModel.countDocuments({ image: uploaded.body.id })).to.equal(1);
    await app.as('verifier').get(`/media/derivatives/${repaired!.derivatives!.display!.file}`).expect(200);
  });

  it('computes the report of a record written just before a crash, and reports a record whose original is gone', async () => {
    await resetDatabase();
    const kept = await app.as('verifier').post('/api/images').field('credit', 'Reuters').attach('image', fixture('Canon_40D.jpg')).expect(201);
    const lost = await app.as('verifier').post('/api/images').field('credit', 'AP').attach('image', fixture('DSCN0010.jpg')).expect(201);
    await ImageModel.updateOne({ _id: kept.body.id }, { $unset: { 'provenance.computedAt': 1, 'provenance.badge': 1 } });
    const lostRecord = await ImageModel.findById(lost.body.id).lean();
    await rm(path.join(app.uploadDir, 'originals', lostRecord!.originalFile));

    const report = await app.services.repair();

    expect(report.reportsRefreshed).to.equal(1);
    const refreshed = await ImageModel.findById(kept.body.id).lean();
    expect(refreshed!.provenance?.computedAt).to.be.instanceOf(Date);
    expect(refreshed!.provenance?.badge).to.be.a('string');
    expect(report.recordsMissingOriginal).to.deep.equal([lost.body.id]);
    // Reported, not deleted: its captions and history are curated work.
    expect(await ImageModel.countDocuments({ _id: lost.body.id })).to.equal(1);
  });

  it('reports a record whose derivatives cannot be made again, and still starts', async () => {
    await resetDatabase();
    const uploaded = await app.as('verifier').post('/api/images').attach('image', fixture('DSCN0010.jpg')).expect(201);
    const record = await ImageModel.findById(uploaded.body.id).lean();
    // The original damaged on disk and its derivatives lost.
    await writeFile(path.join(app.uploadDir, 'originals', record!.originalFile), 'no longer a JPEG');
    await rm(path.join(app.uploadDir, 'derivatives', record!.derivatives!.display!.file!));

    const report = await app.services.repair();

    expect(report.derivativesFailed).to.deep.equal([uploaded.body.id]);
    expect(report.derivativesRebuilt).to.equal(0);
    expect(await ImageModel.countDocuments({ _id: uploaded.body.id })).to.equal(1);
  });
});
