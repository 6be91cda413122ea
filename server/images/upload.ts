// multer set up to stream each uploaded file to a temporary file while hashing it,
// so the whole file is never held in memory and its SHA-256 is known when the upload ends.
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Request, RequestHandler } from 'express';
import multer, { type StorageEngine } from 'multer';
import { uploadError } from '../shared/error-handler';
import { tempFilePath, type UploadPaths } from './storage';

/** What the storage engine adds to each multer file. */
export interface HashedUpload extends Express.Multer.File {
  sha256: string;
}

class HashingTempStorage implements StorageEngine {
  constructor(private readonly paths: UploadPaths) {}

  _handleFile(_req: Request, file: Express.Multer.File, callback: (error?: unknown, info?: Partial<HashedUpload>) => void): void {
    const target = tempFilePath(this.paths);
    const hash = createHash('sha256');
    let size = 0;
    const hashing = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        hash.update(chunk);
        size += chunk.length;
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
}

/** Accepts the file in `image` or several in `images`, plus text fields. */
export function createUploadMiddleware(paths: UploadPaths, limits: UploadLimits): RequestHandler {
  const parse = multer({
    storage: new HashingTempStorage(paths),
    limits: {
      fileSize: limits.maxUploadBytes,
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
