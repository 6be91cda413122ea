// Chooses the blob store the configuration names (BLOB_STORE), and the helpers every user of stored
// files shares: a local copy of a blob for the tools that need a file (sharp, FFmpeg, ExifTool).
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Db } from 'mongodb';
import type { BlobsConfig } from '../shared/config';
import type { BlobStore } from './blob-store';
import { createGridFsBlobStore } from './gridfs.store';
import { createLocalBlobStore } from './local.store';
import { createS3BlobStore } from './s3.store';

/** `root` is UPLOAD_DIR (the local folder's home); `db` the connected database (GridFS's). */
export function createBlobStore(config: BlobsConfig, root: string, db: () => Db): BlobStore {
  switch (config.store) {
    case 'local':
      return createLocalBlobStore(root);
    case 's3':
      return createS3BlobStore(config.s3);
    case 'gridfs':
      return createGridFsBlobStore(db);
  }
}

/**
 * Runs `work` with the blob as a local file: the store's own file when it is a folder, else a copy
 * in `tmpDir` removed afterwards (the start-up repair empties that folder after a crash).
 */
export async function withLocalFile<T>(store: BlobStore, key: string, tmpDir: string, work: (filePath: string) => Promise<T>): Promise<T> {
  const own = store.localPath(key);
  if (own) return work(own);
  const copy = path.join(tmpDir, `${randomUUID()}${path.extname(key)}`);
  try {
    await pipeline(await store.get(key), createWriteStream(copy, { flags: 'wx' }));
    return await work(copy);
  } finally {
    await rm(copy, { force: true });
  }
}

/** makeDerivatives' target for a store: each derivative put under `derivatives/`. */
export function derivativesInto(store: BlobStore): (file: string, data: Buffer, sha256: string) => Promise<void> {
  return (file, data, sha256) => store.put(`derivatives/${file}`, data, sha256);
}

/**
 * Moves a finished upload into the store under its content-addressed key, unless a blob is already
 * there (it then holds these very bytes). `written` gets the key when this call stored it, so a
 * failed ingest knows what it may remove.
 */
export async function putContentAddressed(store: BlobStore, key: string, upload: { path: string; sha256: string }, written: string[]): Promise<void> {
  if (await store.exists(key)) return;
  await store.put(key, { file: upload.path, consume: true }, upload.sha256);
  written.push(key);
}
