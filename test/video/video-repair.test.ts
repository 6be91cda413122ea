// A crash mid-ingest of a video leaves at worst files and documents without a record: the next start
// removes them, rebuilds a lost poster from the original, and fills the frame index from the database.
import { readdir, rm, writeFile, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import mongoose from 'mongoose';
import { ImageModel } from '../../server/images/image.model';
import { createServices } from '../../server/services';
import { createLogger } from '../../server/shared/logger';
import { resetDatabase, startTestApp, type TestApp } from '../support/app';
import { makeVideo } from '../support/make-video';

describe('start-up repair of videos', function () {
  this.timeout(120_000);
  let app: TestApp;
  let dir: string;

  before(async () => {
    await resetDatabase();
    dir = await mkdtemp(path.join(os.tmpdir(), 'archive-video-repair-'));
    app = await startTestApp();
  });
  after(async () => {
    await app.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('removes video documents and keyframes without a record, rebuilds a lost poster, and reloads the frame hashes', async () => {
    const file = path.join(dir, 'clip.mp4');
    await makeVideo(file, { seconds: 6, codec: 'h264', seed: 21, width: 320, height: 180 });
    const uploaded = await app.as('editor').post('/api/images').attach('image', file).expect(201);
    const record = await ImageModel.findById(uploaded.body.id).lean();
    const frames = path.join(app.uploadDir, 'video-frames');
    const keyframesBefore = (await readdir(frames)).sort();
    expect(keyframesBefore.length).to.be.at.least(3);

    // What a crash between the frame hashes and the record would leave: documents of a video never recorded.
    const ghost = new mongoose.Types.ObjectId();
    await mongoose.model('VideoFrame').create({ video: ghost, t: 0, phash: '0123456789abcdef' });
    await mongoose.model('Video').create({ image: ghost, facts: { durationSeconds: 1 }, keyframes: [] });
    await mongoose.model('VideoStill').create({ video: ghost, image: record!._id, t: 0, distance: 3 });
    await writeFile(path.join(frames, `${'d'.repeat(64)}.webp`), 'orphan keyframe');
    await writeFile(path.join(frames, '.interrupted.part'), 'half a keyframe');
    // And a poster derivative lost from disk.
    await rm(path.join(app.uploadDir, 'derivatives', record!.derivatives!.display!.file!));

    const restarted = await createServices(
      {
        uploadDir: app.uploadDir,
        // A restart after this instance's own crash: every leftover is its own.
        leftoverMarginSeconds: 0,
        limits: { maxUploadBytes: 50 << 20, maxFilesPerUpload: 20, maxPixels: 100_000_000, maxVideoBytes: 200 << 20, maxVideoSeconds: 3600 },
        accounts: { publicGallery: true, trustProxy: 'loopback', sessionIdleMinutes: 30, loginThrottle: { perAccount: 5, perAddress: 1000, windowSeconds: 60 }, anonymousRequestsPerMinute: 1000 },
      },
      createLogger('silent'),
    );
    await restarted.start();

    expect(await mongoose.model('VideoFrame').countDocuments({ video: ghost })).to.equal(0);
    expect(await mongoose.model('Video').countDocuments({ image: ghost })).to.equal(0);
    expect(await mongoose.model('VideoStill').countDocuments({ video: ghost })).to.equal(0);
    expect((await readdir(frames)).sort()).to.deep.equal(keyframesBefore);
    const repaired = await ImageModel.findById(uploaded.body.id).lean();
    expect(await readdir(path.join(app.uploadDir, 'derivatives'))).to.include(repaired!.derivatives!.display!.file);
    await app.as('editor').get(`/media/derivatives/${repaired!.derivatives!.display!.file}`).expect(200);
    // The real video's frame hashes are untouched and in the new process's index.
    expect(await mongoose.model('VideoFrame').countDocuments({ video: record!._id })).to.equal(uploaded.body.video.framesHashed);
    expect(restarted.video.frameIndexSize).to.equal(uploaded.body.video.framesHashed);
    // A video is not in the images' index: its frames stand for it.
    expect(restarted.provenance.indexSize).to.equal(0);
  });
});
