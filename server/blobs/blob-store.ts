// The port every stored file goes through: originals, derivatives and video frames live behind a
// BlobStore (a local folder, S3-compatible object storage or GridFS), named by keys such as
// `originals/<sha256>.jpg`. Temporary uploads are not blobs: they stay in the instance's UPLOAD_DIR/tmp.
import { createHash, type Hash } from 'node:crypto';
import { Transform, type Readable, type TransformCallback } from 'node:stream';

export type BlobStoreKind = 'local' | 's3' | 'gridfs';

/** The folders of the archive's stored files; a key is `<folder>/<name>`. */
export const BLOB_FOLDERS = ['originals', 'derivatives', 'video-frames'] as const;
export type BlobFolder = (typeof BLOB_FOLDERS)[number];

export function blobKey(folder: BlobFolder, name: string): string {
  return `${folder}/${name}`;
}

const SAFE_STORED_NAME = /^[a-f0-9]{64}\.[a-z0-9]{3,4}$/;

/** True for names the archive gives stored files (a SHA-256 and an extension); anything else never reaches a store. */
export function isStoredFileName(name: string): boolean {
  return SAFE_STORED_NAME.test(name);
}

/** The name part of a key (what the records store). */
export function blobName(key: string): string {
  return key.slice(key.lastIndexOf('/') + 1);
}

export interface BlobInfo {
  key: string;
  size: number;
  /** When the blob was written (file mtime, S3 LastModified, GridFS uploadDate). */
  lastModified: Date;
  /** The SHA-256 the store recorded at put, where the store keeps one (S3 metadata, GridFS metadata). */
  sha256?: string;
}

/**
 * What to store: bytes in memory, a local file (`consume`: the store may move it instead of
 * copying, which the local folder does with a rename), or a stream of known length.
 */
export type BlobBody = Buffer | { file: string; consume?: boolean } | { stream: Readable; size: number };

/** Inclusive byte range, as HTTP Range gives it. */
export interface ByteRange {
  start: number;
  end: number;
}

export interface BlobStore {
  readonly kind: BlobStoreKind;
  /**
   * Stores the body under `key`, checking its bytes against `sha256` on the way: a mismatch stores
   * nothing and throws BlobHashMismatchError. An existing blob under the key is replaced.
   */
  put(key: string, body: BlobBody, sha256: string): Promise<void>;
  /** The blob's bytes (or a range of them); BlobNotFoundError when there is none. */
  get(key: string, range?: ByteRange): Promise<Readable>;
  stat(key: string): Promise<BlobInfo | undefined>;
  exists(key: string): Promise<boolean>;
  /** Removes the blob; nothing when there is none. */
  delete(key: string): Promise<void>;
  /** Every blob whose key starts with `prefix`. */
  list(prefix: string): AsyncIterable<BlobInfo>;
  /** A short-lived address the client may fetch the blob from directly, or undefined to stream it through the app. */
  redirectUrl(key: string, options: { contentType: string; cacheControl: string }): Promise<string | undefined>;
  /** The blob as a file on this machine, when the store is a local folder (undefined otherwise). */
  localPath(key: string): string | undefined;
  /** Removes half-written leftovers (interrupted writes) older than `olderThan`; returns how many. */
  removeIncomplete(olderThan: Date): Promise<number>;
}

export class BlobNotFoundError extends Error {
  constructor(readonly key: string) {
    super(`No blob ${key} in the store`);
  }
}

export class BlobHashMismatchError extends Error {
  constructor(
    readonly key: string,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`The bytes for ${key} hash to ${actual}, not ${expected}; nothing was stored`);
  }
}

const SHA256 = /^[a-f0-9]{64}$/;

export function assertSha256(sha256: string): void {
  if (!SHA256.test(sha256)) throw new TypeError(`not a SHA-256 in hex: ${sha256}`);
}

/** A pass-through that hashes what flows through it; `digest()` once it has ended. */
export class HashingStream extends Transform {
  private readonly hash: Hash = createHash('sha256');
  bytes = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    callback(null, chunk);
  }

  digest(): string {
    return this.hash.digest('hex');
  }
}

export function sha256Of(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}
