// What a video says about itself: containers recognised from the bytes, QuickTime/Android tags read
// with the tag that supplied each field, rotation, and the same through HTTP for generated files.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { formatTimecode } from '../../server/video/timecode';
import { sniffVideoFormatFromBytes } from '../../server/files/video-format';
import { normaliseVideoMetadata, parseIso6709, videoFactsFrom } from '../../server/video/video-metadata';
import { resetDatabase, startTestApp, type TestApp } from '../support/app';
import { makeVideo, remux } from '../support/make-video';

const hex = (text: string) => Buffer.from(text.replace(/\s+/g, ''), 'hex');

describe('video containers from the bytes', () => {
  it('tells MP4, MOV (with and without ftyp), WebM and MKV apart, and refuses HEIF stills and other files', () => {
    expect(sniffVideoFormatFromBytes(hex('00000020 66747970 69736f6d 00000200 69736f6d69736f32617663316d703431'))).to.equal('mp4');
    expect(sniffVideoFormatFromBytes(hex('00000014 66747970 71742020 00000200 71742020'))).to.equal('mov');
    expect(sniffVideoFormatFromBytes(hex('00000008 77696465 0000fa41 6d646174'))).to.equal('mov');
    // EBML header with DocType "webm" / "matroska"
    expect(sniffVideoFormatFromBytes(hex('1a45dfa3 9f 4286 81 01 42f7 81 01 42f2 81 04 42f3 81 08 4282 84 7765626d 4287 81 04'))).to.equal('webm');
    expect(sniffVideoFormatFromBytes(hex('1a45dfa3 a3 4286 81 01 42f7 81 01 42f2 81 04 42f3 81 08 4282 88 6d6174726f736b61 4287 81 04'))).to.equal('mkv');
    expect(sniffVideoFormatFromBytes(hex('00000018 66747970 68656963 00000000 6d696631 68656963'))).to.equal(null);
    expect(sniffVideoFormatFromBytes(Buffer.from('%PDF-1.7 lorem ipsum dolor'))).to.equal(null);
    expect(sniffVideoFormatFromBytes(Buffer.alloc(8))).to.equal(null);
  });
});

describe('video metadata (pure)', () => {
  it('parses ISO 6709 positions as phones write them, and refuses impossible ones', () => {
    expect(parseIso6709('+50.4501+030.5234+150.000/')).to.deep.equal({ latitude: 50.4501, longitude: 30.5234, altitude: 150 });
    expect(parseIso6709('-33.8688+151.2093/')).to.deep.equal({ latitude: -33.8688, longitude: 151.2093 });
    expect(parseIso6709('+95.0000+030.0000/')).to.equal(undefined);
    expect(parseIso6709('Kyiv')).to.equal(undefined);
  });

  it('prefers the Apple keys over the container creation time and the encoder, naming each tag', () => {
    const embedded = normaliseVideoMetadata({
      format: {
        tags: {
          'com.apple.quicktime.make': 'Apple',
          'com.apple.quicktime.model': 'iPhone 12',
          'com.apple.quicktime.creationdate': '2025-02-07T10:20:30+0200',
          'com.apple.quicktime.location.ISO6709': '+50.4501+030.5234+150.000/',
          creation_time: '2025-02-07T09:00:00.000000Z',
          location: '+10.0000+010.0000/',
          encoder: 'Lavf59.27.100',
        },
      },
      streams: [],
    });
    expect(embedded).to.deep.include({ make: 'Apple', model: 'iPhone 12', capturedAtLocal: '2025-02-07 10:20:30', capturedAtOffset: '+02:00', software: 'Lavf59.27.100' });
    expect(embedded.capturedAt?.toISOString()).to.equal('2025-02-07T08:20:30.000Z');
    expect(embedded.gps).to.deep.equal({ latitude: 50.4501, longitude: 30.5234, altitude: 150 });
    expect(embedded.sources).to.deep.equal({
      make: 'QuickTime:com.apple.quicktime.make',
      model: 'QuickTime:com.apple.quicktime.model',
      capturedAt: 'QuickTime:com.apple.quicktime.creationdate',
      gps: 'QuickTime:com.apple.quicktime.location.ISO6709',
      software: 'QuickTime:encoder',
    });
  });

  it('falls back to the Android keys, the ©xyz location and the container time (UTC)', () => {
    const embedded = normaliseVideoMetadata({
      format: { tags: { 'com.android.manufacturer': 'samsung', 'com.android.model': 'SM-G991B', 'com.android.version': '14', location: '+48.8577+002.2950/', creation_time: '2025-02-07T09:00:00.000000Z' } },
    });
    expect(embedded).to.deep.include({ make: 'samsung', model: 'SM-G991B', software: 'Android 14', capturedAtOffset: '+00:00' });
    expect(embedded.gps).to.deep.equal({ latitude: 48.8577, longitude: 2.295 });
    expect(embedded.sources.gps).to.equal('QuickTime:location (©xyz)');
    expect(embedded.sources.capturedAt).to.equal('QuickTime:creation_time');
  });

  it('reads the display rotation and swaps the displayed size for a sideways video', () => {
    const facts = videoFactsFrom({
      format: { format_name: 'mov,mp4,m4a,3gp,3g2,mj2', duration: '3.000000' },
      streams: [{ index: 0, codec_type: 'video', codec_name: 'hevc', width: 1920, height: 1080, avg_frame_rate: '30000/1001', side_data_list: [{ side_data_type: 'Display Matrix', rotation: -90 }] }],
    });
    expect(facts).to.deep.include({ width: 1080, height: 1920, codedWidth: 1920, codedHeight: 1080, rotation: 90, frameRate: 29.97, videoCodec: 'hevc', durationSeconds: 3 });
    expect(videoFactsFrom({ streams: [{ index: 0, codec_type: 'audio', codec_name: 'aac' }] })).to.equal(undefined);
  });

  it('writes timecodes as minutes, seconds and tenths', () => {
    expect(formatTimecode(12.44)).to.equal('00:12.4');
    expect(formatTimecode(0)).to.equal('00:00.0');
    expect(formatTimecode(3723.06)).to.equal('1:02:03.1');
  });
});

describe('video metadata through HTTP (generated MOV, HEVC MP4, MKV)', function () {
  this.timeout(180_000);
  let app: TestApp;
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'archive-video-meta-'));
    app = await startTestApp();
  });
  after(async () => {
    await app.close();
    await rm(dir, { recursive: true, force: true });
  });
  beforeEach(resetDatabase);

  it('reads an iPhone-style MOV: make, model, GPS, local capture time and rotation, each with its tag', async () => {
    const plain = path.join(dir, 'plain.mp4');
    const mov = path.join(dir, 'phone.mov');
    await makeVideo(plain, { seconds: 3, codec: 'h264', seed: 11, width: 320, height: 180 });
    // The rotation is written as a display matrix when the streams are copied (not when encoding).
    await remux(plain, mov, [
        '-movflags', 'use_metadata_tags',
        '-metadata', 'com.apple.quicktime.make=Apple',
        '-metadata', 'com.apple.quicktime.model=iPhone 12',
        '-metadata', 'com.apple.quicktime.location.ISO6709=+50.4501+030.5234+150.000/',
        '-metadata', 'com.apple.quicktime.creationdate=2025-02-07T10:20:30+0200',
        '-metadata:s:v:0', 'rotate=90',
        '-f', 'mov',
    ]);
    const response = await app.as('editor').post('/api/images').attach('image', mov).expect(201);
    expect(response.body.file).to.include({ format: 'mov', mimeType: 'video/quicktime', width: 180, height: 320 });
    expect(response.body.video.facts).to.include({ rotation: 270, codedWidth: 320, codedHeight: 180 });
    expect(response.body.embedded).to.include({ make: 'Apple', model: 'iPhone 12', capturedAt: '2025-02-07T08:20:30.000Z', capturedAtOffset: '+02:00' });
    expect(response.body.embedded.gps).to.deep.equal({ latitude: 50.4501, longitude: 30.5234, altitude: 150 });
    expect(response.body.embedded.sources.gps).to.equal('QuickTime:com.apple.quicktime.location.ISO6709');
    expect(response.body.provenance.findings.map((f: { code: string }) => f.code)).to.include('privacy.gps_present');
    // The poster is the picture as displayed (upright), with no metadata.
    expect(response.body.derivatives.display).to.include({ width: 180, height: 320 });
  });

  it('ingests an H.265 MP4 and an H.264 MKV', async () => {
    const hevc = path.join(dir, 'hevc.mp4');
    const mkv = path.join(dir, 'clip.mkv');
    await Promise.all([
      makeVideo(hevc, { seconds: 4, codec: 'hevc', seed: 12, width: 320, height: 180 }),
      makeVideo(mkv, { seconds: 4, codec: 'h264', seed: 13, width: 320, height: 180 }),
    ]);
    const first = await app.as('editor').post('/api/images').attach('image', hevc).expect(201);
    expect(first.body.file.format).to.equal('mp4');
    expect(first.body.video.facts).to.include({ videoCodec: 'hevc', width: 320, height: 180, frameRate: 25 });
    const second = await app.as('editor').post('/api/images').attach('image', mkv).expect(201);
    expect(second.body.file).to.include({ format: 'mkv', mimeType: 'video/x-matroska' });
    expect(second.body.video.facts.durationSeconds).to.be.closeTo(4, 0.1);
  });
});
