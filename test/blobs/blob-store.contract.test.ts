// One contract, three stores: the local folder, S3 (s3rver as a stand-in) and GridFS on the test
// database behave alike for everything the archive asks of them.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { expect } from 'chai';
import mongoose from 'mongoose';
import { BlobHashMismatchError, BlobNotFoundError, type BlobStore } from '../../server/blobs/blob-store';
import { createGridFsBlobStore } from '../../server/blobs/gridfs.store';
import { createLocalBlobStore } from '../../server/blobs/local.store';
import { createS3BlobStore } from '../../server/blobs/s3.store';
import { startS3Server, type TestS3Server } from '../support/s3-server';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

async function keys(store: BlobStore, prefix: string): Promise<string[]> {
  const found: string[] = [];
  for await (const blob of store.list(prefix)) found.push(blob.key);
  return found.sort();
}

interface Subject {
  name: string;
  make(): Promise<{ store: BlobStore; cleanup(): Promise<void> }>;
}

let s3: TestS3Server;
let bucketCounter = 0;

const subjects: Subject[] = [
  {
    name: 'local folder',
    async make() {
      const root = await mkdtemp(path.join(os.tmpdir(), 'archive-test-blobs-'));
      return { store: createLocalBlobStore(root), cleanup: () => rm(root, { recursive: true, force: true }) };
    },
  },
  {
    name: 'S3 (s3rver)',
    async make() {
      const store = createS3BlobStore(s3.config());
      return {
        store,
        async cleanup() {
          for (const key of await keys(store, '')) await store.delete(key);
        },
      };
    },
  },
  {
    name: 'GridFS',
    async make() {
      bucketCounter += 1;
      const bucketName = `contract${bucketCounter}`;
      const store = createGridFsBlobStore(() => mongoose.connection.db!, bucketName);
      return {
        store,
        async cleanup() {
          await mongoose.connection.db!.collection(`${bucketName}.files`).drop().catch(() => undefined);
          await mongoose.connection.db!.collection(`${bucketName}.chunks`).drop().catch(() => undefined);
        },
      };
    },
  },
];

describe('blob stores (one contract for all three)', () => {
  before(async () => {
    s3 = await startS3Server();
  });
  after(async () => {
    await s3.close();
  });

  for (const subject of subjects) {
    describe(subject.name, () => {
      let store: BlobStore;
      let cleanup: () => Promise<void>;
      let work: string;

      beforeEach(async () => {
        ({ store, cleanup } = await subject.make());
        work = await mkdtemp(path.join(os.tmpdir(), 'archive-test-blob-work-'));
      });
      afterEach(async () => {
        await cleanup();
        await rm(work, { recursive: true, force: true });
      });

      it('stores bytes and gives them back, with their size and time', async () => {
        const bytes = randomBytes(10_000);
        const before = Date.now() - 2000;
        await store.put('derivatives/a.webp', bytes, sha256(bytes));
        expect(await store.exists('derivatives/a.webp')).to.equal(true);
        const info = await store.stat('derivatives/a.webp');
        expect(info?.size).to.equal(10_000);
        expect(info!.lastModified.getTime()).to.be.within(before, Date.now() + 2000);
        expect((await buffer(await store.get('derivatives/a.webp'))).equals(bytes)).to.equal(true);
      });

      it('streams a 3 MB file in and reads a byte range of it back', async () => {
        const bytes = randomBytes(3 * 1024 * 1024 + 17);
        const file = path.join(work, 'big.bin');
        await writeFile(file, bytes);
        await store.put('originals/big.jpg', { file }, sha256(bytes));
        expect((await buffer(await store.get('originals/big.jpg'))).equals(bytes)).to.equal(true);
        const range = await buffer(await store.get('originals/big.jpg', { start: 1_000_000, end: 2_000_000 }));
        expect(range.equals(bytes.subarray(1_000_000, 2_000_001))).to.equal(true);
        // The source file is left alone unless the caller hands it over.
        expect(await readdir(work)).to.deep.equal(['big.bin']);
      });

      it('takes a stream of known length', async () => {
        const bytes = randomBytes(200_000);
        await store.put('originals/s.png', { stream: Readable.from([bytes.subarray(0, 70_000), bytes.subarray(70_000)]), size: bytes.length }, sha256(bytes));
        expect((await buffer(await store.get('originals/s.png'))).equals(bytes)).to.equal(true);
      });

      it('stores nothing when the bytes do not match the hash they were given', async () => {
        const bytes = randomBytes(5000);
        const file = path.join(work, 'x.bin');
        await writeFile(file, bytes);
        const wrong = 'a'.repeat(64);
        for (const body of [bytes, { file }, { stream: Readable.from([bytes]), size: bytes.length }]) {
          let failure: unknown;
          try {
            await store.put('originals/x.jpg', body, wrong);
          } catch (error) {
            failure = error;
          }
          expect(failure).to.be.instanceOf(BlobHashMismatchError);
          expect(await store.exists('originals/x.jpg')).to.equal(false);
        }
        expect(await keys(store, '')).to.deep.equal([]);
      });

      it('takes over a file handed to it (consume), and the bytes arrive whole', async () => {
        const bytes = randomBytes(50_000);
        const file = path.join(work, 'upload.part');
        await writeFile(file, bytes);
        await store.put('originals/c.jpg', { file, consume: true }, sha256(bytes));
        expect((await buffer(await store.get('originals/c.jpg'))).equals(bytes)).to.equal(true);
      });

      it('replaces a blob put again under the same key: one key, one blob', async () => {
        const first = randomBytes(1000);
        const second = randomBytes(2000);
        await store.put('derivatives/r.webp', first, sha256(first));
        await store.put('derivatives/r.webp', second, sha256(second));
        expect(await keys(store, 'derivatives/')).to.deep.equal(['derivatives/r.webp']);
        expect((await buffer(await store.get('derivatives/r.webp'))).equals(second)).to.equal(true);
      });

      it('lists by prefix, deletes, and says what is not there', async () => {
        const bytes = randomBytes(100);
        const hash = sha256(bytes);
        await store.put('originals/1.jpg', bytes, hash);
        await store.put('originals/2.jpg', bytes, hash);
        await store.put('derivatives/3.webp', bytes, hash);
        await store.put('video-frames/4.webp', bytes, hash);
        expect(await keys(store, 'originals/')).to.deep.equal(['originals/1.jpg', 'originals/2.jpg']);
        expect(await keys(store, 'video-frames/')).to.deep.equal(['video-frames/4.webp']);
        expect(await keys(store, '')).to.have.length(4);
        await store.delete('originals/1.jpg');
        await store.delete('originals/never-was.jpg');
        expect(await keys(store, 'originals/')).to.deep.equal(['originals/2.jpg']);
        expect(await store.exists('originals/1.jpg')).to.equal(false);
        expect(await store.stat('originals/1.jpg')).to.equal(undefined);
        let failure: unknown;
        try {
          await store.get('originals/1.jpg');
        } catch (error) {
          failure = error;
        }
        expect(failure).to.be.instanceOf(BlobNotFoundError);
      });

      it('finds no half-written leftovers younger than the margin', async () => {
        const bytes = randomBytes(100);
        await store.put('originals/k.jpg', bytes, sha256(bytes));
        expect(await store.removeIncomplete(new Date(Date.now() - 3600_000))).to.equal(0);
        expect(await store.exists('originals/k.jpg')).to.equal(true);
      });
    });
  }

  it('S3 gives a presigned URL that serves the bytes when asked to redirect, and none when asked to stream', async () => {
    const streaming = createS3BlobStore(s3.config('stream'));
    const redirecting = createS3BlobStore(s3.config('redirect'));
    const bytes = randomBytes(4096);
    await redirecting.put('originals/p.jpg', bytes, sha256(bytes));
    expect(await streaming.redirectUrl('originals/p.jpg', { contentType: 'image/jpeg', cacheControl: 'private' })).to.equal(undefined);
    const url = await redirecting.redirectUrl('originals/p.jpg', { contentType: 'image/jpeg', cacheControl: 'private' });
    expect(url).to.match(/X-Amz-Expires=60/);
    const response = await fetch(url!);
    expect(response.status).to.equal(200);
    expect(Buffer.from(await response.arrayBuffer()).equals(bytes)).to.equal(true);
    await redirecting.delete('originals/p.jpg');
  });

  it('S3 keeps the SHA-256 with the object and GridFS in its metadata (a migration checks a copy without reading it)', async () => {
    const bytes = randomBytes(100);
    const hash = sha256(bytes);
    const stores = [createS3BlobStore(s3.config()), createGridFsBlobStore(() => mongoose.connection.db!, 'contractmeta')];
    for (const store of stores) {
      await store.put('originals/m.jpg', bytes, hash);
      expect((await store.stat('originals/m.jpg'))?.sha256).to.equal(hash);
      await store.delete('originals/m.jpg');
    }
    for (const name of ['contractmeta.files', 'contractmeta.chunks']) await mongoose.connection.db!.collection(name).drop().catch(() => undefined);
  });

  it('GridFS removes the chunks of an upload that stopped halfway, once older than the margin', async () => {
    const store = createGridFsBlobStore(() => mongoose.connection.db!, 'contracthalf');
    const chunks = mongoose.connection.db!.collection('contracthalf.chunks');
    const old = mongoose.Types.ObjectId.createFromTime(Math.floor(Date.now() / 1000 - 7200));
    const recent = new mongoose.Types.ObjectId();
    await chunks.insertMany([
      { files_id: old, n: 0, data: Buffer.from('half') },
      { files_id: recent, n: 0, data: Buffer.from('in progress') },
    ]);
    expect(await store.removeIncomplete(new Date(Date.now() - 3600_000))).to.equal(1);
    expect(await chunks.countDocuments({ files_id: recent })).to.equal(1);
    await chunks.drop();
  });
});
