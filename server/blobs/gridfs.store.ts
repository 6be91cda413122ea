// GridFS behind the blob-store port (the driver's GridFSBucket on the archive's own database), for a
// deployment that has only MongoDB. A key is the GridFS filename; the SHA-256 is kept in its metadata.
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GridFSBucket, ObjectId, type Db, type GridFSFile } from 'mongodb';
import { BlobHashMismatchError, BlobNotFoundError, HashingStream, assertSha256, sha256Of, type BlobBody, type BlobInfo, type BlobStore, type ByteRange } from './blob-store';

export const GRIDFS_BUCKET = 'blobs';

/** `db` is asked for at each use: the store is made before the database connection is. */
export function createGridFsBlobStore(db: () => Db, bucketName = GRIDFS_BUCKET): BlobStore {
  let made: { db: Db; bucket: GridFSBucket } | undefined;
  const bucket = (): GridFSBucket => {
    const current = db();
    if (made?.db !== current) made = { db: current, bucket: new GridFSBucket(current, { bucketName }) };
    return made.bucket;
  };

  const info = (file: GridFSFile): BlobInfo => ({ key: file.filename, size: file.length, lastModified: file.uploadDate, sha256: (file.metadata as { sha256?: string } | undefined)?.sha256 });

  async function newest(key: string): Promise<GridFSFile | undefined> {
    const [file] = await bucket().find({ filename: key }).sort({ uploadDate: -1, _id: -1 }).limit(1).toArray();
    return file;
  }

  async function put(key: string, body: BlobBody, sha256: string): Promise<void> {
    assertSha256(sha256);
    const hashing = new HashingStream();
    const upload = bucket().openUploadStream(key, { metadata: { sha256 } });
    if (Buffer.isBuffer(body)) {
      const actual = sha256Of(body);
      if (actual !== sha256) throw new BlobHashMismatchError(key, sha256, actual);
    }
    const source: Readable | Buffer = Buffer.isBuffer(body) ? body : 'file' in body ? createReadStream(body.file) : body.stream;
    try {
      if (Buffer.isBuffer(source)) {
        await new Promise<void>((resolve, reject) => {
          upload.once('error', reject);
          upload.end(source, () => resolve());
        });
      } else {
        await pipeline(source, hashing, upload);
        const actual = hashing.digest();
        if (actual !== sha256) {
          await bucket().delete(upload.id).catch(() => undefined);
          throw new BlobHashMismatchError(key, sha256, actual);
        }
      }
    } catch (error) {
      if (!(error instanceof BlobHashMismatchError)) await upload.abort().catch(() => undefined);
      throw error;
    }
    // GridFS keeps every revision of a name: the older ones go, so one key is one file.
    const older = await bucket().find({ filename: key, _id: { $lt: upload.id } }).toArray();
    for (const file of older) await bucket().delete(file._id).catch(() => undefined);
  }

  return {
    kind: 'gridfs',
    put,
    async get(key: string, range?: ByteRange): Promise<Readable> {
      const file = await newest(key);
      if (!file) throw new BlobNotFoundError(key);
      // GridFS's `end` is exclusive; HTTP's is inclusive.
      return bucket().openDownloadStream(file._id, range ? { start: range.start, end: range.end + 1 } : {});
    },
    async stat(key: string): Promise<BlobInfo | undefined> {
      const file = await newest(key);
      return file ? info(file) : undefined;
    },
    async exists(key: string): Promise<boolean> {
      return (await newest(key)) !== undefined;
    },
    async delete(key: string): Promise<void> {
      for (const file of await bucket().find({ filename: key }).toArray()) await bucket().delete(file._id).catch(() => undefined);
    },
    async *list(prefix: string): AsyncIterable<BlobInfo> {
      // A range on the name rather than a $regex: the same index serves it on any server.
      const filter = prefix ? { filename: { $gte: prefix, $lt: `${prefix}\uffff` } } : {};
      for await (const file of bucket().find(filter).sort({ filename: 1 })) yield info(file);
    },
    redirectUrl: async () => undefined,
    localPath: () => undefined,
    async removeIncomplete(olderThan: Date): Promise<number> {
      // An upload that stopped halfway leaves chunks without their files document (written last).
      const current = db();
      const chunks = current.collection(`${bucketName}.chunks`);
      const files = current.collection(`${bucketName}.files`);
      const owners: unknown[] = await chunks.distinct('files_id');
      let removed = 0;
      for (const owner of owners) {
        if (!(owner instanceof ObjectId) || owner.getTimestamp() >= olderThan) continue;
        if (await files.findOne({ _id: owner }, { projection: { _id: 1 } })) continue;
        removed += (await chunks.deleteMany({ files_id: owner })).deletedCount;
      }
      return removed;
    },
  };
}
