// Videos through real HTTP, made in the test by the archive's FFmpeg: ingested with the right facts,
// a still traced to its frame (resized and recompressed, timecode within ±0.5 s), a still from
// another video not matched, held stills listed for a video, and the refusals leaving nothing behind.
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import mongoose from 'mongoose';
import sharp from 'sharp';
import request from 'supertest';
import { ImageModel } from '../../server/images/image.model';
import { emptyUploads, filesUnder, resetDatabase, startTestApp, type TestApp } from '../support/app';
import { frameAt, makeVideo } from '../support/make-video';

/** A still as a newsroom would have it: a frame, resized to 60 % and saved as a JPEG at quality 70. */
async function stillOf(video: string, seconds: number, out: string): Promise<string> {
  const png = await frameAt(video, seconds);
  const { width } = await sharp(png).metadata();
  await writeFile(out, await sharp(png).resize(Math.round(width! * 0.6)).jpeg({ quality: 70 }).toBuffer());
  return out;
}

describe('videos (POST /api/images with a video, lookups, stills traced to their frame)', function () {
  this.timeout(180_000);
  let app: TestApp;
  let dir: string;
  let h264: string;
  let vp9: string;
  let unheld: string;

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'archive-video-test-'));
    h264 = path.join(dir, 'a.mp4');
    vp9 = path.join(dir, 'b.webm');
    unheld = path.join(dir, 'c.mp4');
    await Promise.all([
      makeVideo(h264, { seconds: 15, codec: 'h264', seed: 1 }),
      makeVideo(vp9, { seconds: 12, codec: 'vp9', seed: 2 }),
      makeVideo(unheld, { seconds: 10, codec: 'h264', seed: 3 }),
    ]);
    app = await startTestApp({ maxVideoSeconds: 60 });
  });
  after(async () => {
    await app.close();
    await rm(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    await resetDatabase();
    await emptyUploads(app);
  });

  async function expectNothingStored(): Promise<void> {
    expect(await filesUnder(app.uploadDir)).to.deep.equal([]);
    expect(await ImageModel.countDocuments()).to.equal(0);
    for (const name of ['Video', 'VideoFrame', 'VideoStill', 'ImageMetadata', 'HistoryEntry']) {
      expect(await mongoose.model(name).countDocuments(), name).to.equal(0);
    }
  }

  it('ingests an H.264 MP4 with its duration, resolution, frame rate, poster and contact sheet', async () => {
    const response = await app.as('editor').post('/api/images').field('credit', 'Office of the President of Ukraine').attach('image', h264, 'clip.mp4').expect(201);
    expect(response.body.file).to.include({ format: 'mp4', mimeType: 'video/mp4', width: 640, height: 360 });
    const video = response.body.video;
    expect(video.facts.durationSeconds).to.be.closeTo(15, 0.1);
    expect(video.facts).to.include({ width: 640, height: 360, frameRate: 25, videoCodec: 'h264', rotation: 0 });
    // A hash at least every 0.5 s; keyframes at the two cuts and at least every 2 s.
    expect(video.framesHashed).to.be.within(30, 34);
    const times = video.keyframes.map((keyframe: { t: number }) => keyframe.t);
    expect(times[0]).to.equal(0);
    for (const cut of [5, 10]) expect(times.some((t: number) => Math.abs(t - cut) < 0.1), `keyframe at the cut at ${cut} s`).to.equal(true);
    for (let i = 1; i < times.length; i++) expect(times[i] - times[i - 1]).to.be.at.most(2.01);
    // The poster is the record's picture: WebP derivatives without metadata, served like an image's.
    const poster = await app.as('editor').get(response.body.derivatives.display.url).expect(200);
    expect(poster.headers['content-type']).to.equal('image/webp');
    const posterMeta = await sharp(poster.body as Buffer).metadata();
    expect(posterMeta.exif).to.equal(undefined);
    const tile = await app.as('editor').get(video.keyframes[1].url).expect(200);
    expect(tile.headers['content-type']).to.equal('image/webp');
    expect((await sharp(tile.body as Buffer).metadata()).width).to.equal(320);
    // The original is kept byte for byte, content-addressed.
    const stored = await readFile(path.join(app.uploadDir, 'originals', `${response.body.sha256}.mp4`));
    expect(stored.equals(await readFile(h264))).to.equal(true);
    expect(response.body.embedded.software).to.match(/^Lavf/);
    expect(response.body.embedded.sources.software).to.equal('QuickTime:encoder');
  });

  it('plays the video page for signed-in roles only; an anonymous visitor sees the poster and a sign-in link', async () => {
    const video = await app.as('editor').post('/api/images').attach('image', h264, 'clip.mp4').expect(201);
    const original = video.body.original.url as string;
    const anonymous = await request(app.url).get(`/images/${video.body.id}`).expect(200);
    expect(anonymous.text).to.not.include(original);
    expect(anonymous.text).to.not.match(/<video/);
    expect(anonymous.text).to.match(/sign in<\/a> to play it/);
    // The original itself is refused to them, as the player would have been.
    expect((await request(app.url).get(original)).status).to.be.oneOf([303, 401]);
    // Nor does the video's JSON give them the original's address.
    const json = await request(app.url).get(`/api/videos/${video.body.id}`).expect(200);
    expect(json.body.playUrl).to.equal(undefined);
    expect(JSON.stringify(json.body)).to.not.include(original);
    expect((await app.as('viewer').get(`/api/videos/${video.body.id}`).expect(200)).body.playUrl).to.equal(original);
    const viewer = await app.as('viewer').get(`/images/${video.body.id}`).expect(200);
    expect(viewer.text).to.match(/<video id="player"/);
    expect(viewer.text).to.include(`src="${original}`);
  });

  it('ingests a VP9 WebM with its duration, resolution and frame rate', async () => {
    const response = await app.as('editor').post('/api/images').attach('image', vp9, 'clip.webm').expect(201);
    expect(response.body.file).to.include({ format: 'webm', mimeType: 'video/webm' });
    expect(response.body.video.facts.durationSeconds).to.be.closeTo(12, 0.1);
    expect(response.body.video.facts).to.include({ width: 640, height: 360, frameRate: 25, videoCodec: 'vp9' });
  });

  it('traces a resized, recompressed still to its video with the timecode (±0.5 s), through upload and lookup', async () => {
    const video = await app.as('editor').post('/api/images').field('credit', 'Office of the President of Ukraine').attach('image', h264, 'clip.mp4').expect(201);
    const stillPath = await stillOf(h264, 7.3, path.join(dir, 'still.jpg'));
    const still = await app.as('editor').post('/api/images').field('credit', 'Telegram/Volodymyr Zelensky').attach('image', stillPath).expect(201);

    const sources = await app.as('editor').get(`/api/images/${still.body.id}/video-sources`).expect(200);
    expect(sources.body.sources).to.have.length(1);
    expect(sources.body.sources[0].videoId).to.equal(video.body.id);
    expect(sources.body.sources[0].t).to.be.closeTo(7.3, 0.5);
    expect(sources.body.sources[0].credit).to.equal('Office of the President of Ukraine');

    // The still and its video are one picture group, under their two credits.
    const group = await app.as('editor').get(`/api/images/${still.body.id}/group`).expect(200);
    const video_ = group.body.members.find((member: { imageId: string }) => member.imageId === video.body.id);
    expect(video_, 'the video in the still\'s picture group').to.include({ relation: 'video it is a frame of', credit: 'Office of the President of Ukraine' });
    expect(group.body.differentCredits).to.have.length(2);

    const finding = still.body.provenance.findings.find((f: { code: string }) => f.code === 'origin.frame_of_video');
    expect(finding, 'origin finding on the still').to.not.equal(undefined);
    expect(finding.message).to.match(/frame at 00:0[6-7]\.\d of a video the archive holds credited "Office of the President of Ukraine"/);
    expect(finding.severity).to.equal('notice');
    expect(finding.evidence[0].imageId).to.equal(video.body.id);

    const lookup = await app.as('editor').post('/api/lookup').attach('image', stillPath).expect(200);
    expect(lookup.body.videoFrames).to.have.length(1);
    expect(lookup.body.videoFrames[0].videoId).to.equal(video.body.id);
    expect(lookup.body.videoFrames[0].t).to.be.closeTo(7.3, 0.5);
    expect(lookup.body.videoFrames[0].url).to.match(new RegExp(`^/images/${video.body.id}\\?t=`));

    // The video now lists the still, with its timecode and credit.
    const details = await app.as('editor').get(`/api/videos/${video.body.id}`).expect(200);
    expect(details.body.stills).to.have.length(1);
    expect(details.body.stills[0]).to.include({ imageId: still.body.id, credit: 'Telegram/Volodymyr Zelensky' });
    expect(details.body.stills[0].t).to.be.closeTo(7.3, 0.5);
  });

  it('lists the stills already held when their video is uploaded later, and when the video is looked up', async () => {
    const stillPath = await stillOf(vp9, 3.1, path.join(dir, 'still-b.jpg'));
    const still = await app.as('editor').post('/api/images').field('credit', 'Reuters').attach('image', stillPath).expect(201);
    expect(still.body.provenance.findings.map((f: { code: string }) => f.code)).to.not.include('origin.frame_of_video');

    const lookup = await app.as('editor').post('/api/lookup').attach('image', vp9, 'clip.webm').expect(200);
    expect(lookup.body.kind).to.equal('video');
    expect(lookup.body.heldVideo).to.equal(null);
    expect(lookup.body.stills).to.have.length(1);
    expect(lookup.body.stills[0]).to.include({ imageId: still.body.id, credit: 'Reuters' });
    expect(lookup.body.stills[0].t).to.be.closeTo(3.1, 0.5);
    expect(await ImageModel.countDocuments()).to.equal(1);

    const video = await app.as('editor').post('/api/images').attach('image', vp9, 'clip.webm').expect(201);
    expect(video.body.video.stills).to.have.length(1);
    expect(video.body.video.stills[0]).to.include({ imageId: still.body.id, credit: 'Reuters' });
    expect(video.body.video.stills[0].t).to.be.closeTo(3.1, 0.5);
    // The still's report was brought up to date: it now names its source video.
    const report = await app.as('editor').get(`/api/images/${still.body.id}/provenance`).expect(200);
    expect(report.body.findings.map((f: { code: string }) => f.code)).to.include('origin.frame_of_video');
    // And the video joined the still's picture group.
    const group = await app.as('editor').get(`/api/images/${video.body.id}/group`).expect(200);
    expect(group.body.members.find((member: { imageId: string }) => member.imageId === still.body.id)).to.include({ relation: 'still from the video' });
  });

  it('does not match a still from a video the archive does not hold', async () => {
    await app.as('editor').post('/api/images').attach('image', h264, 'a.mp4').expect(201);
    await app.as('editor').post('/api/images').attach('image', vp9, 'b.webm').expect(201);
    const stillPath = await stillOf(unheld, 4.2, path.join(dir, 'still-c.jpg'));
    const lookup = await app.as('editor').post('/api/lookup').attach('image', stillPath).expect(200);
    expect(lookup.body.videoFrames).to.deep.equal([]);
    const still = await app.as('editor').post('/api/images').attach('image', stillPath).expect(201);
    const sources = await app.as('editor').get(`/api/images/${still.body.id}/video-sources`).expect(200);
    expect(sources.body.sources).to.deep.equal([]);
  });

  it('refuses a truncated MP4 (its index cut off) with 422 and leaves nothing', async () => {
    const bytes = await readFile(h264);
    const truncated = path.join(dir, 'truncated.mp4');
    await writeFile(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const response = await app.as('editor').post('/api/images').attach('image', truncated).expect(422);
    expect(response.body.error.code).to.equal('undecodable_video');
    expect(response.body.error.message).to.match(/truncated or damaged/);
    expect(response.body.error.message).to.not.include(app.uploadDir);
    await expectNothingStored();
  });

  it('refuses a truncated MP4 whose index is intact (pictures missing past the cut) with 422 and leaves nothing', async () => {
    const faststart = path.join(dir, 'faststart.mp4');
    await makeVideo(faststart, { seconds: 12, codec: 'h264', seed: 4, extraArgs: ['-movflags', '+faststart'] });
    const bytes = await readFile(faststart);
    const truncated = path.join(dir, 'faststart-cut.mp4');
    await writeFile(truncated, bytes.subarray(0, Math.floor(bytes.length * 0.5)));
    const response = await app.as('editor').post('/api/images').attach('image', truncated).expect(422);
    expect(response.body.error.code).to.equal('truncated_video');
    await expectNothingStored();
  });

  it('refuses garbage behind an MP4 signature with 422 and leaves nothing', async () => {
    const garbage = path.join(dir, 'garbage.mp4');
    const header = Buffer.from('00000018667479706d703432000000006d703432', 'hex');
    await writeFile(garbage, Buffer.concat([header, randomBytes(200_000)]));
    const response = await app.as('editor').post('/api/images').attach('image', garbage).expect(422);
    expect(response.body.error.message).to.match(/could not be read/);
    await expectNothingStored();
  });

  it('refuses a video longer than MAX_VIDEO_SECONDS with 413 and leaves nothing', async () => {
    const strict = await startTestApp({ maxVideoSeconds: 10 });
    try {
      const response = await strict.as('editor').post('/api/images').attach('image', h264).expect(413);
      expect(response.body.error.code).to.equal('video_too_long');
      expect(response.body.error.message).to.equal('The video is 15 s long; the limit is 10 s.');
      expect(await filesUnder(strict.uploadDir)).to.deep.equal([]);
      expect(await ImageModel.countDocuments()).to.equal(0);
    } finally {
      await strict.close();
    }
  });

  it('holds images to MAX_UPLOAD_MB and videos to MAX_VIDEO_MB while they stream', async () => {
    const strict = await startTestApp({ maxUploadBytes: 100_000, maxVideoBytes: 2_000_000 });
    try {
      await strict.as('editor').post('/api/images').attach('image', h264).expect(201);
      const bigJpeg = path.join(dir, 'big.jpg');
      await writeFile(bigJpeg, await sharp({ create: { width: 1200, height: 1200, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 60 } } }).jpeg({ quality: 95 }).toBuffer());
      const refused = await strict.as('editor').post('/api/images').attach('image', bigJpeg).expect(413);
      expect(refused.body.error.message).to.match(/for an image/);
      const bigVideo = path.join(dir, 'big.webm');
      await writeFile(bigVideo, Buffer.concat([await readFile(vp9), randomBytes(1_000_000)]));
      const tooBig = await strict.as('editor').post('/api/images').attach('image', bigVideo).expect(413);
      expect(tooBig.body.error.message).to.match(/2 MB for a video/);
    } finally {
      await strict.close();
    }
  });
});
