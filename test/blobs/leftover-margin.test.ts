// Several instances share one database and one store: the start-up repair of one must never take
// another's upload in progress. Leftovers are touched only once older than LEFTOVER_MARGIN_SECONDS
// (files by their last-modified time, documents by their owner's ObjectId time).
import { createHash } from 'node:crypto';
import { readFile, readdir, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'chai';
import mongoose from 'mongoose';
import type { BlobStore } from '../../server/blobs/blob-store';
import { ImageMetadataModel } from '../../server/images/image.model';
import { HistoryEntryModel } from '../../server/provenance/history.model';
import type { BlobsConfig } from '../../server/shared/config';
import { fixture, resetDatabase, startTestApp, type TestApp } from '../support/app';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const TWO_HOURS_AGO = new Date(Date.now() - 2 * 3600_000);

async function dropGridFs(): Promise<void> {
  for (const name of ['blobs.files', 'blobs.chunks']) await mongoose.connection.db!.collection(name).drop().catch(() => undefined);
}

/** Makes a blob look as if it had been written two hours ago. */
async function age(app: TestApp, store: BlobStore, key: string): Promise<void> {
  const local = store.localPath(key);
  if (local) await utimes(local, TWO_HOURS_AGO, TWO_HOURS_AGO);
  else await mongoose.connection.db!.collection('blobs.files').updateMany({ filename: key }, { $set: { uploadDate: TWO_HOURS_AGO } });
}

async function leftoverDocuments(owner: mongoose.Types.ObjectId): Promise<void> {
  await ImageMetadataModel.create({ image: owner, raw: {} });
  await HistoryEntryModel.create({ image: owner, seq: 0, type: 'created', actor: 'x', at: new Date(), changes: [], prevHash: null, hash: 'f'.repeat(64) });
  await mongoose.model('VideoFrame').create({ video: owner, t: 0, phash: '0123456789abcdef' });
}

async function documentsOf(owner: mongoose.Types.ObjectId): Promise<number> {
  return (
    (await ImageMetadataModel.countDocuments({ image: owner })) +
    (await HistoryEntryModel.countDocuments({ image: owner })) +
    (await mongoose.model('VideoFrame').countDocuments({ video: owner }))
  );
}

const stores: Array<{ name: string; blobs: BlobsConfig }> = [
  { name: 'local folder', blobs: { store: 'local' } },
  { name: 'GridFS', blobs: { store: 'gridfs' } },
];

describe('clean-ups leave young leftovers alone (LEFTOVER_MARGIN_SECONDS)', () => {
  for (const { name, blobs } of stores) {
    describe(name, () => {
      let app: TestApp;
      before(async () => {
        await resetDatabase();
        await dropGridFs();
        app = await startTestApp({ blobs, leftoverMarginSeconds: 3600 });
      });
      after(async () => {
        await app.close();
        await dropGridFs();
      });

      it('removes leftovers older than the margin and keeps what may be another instance at work', async () => {
        const store = app.services.blobs;
        const kept = await app.as('editor').post('/api/images').field('credit', 'Reuters').attach('image', fixture('DSCN0010.jpg')).expect(201);

        // What another instance's upload in progress has written so far: files, then metadata and history.
        const young = await readFile(fixture('Canon_40D.jpg'));
        await store.put(`originals/${sha256(young)}.jpg`, young, sha256(young));
        await store.put(`derivatives/${'a'.repeat(64)}.webp`, Buffer.from('young'), sha256(Buffer.from('young')));
        await writeFile(path.join(app.uploadDir, 'tmp', 'in-progress.part'), 'half an upload');
        const youngOwner = new mongoose.Types.ObjectId();
        await leftoverDocuments(youngOwner);

        // What a crash two hours ago left.
        const oldBytes = Buffer.from('old orphan');
        const oldKey = `derivatives/${sha256(oldBytes)}.webp`;
        await store.put(oldKey, oldBytes, sha256(oldBytes));
        await age(app, store, oldKey);
        const oldFrame = Buffer.from('old frame');
        const oldFrameKey = `video-frames/${sha256(oldFrame)}.webp`;
        await store.put(oldFrameKey, oldFrame, sha256(oldFrame));
        await age(app, store, oldFrameKey);
        const oldTemp = path.join(app.uploadDir, 'tmp', 'crashed.part');
        await writeFile(oldTemp, 'an upload stopped by a crash');
        await utimes(oldTemp, TWO_HOURS_AGO, TWO_HOURS_AGO);
        const oldOwner = mongoose.Types.ObjectId.createFromTime(Math.floor(TWO_HOURS_AGO.getTime() / 1000));
        await leftoverDocuments(oldOwner);

        const report = await app.services.repair();
        await app.services.start();

        expect(report.tempFilesRemoved).to.equal(1);
        expect(report.orphanFilesRemoved).to.equal(1);
        // The young original, the young derivative, the young temp file and the young metadata document.
        expect(report.youngLeftoversKept).to.equal(4);
        expect(await store.exists(oldKey)).to.equal(false);
        expect(await store.exists(oldFrameKey)).to.equal(false);
        expect(await readdir(path.join(app.uploadDir, 'tmp'))).to.deep.equal(['in-progress.part']);
        expect(await documentsOf(oldOwner)).to.equal(0);

        expect(await store.exists(`originals/${sha256(young)}.jpg`)).to.equal(true);
        expect(await store.exists(`derivatives/${'a'.repeat(64)}.webp`)).to.equal(true);
        expect(await documentsOf(youngOwner)).to.equal(3);
        // The real record and its files are untouched.
        const image = await app.as('viewer').get(`/api/images/${kept.body.id}`).expect(200);
        await app.as('viewer').get(image.body.original.url).expect(200);
        await app.as('viewer').get(image.body.derivatives.display.url).expect(200);
      });
    });
  }
});
