// Two app instances on one database: each one's caches (the gallery's page cache, the article
// choices, the perceptual-hash index, the video frame index) learn of the other's writes within 2 s through the shared
// `generations` signal, not through their age limits: the apps here keep pages and article choices
// for a minute, and the hash index syncs every 5 s without a signal.
import { expect } from 'chai';
import mongoose from 'mongoose';
import sharp from 'sharp';
import { createGenerationsRepository } from '../../server/db/generations.repository';
import { createSharedGenerations } from '../../server/db/write-generation';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fixture, resetDatabase, startTestApp, type TestApp } from '../support/app';
import { frameAt, makeVideo } from '../support/make-video';

/** Asks until `check` holds; how long that took. */
async function within(ms: number, check: () => Promise<boolean>): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await check()) return Date.now() - started;
    if (Date.now() - started > ms) throw new Error(`not seen within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('caches of several instances on one database (the shared write signal)', () => {
  let a: TestApp;
  let b: TestApp;

  before(async () => {
    await resetDatabase();
    a = await startTestApp({ cacheMaxAgeMs: 60_000 });
    b = await startTestApp({ cacheMaxAgeMs: 60_000 });
  });
  after(async () => {
    await a.close();
    await b.close();
  });

  it("shows an upload and an edit made on one instance in the other's cached gallery within 2 s", async () => {
    await b.as('viewer').get('/').expect(200);
    expect((await b.as('viewer').get('/').expect(200)).headers['x-cache']).to.equal('hit');

    const uploaded = await a.as('editor').post('/api/images').field('caption', 'Harbour at dawn, first caption').attach('image', fixture('DSCN0010.jpg')).expect(201);
    const seenUpload = await within(2000, async () => (await b.as('viewer').get('/').expect(200)).text.includes('Harbour at dawn, first caption'));
    expect(seenUpload).to.be.below(2000);

    await a.as('editor').patch(`/api/images/${uploaded.body.id}`).send({ caption: 'Harbour at dusk, corrected', reason: 'as printed' }).expect(200);
    const seenEdit = await within(2000, async () => (await b.as('viewer').get('/').expect(200)).text.includes('Harbour at dusk, corrected'));
    expect(seenEdit).to.be.below(2000);
  });

  it("lists an article recorded on one instance in the other's gallery filter within 2 s", async () => {
    const before = (await b.as('viewer').get('/').expect(200)).text;
    expect(before).not.to.include('A story told on the other instance');
    await a.as('editor').post('/api/images').field('credit', 'Reuters').field('articleHeadline', 'A story told on the other instance').field('articleUrl', 'https://news.example/other').attach('image', fixture('Canon_40D.jpg')).expect(201);
    expect(await within(2000, async () => (await b.as('viewer').get('/').expect(200)).text.includes('A story told on the other instance'))).to.be.below(2000);
  });

  it("finds an image uploaded on one instance in the other's lookups within 2 s (its index would wait 5 s)", async () => {
    // A new picture (a fixture no earlier test here uploaded), so that nothing in b's index matches it yet.
    const picture = await sharp({ create: { width: 640, height: 480, channels: 3, background: { r: 10, g: 120, b: 200 } } })
      .composite([{ input: await sharp(fixture('earth_apollo17.jpg')).resize(320, 240).toBuffer(), left: 40, top: 60 }])
      .jpeg()
      .toBuffer();
    // A smaller, recompressed copy: found through the perceptual-hash index, not by its SHA-256.
    const copy = await sharp(picture).resize(480).jpeg({ quality: 70 }).toBuffer();
    // b's index has just synced, and would otherwise wait its 5 s before the next.
    await b.services.provenance.syncIndex();
    expect((await b.as('editor').post('/api/lookup').attach('image', copy, 'probe.jpg').expect(200)).body.matches).to.deep.equal([]);
    const stored = await a.as('editor').post('/api/images').field('credit', 'AP').attach('image', picture, 'picture.jpg').expect(201);
    const took = await within(2000, async () => {
      const response = await b.as('editor').post('/api/lookup').attach('image', copy, 'probe.jpg').expect(200);
      return (response.body.matches as Array<{ imageId: string }>).some((match) => match.imageId === stored.body.id);
    });
    expect(took).to.be.below(2000);
  });

  it("finds a frame of a video uploaded on one instance in the other's lookups within 2 s", async function () {
    this.timeout(60_000);
    const dir = await mkdtemp(path.join(os.tmpdir(), 'shared-frames-'));
    try {
      const video = path.join(dir, 'clip.mp4');
      await makeVideo(video, { seconds: 8, codec: 'h264', seed: 11 });
      const still = await sharp(await frameAt(video, 5.2)).resize(480).jpeg({ quality: 75 }).toBuffer();
      // b knows no video yet: its frame index was filled at its start.
      expect((await b.as('editor').post('/api/lookup').attach('image', still, 'still.jpg').expect(200)).body.videoFrames).to.deep.equal([]);
      const stored = await a.as('editor').post('/api/images').field('credit', 'Office of the President of Ukraine').attach('image', video, 'clip.mp4').expect(201);
      const took = await within(2000, async () => {
        const response = await b.as('editor').post('/api/lookup').attach('image', still, 'still.jpg').expect(200);
        return (response.body.videoFrames as Array<{ videoId: string; t: number }>).some((frame) => frame.videoId === stored.body.id && Math.abs(frame.t - 5.2) <= 0.5);
      });
      expect(took).to.be.below(2000);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reads the signal at most once per interval, and does not drop its caches again for its own writes', async () => {
    const repository = createGenerationsRepository('generations_unit');
    let reads = 0;
    const counting = { ...repository, read: (names: string[]) => ((reads += 1), repository.read(names)) };
    const one = createSharedGenerations(['images'] as const, counting, { pollMs: 200 });
    const other = createSharedGenerations(['images'] as const, repository, { pollMs: 200 });
    await Promise.all([one.start(), other.start()]);
    try {
      const before = one.generations.images.value();
      await one.generations.images.after(async () => undefined);
      await new Promise((resolve) => setTimeout(resolve, 500));
      // Its own write: one step, not a second one when the poll sees the shared count move.
      expect(one.generations.images.value()).to.equal(before + 1);
      expect(one.generations.images.remoteChanges()).to.equal(0);
      expect(other.generations.images.remoteChanges()).to.equal(1);
      expect(reads).to.be.within(2, 5);
    } finally {
      await Promise.all([one.stop(), other.stop()]);
      await mongoose.connection.db!.collection('generations_unit').drop();
    }
  });
});
