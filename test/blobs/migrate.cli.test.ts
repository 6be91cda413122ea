// `npm run blobs -- migrate --to s3`, run as a person would: every file copied and hash-checked,
// a second run copies nothing, an interrupted or damaged copy is made again, a damaged source is
// reported and not copied; then an archive started on the new store serves every file.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buffer } from 'node:stream/consumers';
import { expect } from 'chai';
import mongoose from 'mongoose';
import { createGridFsBlobStore } from '../../server/blobs/gridfs.store';
import { migrateBlobs } from '../../server/blobs/migrate';
import { createS3BlobStore } from '../../server/blobs/s3.store';
import { fixture, resetDatabase, startTestApp, type TestApp } from '../support/app';
import { projectRoot } from '../support/archive-process';
import { startS3Server, type TestS3Server } from '../support/s3-server';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

async function runBlobsCli(env: Record<string, string>, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn('npm', ['run', '--silent', 'blobs', '--', ...args], { cwd: projectRoot, env: { ...process.env, LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, stdout, stderr };
}

describe('npm run blobs -- migrate', function () {
  this.timeout(120_000);
  let s3: TestS3Server;
  let local: TestApp;
  let dataDir: string;
  let env: Record<string, string>;
  const uploaded: Array<{ id: string; sha256: string }> = [];
  /** Distinct stored files (a small picture's thumbnail and display image can be the same bytes, so one file). */
  const stored = new Set<string>();

  before(async () => {
    await resetDatabase();
    s3 = await startS3Server('archive-migrate');
    local = await startTestApp();
    for (const name of ['DSCN0010.jpg', 'Canon_40D.jpg']) {
      const response = await local.as('editor').post('/api/images').field('credit', 'Reuters').attach('image', fixture(name)).expect(201);
      uploaded.push({ id: response.body.id, sha256: response.body.sha256 });
      const image = await local.as('viewer').get(`/api/images/${response.body.id}`).expect(200);
      for (const url of [image.body.original.url, image.body.derivatives.thumbnail.url, image.body.derivatives.display.url] as string[]) stored.add(url);
    }
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'archive-test-migrate-data-'));
    const { BLOB_STORE: _store, BLOB_SERVE: _serve, ...s3Settings } = s3.env();
    env = { ...s3Settings, BLOB_STORE: 'local', UPLOAD_DIR: local.uploadDir, DATA_DIR: dataDir };
  });
  after(async () => {
    await local.close();
    await s3.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('copies every original and derivative to S3, checking each hash, and prints a summary', async () => {
    const result = await runBlobsCli(env, ['migrate', '--to', 's3']);
    expect(result.code, result.stderr).to.equal(0);
    const total = stored.size;
    expect(result.stdout).to.include(`[1/${total}] copied  originals/`);
    expect(result.stdout).to.include(`${total} files, ${total} copied`);
    expect(result.stdout).to.include('0 failed');
    expect(result.stdout).to.include('Set BLOB_STORE=s3');
  });

  it('is resumable: a second run copies nothing, and a lost or damaged copy is made again', async () => {
    const again = await runBlobsCli(env, ['migrate', '--to', 's3']);
    expect(again.code).to.equal(0);
    expect(again.stdout).to.include(`${stored.size} files, 0 copied (0.0 MB), ${stored.size} already in s3 with the right hash`);

    const target = createS3BlobStore(s3.config());
    const lost = `originals/${uploaded[0].sha256}.jpg`;
    const damaged = `originals/${uploaded[1].sha256}.jpg`;
    await target.delete(lost);
    // A copy with the right size but other bytes, stored under its own (wrong) hash metadata.
    const size = (await target.stat(damaged))!.size;
    const other = Buffer.alloc(size, 7);
    await target.put(damaged, other, sha256(other));
    const resumed = await runBlobsCli(env, ['migrate', '--to', 's3']);
    expect(resumed.code).to.equal(0);
    expect(resumed.stdout).to.include(`${stored.size} files, 2 copied`);
    expect(resumed.stdout).to.include(`${stored.size - 2} already in s3`);
    expect(sha256(await buffer(await target.get(damaged)))).to.equal(uploaded[1].sha256);
  });

  it('reports a source file whose bytes do not match its name, copies nothing of it, and exits 1', async () => {
    const name = `${'e'.repeat(64)}.webp`;
    await writeFile(path.join(local.uploadDir, 'derivatives', name), 'not what the name says');
    const result = await runBlobsCli(env, ['migrate', '--to', 's3']);
    expect(result.code).to.equal(1);
    expect(result.stdout).to.match(new RegExp(`FAILED derivatives/${name}: The bytes for derivatives/${name} hash to`));
    expect(result.stdout).to.include('1 failed');
    expect(await createS3BlobStore(s3.config()).exists(`derivatives/${name}`)).to.equal(false);
    await rm(path.join(local.uploadDir, 'derivatives', name));
  });

  it('refuses a target without its settings, naming what is missing', async () => {
    const result = await runBlobsCli({ BLOB_STORE: 'local', UPLOAD_DIR: local.uploadDir, DATA_DIR: dataDir, S3_BUCKET: '' }, ['migrate', '--to', 's3']);
    expect(result.code).to.equal(1);
    expect(result.stderr).to.include('S3_BUCKET: is needed with BLOB_STORE=s3');
  });

  it('an archive started on S3 afterwards serves every file', async () => {
    const onS3 = await startTestApp({ blobs: { store: 's3', s3: s3.config() } });
    try {
      for (const [index, name] of ['DSCN0010.jpg', 'Canon_40D.jpg'].entries()) {
        const image = await onS3.as('viewer').get(`/api/images/${uploaded[index].id}`).expect(200);
        const original = await fetch(`${onS3.url}${image.body.original.url}`, { headers: onS3.credentials.viewer.header });
        expect(original.status).to.equal(200);
        expect(sha256(Buffer.from(await original.arrayBuffer()))).to.equal(sha256(await readFile(fixture(name))));
        for (const url of [image.body.derivatives.thumbnail.url, image.body.derivatives.display.url] as string[]) {
          const derivative = await fetch(`${onS3.url}${url}`);
          expect(derivative.status).to.equal(200);
          expect(`${sha256(Buffer.from(await derivative.arrayBuffer()))}.webp`).to.equal(url.split('/').at(-1));
        }
      }
    } finally {
      await onS3.close();
    }
  });

  it('moves on from S3 to GridFS the same way (in process)', async () => {
    const bucketName = 'migratetest';
    const gridfs = createGridFsBlobStore(() => mongoose.connection.db!, bucketName);
    try {
      const events: string[] = [];
      const report = await migrateBlobs(createS3BlobStore(s3.config()), gridfs, (event) => events.push(event.outcome));
      expect(report).to.deep.include({ total: stored.size, copied: stored.size, present: 0, failed: [] });
      expect(events).to.have.length(stored.size);
      const again = await migrateBlobs(createS3BlobStore(s3.config()), gridfs);
      expect(again).to.deep.include({ copied: 0, present: stored.size });
    } finally {
      for (const name of [`${bucketName}.files`, `${bucketName}.chunks`]) await mongoose.connection.db!.collection(name).drop().catch(() => undefined);
    }
  });
});
