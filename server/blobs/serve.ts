// Answers an HTTP request with a stored blob: a presigned redirect when the store gives one, the
// local file through sendFile, or the store's stream with Range support (video seeking needs it).
import type { Request, Response } from 'express';
import { pipeline } from 'node:stream/promises';
import { BadRequestError, NotFoundError } from '../shared/errors';
import { BlobNotFoundError, isStoredFileName, type BlobFolder, type BlobStore } from './blob-store';

export interface ServeOptions {
  contentType: string;
  cacheControl: string;
}

/** False when the store has no such blob (the caller answers 404). */
export async function sendBlob(store: BlobStore, key: string, req: Request, res: Response, options: ServeOptions): Promise<boolean> {
  const redirect = await store.redirectUrl(key, options);
  if (redirect) {
    if (!(await store.exists(key))) return false;
    // The redirect itself must not be cached longer than the URL lives.
    res.setHeader('Cache-Control', 'private, no-store');
    res.redirect(302, redirect);
    return true;
  }
  const localPath = store.localPath(key);
  const info = await store.stat(key);
  if (!info) return false;
  res.setHeader('Cache-Control', options.cacheControl);
  res.type(options.contentType);
  if (localPath) {
    await new Promise<void>((resolve, reject) => res.sendFile(localPath, { lastModified: true }, (error) => (error ? reject(error) : resolve())));
    return true;
  }
  res.setHeader('Accept-Ranges', 'bytes');
  res.setHeader('Last-Modified', info.lastModified.toUTCString());
  const etag = `"${info.sha256 ?? `${info.size.toString(16)}-${info.lastModified.getTime().toString(16)}`}"`;
  res.setHeader('ETag', etag);
  if (req.fresh) {
    res.status(304).end();
    return true;
  }
  const ranges = req.headers.range ? req.range(info.size, { combine: true }) : undefined;
  if (ranges === -1) {
    res.setHeader('Content-Range', `bytes */${info.size}`);
    res.status(416).end();
    return true;
  }
  // One range is answered as asked; several (rare, from no browser) get the whole file.
  const range = Array.isArray(ranges) && ranges.length === 1 ? ranges[0] : undefined;
  if (range) {
    res.status(206);
    res.setHeader('Content-Range', `bytes ${range.start}-${range.end}/${info.size}`);
    res.setHeader('Content-Length', String(range.end - range.start + 1));
  } else {
    res.setHeader('Content-Length', String(info.size));
  }
  if (req.method === 'HEAD') {
    res.end();
    return true;
  }
  let stream;
  try {
    stream = await store.get(key, range);
  } catch (error) {
    if (error instanceof BlobNotFoundError) return false;
    throw error;
  }
  try {
    await pipeline(stream, res);
  } catch (error) {
    // A client that goes away mid-file (a player seeking elsewhere) is not an error of the archive.
    if (res.destroyed || (error as NodeJS.ErrnoException).code === 'ERR_STREAM_PREMATURE_CLOSE') return true;
    throw error;
  }
  return true;
}

const CONTENT_TYPES: Record<string, string> = {
  jpg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  gif: 'image/gif',
  tif: 'image/tiff',
  heic: 'image/heic',
  avif: 'image/avif',
  // Videos (server/video); sendBlob answers Range requests, which the player's seeking needs.
  mp4: 'video/mp4',
  mov: 'video/quicktime',
  webm: 'video/webm',
  mkv: 'video/x-matroska',
};

/** The handler of one folder of stored files (also used for the video frames, server/video/video.api.ts). */
export function blobRoute(blobs: BlobStore, folder: BlobFolder, cacheControl: string) {
  return async (req: Request, res: Response) => {
    const name = String(req.params.name);
    if (!isStoredFileName(name)) throw new BadRequestError('This is not a file name the archive gives out.', { code: 'invalid_file_name' });
    const extension = name.slice(name.lastIndexOf('.') + 1);
    const contentType = CONTENT_TYPES[extension] ?? 'application/octet-stream';
    if (!(await sendBlob(blobs, `${folder}/${name}`, req, res, { contentType, cacheControl }))) throw new NotFoundError('No such file in the archive.');
  };
}

