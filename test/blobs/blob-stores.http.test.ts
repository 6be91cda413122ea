// Each blob store behind the real HTTP API: an editor uploads an image, and its original and
// derivative come back through /media byte for byte (the derivative's name is its SHA-256), with
// nothing left in UPLOAD_DIR but the instance's empty tmp/ when the store is not the local folder.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { expect } from 'chai';
import mongoose from 'mongoose';
import type { BlobsConfig } from '../../server/shared/config';
import { filesUnder, fixture, resetDatabase, startTestApp, type TestApp } from '../support/app';
import { startS3Server, type TestS3Server } from '../support/s3-server';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

async function dropGridFs(): Promise<void> {
  for (const name of ['blobs.files', 'blobs.chunks']) await mongoose.connection.db!.collection(name).drop().catch(() => undefined);
}

/** The body of a binary supertest answer. */
function binary(response: { body: unknown }): Buffer {
  return response.body as Buffer;
}

/** supertest's parser for any content type: the body as the bytes that came (passed `as never`: its type names superagent's Response, of which only the stream is read). */
const asBuffer = (res: NodeJS.ReadableStream, callback: (error: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(chunk));
  res.on('end', () => callback(null, Buffer.concat(chunks)));
};

describe('blob stores through the HTTP API', () => {
  let s3: TestS3Server;
  const original = fixture('DSCN0010.jpg');

  before(async () => {
    s3 = await startS3Server('archive-http');
  });
  after(async () => {
    await s3.close();
    await dropGridFs();
  });

  const cases: Array<{ name: string; blobs: () => BlobsConfig }> = [
    { name: 'local folder', blobs: () => ({ store: 'local' }) },
    { name: 'S3 (s3rver), streamed through the app', blobs: () => ({ store: 's3', s3: s3.config('stream') }) },
    { name: 'GridFS', blobs: () => ({ store: 'gridfs' }) },
  ];

  for (const { name, blobs } of cases) {
    describe(name, () => {
      let app: TestApp;
      before(async () => {
        await resetDatabase();
        await dropGridFs();
        app = await startTestApp({ blobs: blobs() });
      });
      after(async () => {
        // Ends the credits writer's ExifTool (the credited download starts it), which would outlive the test.
        await app.services.stop();
        await app.close();
      });

      it('serves the uploaded original and its derivatives with the right bytes', async () => {
        const bytes = await readFile(original);
        const uploaded = await app.as('editor').post('/api/images').field('credit', 'Reuters').attach('image', original).expect(201);
        expect(uploaded.body.sha256).to.equal(sha256(bytes));
        const image = await app.as('viewer').get(`/api/images/${uploaded.body.id}`).expect(200);
        const originalUrl = image.body.original.url as string;
        expect(originalUrl).to.equal(`/media/originals/${sha256(bytes)}.jpg`);

        const served = await app.as('viewer').get(originalUrl).buffer(true).parse(asBuffer as never).expect(200);
        expect(served.headers['content-type']).to.equal('image/jpeg');
        expect(sha256(binary(served))).to.equal(sha256(bytes));

        for (const url of [image.body.derivatives.thumbnail.url, image.body.derivatives.display.url] as string[]) {
          const derivative = await app.as('editor').get(url).buffer(true).parse(asBuffer as never).expect(200);
          expect(derivative.headers['content-type']).to.equal('image/webp');
          // A derivative is named by the SHA-256 of its bytes.
          expect(`${sha256(binary(derivative))}.webp`).to.equal(url.split('/').at(-1));
        }

        // The download of the original and the credited copy go through the store too.
        const download = await app.as('editor').get(`/api/images/${uploaded.body.id}/original`).buffer(true).parse(asBuffer as never).expect(200);
        expect(sha256(binary(download))).to.equal(sha256(bytes));
        const credited = await app.as('editor').get(`/api/images/${uploaded.body.id}/download?embed=1`).buffer(true).parse(asBuffer as never).expect(200);
        expect(credited.headers['x-archive-original-sha256']).to.equal(sha256(bytes));
        expect(sha256(binary(credited))).to.equal(credited.headers['x-archive-sha256']);
      });

      it('answers a byte range of an original with 206, and a missing file with 404', async () => {
        const bytes = await readFile(original);
        const url = `/media/originals/${sha256(bytes)}.jpg`;
        const part = await app.as('viewer').get(url).set('Range', 'bytes=100-1099').buffer(true).parse(asBuffer as never).expect(206);
        expect(part.headers['content-range']).to.equal(`bytes 100-1099/${bytes.length}`);
        expect(binary(part).equals(bytes.subarray(100, 1100))).to.equal(true);
        await app.as('viewer').get(`/media/originals/${'0'.repeat(64)}.jpg`).expect(404);
        await app.as('viewer').get(`/media/derivatives/${'0'.repeat(64)}.webp`).expect(404);
      });

      it('repairs in the store at start: an orphan original goes, a lost derivative is made again', async () => {
        const bytes = await readFile(original);
        const record = await app.as('viewer').get(`/api/images/${(await app.as('viewer').get('/api/images').expect(200)).body.items[0].id}`).expect(200);
        const displayKey = `derivatives/${String(record.body.derivatives.display.url).split('/').at(-1)}`;
        const blobs = app.services.blobs;
        await blobs.delete(displayKey);
        const orphan = await readFile(fixture('Canon_40D.jpg'));
        await blobs.put(`originals/${sha256(orphan)}.jpg`, orphan, sha256(orphan));

        const report = await app.services.repair();

        expect(report.orphanFilesRemoved).to.equal(1);
        expect(report.derivativesRebuilt).to.equal(1);
        expect(await blobs.exists(`originals/${sha256(orphan)}.jpg`)).to.equal(false);
        expect(await blobs.exists(`originals/${sha256(bytes)}.jpg`)).to.equal(true);
        const repaired = await app.as('viewer').get(`/api/images/${record.body.id}`).expect(200);
        await app.as('viewer').get(repaired.body.derivatives.display.url).expect(200);
      });

      it('keeps the files in the store, not in UPLOAD_DIR, unless the store is the local folder', async () => {
        const files = await filesUnder(app.uploadDir);
        if (name === 'local folder') expect(files.filter((file) => file.startsWith('originals/'))).to.have.length(1);
        else expect(files).to.deep.equal([]);
      });
    });
  }

  describe('S3 with BLOB_SERVE=redirect', () => {
    let app: TestApp;
    before(async () => {
      await resetDatabase();
      app = await startTestApp({ blobs: { store: 's3', s3: s3.config('redirect') } });
    });
    after(async () => {
      await app.close();
    });

    it('answers an allowed request with a short-lived presigned redirect, and a disallowed one not at all', async () => {
      const bytes = await readFile(original);
      await app.as('editor').post('/api/images').field('credit', 'Reuters').attach('image', original).expect([200, 201]);
      const url = `/media/originals/${sha256(bytes)}.jpg`;
      const redirect = await app.as('viewer').get(url).redirects(0).expect(302);
      expect(redirect.headers.location).to.match(/^http:\/\/127\.0\.0\.1:\d+\/archive-http\/originals\/.*X-Amz-Expires=60/);
      const fetched = await fetch(redirect.headers.location!);
      expect(fetched.status).to.equal(200);
      expect(sha256(Buffer.from(await fetched.arrayBuffer()))).to.equal(sha256(bytes));
      // Originals are for viewers and above: anonymous visitors get no URL.
      const anonymous = await fetch(`${app.url}${url}`, { redirect: 'manual' });
      expect(anonymous.status).to.equal(401);
    });
  });
});
