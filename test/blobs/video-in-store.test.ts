// A video with its files in GridFS and S3 (s3rver): the original plays with Range requests, the
// contact sheet's frames and the poster come from the store, and nothing lands in UPLOAD_DIR.
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import mongoose from 'mongoose';
import type { BlobsConfig } from '../../server/shared/config';
import { filesUnder, resetDatabase, startTestApp, type TestApp } from '../support/app';
import { makeVideo } from '../support/make-video';
import { startS3Server, type TestS3Server } from '../support/s3-server';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('videos in a blob store other than the local folder', function () {
  this.timeout(120_000);
  let s3: TestS3Server;
  let work: string;
  let clip: string;

  before(async () => {
    s3 = await startS3Server('archive-video');
    work = await mkdtemp(path.join(os.tmpdir(), 'archive-video-store-'));
    clip = path.join(work, 'clip.mp4');
    await makeVideo(clip, { seconds: 4, codec: 'h264', seed: 5, width: 320, height: 180 });
  });
  after(async () => {
    await s3.close();
    await rm(work, { recursive: true, force: true });
    for (const name of ['blobs.files', 'blobs.chunks']) await mongoose.connection.db!.collection(name).drop().catch(() => undefined);
  });

  const cases: Array<{ name: string; blobs: () => BlobsConfig }> = [
    { name: 'GridFS', blobs: () => ({ store: 'gridfs' }) },
    { name: 'S3 (s3rver)', blobs: () => ({ store: 's3', s3: s3.config() }) },
  ];
  for (const { name, blobs } of cases) {
    it(`stores and plays a video from ${name}`, async () => {
      await resetDatabase();
      const app: TestApp = await startTestApp({ blobs: blobs() });
      try {
        const bytes = await readFile(clip);
        const uploaded = await app.as('editor').post('/api/images').attach('image', clip).expect(201);
        const video = (await app.as('viewer').get(`/api/videos/${uploaded.body.id}`).expect(200)).body;
        const part = await app.as('viewer').get(video.playUrl).set('Range', 'bytes=0-99').expect(206);
        expect(part.headers['content-type']).to.equal('video/mp4');
        expect(part.headers['content-range']).to.equal(`bytes 0-99/${bytes.length}`);
        const whole = await app.as('viewer').get(video.playUrl).buffer(true).parse((res, callback) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => callback(null, Buffer.concat(chunks)));
        }).expect(200);
        expect(sha256(whole.body as Buffer)).to.equal(sha256(bytes));
        expect(video.keyframes.length).to.be.at.least(2);
        for (const keyframe of video.keyframes as Array<{ url: string }>) {
          const tile = await app.as('editor').get(keyframe.url).expect(200);
          expect(tile.headers['content-type']).to.equal('image/webp');
        }
        const image = (await app.as('viewer').get(`/api/images/${uploaded.body.id}`).expect(200)).body;
        await app.as('viewer').get(image.derivatives.display.url).expect(200);
        expect(await filesUnder(app.uploadDir)).to.deep.equal([]);
      } finally {
        await app.close();
      }
    });
  }
});
