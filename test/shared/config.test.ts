import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../server/shared/config';

describe('configuration', () => {
  it('gives a working archive with nothing set', () => {
    const config = loadConfig({});
    expect(config.port).to.equal(3000);
    expect(config.mongodbUri).to.equal(undefined);
    expect(config.dbPath).to.equal(path.resolve('data/db'));
    expect(config.uploadDir).to.equal(path.resolve('uploads'));
    expect(config.limits).to.deep.equal({ maxUploadBytes: 50 * 1024 * 1024, maxFilesPerUpload: 20, maxPixels: 100_000_000, maxVideoBytes: 2000 * 1024 * 1024, maxVideoSeconds: 3600 });
    expect(config.ffmpeg).to.deep.equal({ ffmpegPath: undefined, ffprobePath: undefined });
  });

  it('reads PORT, DATA_DIR, UPLOAD_DIR, MONGODB_URI and the limits', () => {
    const config = loadConfig({ PORT: '8080', DATA_DIR: '/srv/archive', UPLOAD_DIR: '/srv/files', MONGODB_URI: 'mongodb+srv://user:pw@cluster.example/x', MAX_UPLOAD_MB: '10', MAX_MEGAPIXELS: '40' });
    expect(config.port).to.equal(8080);
    expect(config.dbPath).to.equal('/srv/archive/db');
    expect(config.uploadDir).to.equal('/srv/files');
    expect(config.mongodbUri).to.equal('mongodb+srv://user:pw@cluster.example/x');
    expect(config.limits.maxUploadBytes).to.equal(10 * 1024 * 1024);
    expect(config.limits.maxPixels).to.equal(40_000_000);
  });

  it('reads the video limits and FFMPEG_PATH, and refuses a relative FFmpeg path', () => {
    const config = loadConfig({ MAX_VIDEO_MB: '300', MAX_VIDEO_SECONDS: '600', FFMPEG_PATH: '/opt/ffmpeg/bin/ffmpeg' });
    expect(config.limits.maxVideoBytes).to.equal(300 * 1024 * 1024);
    expect(config.limits.maxVideoSeconds).to.equal(600);
    expect(config.ffmpeg.ffmpegPath).to.equal('/opt/ffmpeg/bin/ffmpeg');
    expect(() => loadConfig({ FFMPEG_PATH: 'ffmpeg', MAX_VIDEO_SECONDS: '-1' })).to.throw(ConfigError, /FFMPEG_PATH[\s\S]*|MAX_VIDEO_SECONDS/);
    try {
      loadConfig({ FFMPEG_PATH: 'ffmpeg', MAX_VIDEO_SECONDS: '-1' });
    } catch (error) {
      expect((error as Error).message).to.include('FFMPEG_PATH').and.to.include('MAX_VIDEO_SECONDS');
    }
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ PORT: '', MONGODB_URI: '' })).to.include({ port: 3000, mongodbUri: undefined });
  });

  it('refuses bad values, naming every offending variable', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', MONGODB_URI: 'postgres://x', MAX_UPLOAD_MB: '0' });
    } catch (caught) {
      error = caught;
    }
    expect(error).to.be.instanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).to.include('PORT');
    expect(message).to.include('MONGODB_URI');
    expect(message).to.include('MAX_UPLOAD_MB');
  });
});

describe('configuration: Content Credentials', () => {
  let folder: string;
  before(async () => {
    folder = await mkdtemp(path.join(os.tmpdir(), 'config-c2pa-'));
  });

  it('has no trust list and no remote fetching unless configured', () => {
    expect(loadConfig({}).c2pa).to.deep.equal({ fetchRemote: false });
    expect(loadConfig({ C2PA_FETCH_REMOTE: 'true' }).c2pa.fetchRemote).to.equal(true);
  });

  it('reads the trust anchors from a PEM file once, at start', async () => {
    const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    const file = path.join(folder, 'anchors.pem');
    await writeFile(file, pem);
    expect(loadConfig({ C2PA_TRUST_ANCHORS: file }).c2pa.trustAnchorsPem).to.equal(pem);
  });

  it('refuses a missing anchors file, one without a certificate, and a C2PA_FETCH_REMOTE that is not true or false', async () => {
    expect(() => loadConfig({ C2PA_TRUST_ANCHORS: path.join(folder, 'absent.pem') })).to.throw(ConfigError, /C2PA_TRUST_ANCHORS: cannot read .*absent\.pem \(ENOENT\)/);
    const notPem = path.join(folder, 'notes.txt');
    await writeFile(notPem, 'not a certificate');
    expect(() => loadConfig({ C2PA_TRUST_ANCHORS: notPem })).to.throw(ConfigError, /holds no PEM certificate/);
    expect(() => loadConfig({ C2PA_FETCH_REMOTE: 'yes' })).to.throw(ConfigError, /C2PA_FETCH_REMOTE: must be true or false/);
  });

  it('keeps files in the local folder by default, with a one-hour leftover margin', () => {
    const config = loadConfig({});
    expect(config.blobs).to.deep.equal({ store: 'local' });
    expect(config.leftoverMarginSeconds).to.equal(3600);
    expect(loadConfig({ BLOB_STORE: 'gridfs', LEFTOVER_MARGIN_SECONDS: '0' })).to.deep.include({ blobs: { store: 'gridfs' }, leftoverMarginSeconds: 0 });
  });

  it('reads the S3 settings as a whole', () => {
    const config = loadConfig({
      BLOB_STORE: 's3',
      BLOB_SERVE: 'redirect',
      S3_BUCKET: 'archive',
      S3_REGION: 'eu-west-2',
      S3_ENDPOINT: 'http://127.0.0.1:4568',
      S3_FORCE_PATH_STYLE: 'true',
      S3_ACCESS_KEY_ID: 'key',
      S3_SECRET_ACCESS_KEY: 'secret',
      S3_PRESIGN_SECONDS: '120',
    });
    expect(config.blobs).to.deep.equal({
      store: 's3',
      s3: { bucket: 'archive', region: 'eu-west-2', endpoint: 'http://127.0.0.1:4568', forcePathStyle: true, credentials: { accessKeyId: 'key', secretAccessKey: 'secret' }, serve: 'redirect', presignSeconds: 120 },
    });
    expect(loadConfig({ BLOB_STORE: 's3', S3_BUCKET: 'b' }).blobs).to.deep.equal({ store: 's3', s3: { bucket: 'b', region: 'us-east-1', endpoint: undefined, forcePathStyle: false, serve: 'stream', presignSeconds: 300 } });
  });

  it('refuses an unknown store, S3 without a bucket, half a key pair, and a redirect no store can give', () => {
    expect(() => loadConfig({ BLOB_STORE: 'ftp' })).to.throw(ConfigError, /BLOB_STORE: must be local, s3 or gridfs/);
    expect(() => loadConfig({ BLOB_STORE: 's3' })).to.throw(ConfigError, /S3_BUCKET: is needed with BLOB_STORE=s3/);
    expect(() => loadConfig({ BLOB_STORE: 's3', S3_BUCKET: 'b', S3_ACCESS_KEY_ID: 'k' })).to.throw(ConfigError, /S3_SECRET_ACCESS_KEY: S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY are set together/);
    expect(() => loadConfig({ BLOB_SERVE: 'redirect' })).to.throw(ConfigError, /BLOB_SERVE: redirect needs BLOB_STORE=s3/);
    expect(() => loadConfig({ BLOB_STORE: 's3', S3_BUCKET: 'b', S3_ENDPOINT: 'not a url' })).to.throw(ConfigError, /S3_ENDPOINT: must be a URL/);
    expect(() => loadConfig({ LEFTOVER_MARGIN_SECONDS: '-5' })).to.throw(ConfigError, /LEFTOVER_MARGIN_SECONDS: must be 0 or more/);
  });
});
