// multer set up to stream each uploaded file to a temporary file while hashing it,
// so the whole file is never held in memory and its SHA-256 is known when the upload ends.
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Request, RequestHandler } from 'express';
import multer, { type StorageEngine } from 'multer';
import { PayloadTooLargeError } from '../shared/errors';
import { sniffVideoFormatFromBytes } from '../files/video-format';
import { uploadError } from '../shared/error-handler';
import { tempFilePath, type UploadPaths } from './storage';

/** What the storage engine adds to each multer file. */
export interface HashedUpload extends Express.Multer.File {
  sha256: string;
}

/** Bytes read before the limit is chosen: the container signature of a video is in the first 64. */
const SNIFF_BYTES = 64;

class HashingTempStorage implements StorageEngine {
  constructor(
    private readonly paths: UploadPaths,
    private readonly limits: UploadLimits,
  ) {}

  _handleFile(_req: Request, file: Express.Multer.File, callback: (error?: unknown, info?: Partial<HashedUpload>) => void): void {
    const target = tempFilePath(this.paths);
    const hash = createHash('sha256');
    let size = 0;
    // multer's own limit is the larger (video) one; an image is held to its own limit as soon as its
    // first bytes show it is not a video, while it streams, so a 2 GB "image" is never written whole.
    let head: Buffer | undefined = Buffer.alloc(0);
    let limit = this.limits.maxUploadBytes;
    const { maxUploadBytes, maxVideoBytes } = this.limits;
    const hashing = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        hash.update(chunk);
        size += chunk.length;
        if (head && maxVideoBytes) {
          head = Buffer.concat([head, chunk.subarray(0, SNIFF_BYTES)]);
          if (head.length >= SNIFF_BYTES) {
            limit = sniffVideoFormatFromBytes(head) ? maxVideoBytes : maxUploadBytes;
            head = undefined;
          }
        }
        if (size > limit) {
          const mb = Math.round(limit / (1024 * 1024));
          return done(new PayloadTooLargeError(`The file is larger than the upload limit (${mb} MB for ${limit === maxVideoBytes ? 'a video' : 'an image'}).`, { code: 'file_too_large' }));
        }
        done(null, chunk);
      },
    });
    pipeline(file.stream, hashing, createWriteStream(target, { flags: 'wx' })).then(
      () => callback(null, { path: target, size, sha256: hash.digest('hex') }),
      async (error: unknown) => {
        await rm(target, { force: true });
        callback(error);
      },
    );
  }

  _removeFile(_req: Request, file: Express.Multer.File, callback: (error: Error | null) => void): void {
    rm(file.path, { force: true }).then(() => callback(null), callback);
  }
}

export interface UploadLimits {
  maxUploadBytes: number;
  maxFilesPerUpload: number;
  /** Videos have their own, larger limit (MAX_VIDEO_MB); the type is sniffed from the first bytes. */
  maxVideoBytes?: number;
}

/** Accepts the file in `image` or several in `images`, plus text fields. */
export function createUploadMiddleware(paths: UploadPaths, limits: UploadLimits): RequestHandler {
  const parse = multer({
    storage: new HashingTempStorage(paths, limits),
    limits: {
      // A margin above the larger limit, so the storage engine's check (which names the limit for the
      // file's type) fires before multer's own.
      fileSize: Math.max(limits.maxUploadBytes, limits.maxVideoBytes ?? 0) + 1024 * 1024,
      files: limits.maxFilesPerUpload,
      fields: 50,
      fieldSize: 64 * 1024,
      parts: limits.maxFilesPerUpload + 50,
    },
  }).fields([
    { name: 'image', maxCount: 1 },
    { name: 'images', maxCount: limits.maxFilesPerUpload },
  ]);
  // busboy's errors are plain Errors; they are told apart from the archive's own here, where the request is known.
  return (req, res, next) => parse(req, res, (error?: unknown) => next(error === undefined ? undefined : uploadError(error, req)));
}

/** The uploaded files of a request in upload order, whichever field they came in. */
export function uploadedFiles(req: Request): HashedUpload[] {
  const files = req.files as Record<string, HashedUpload[]> | undefined;
  if (!files) return [];
  return [...(files.image ?? []), ...(files.images ?? [])];
}
