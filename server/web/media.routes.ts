// Serves stored files. Names are content-addressed, so derivatives can be cached forever.
import path from 'node:path';
import { Router } from 'express';
import { BadRequestError, NotFoundError } from '../shared/errors';
import { fileExists, isStoredFileName, type UploadPaths } from '../images/storage';

const CONTENT_TYPES: Record<string, string> = {
  jpg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  gif: 'image/gif',
  tif: 'image/tiff',
  heic: 'image/heic',
  avif: 'image/avif',
};

export function createMediaRouter(paths: UploadPaths): Router {
  const router = Router();
  const serve = (folder: string, cacheControl: string) => async (req: import('express').Request, res: import('express').Response) => {
    const name = String(req.params.name);
    if (!isStoredFileName(name)) throw new BadRequestError('This is not a file name the archive gives out.', { code: 'invalid_file_name' });
    const filePath = path.join(folder, name);
    if (!(await fileExists(filePath))) throw new NotFoundError('No such file in the archive.');
    const extension = name.slice(name.lastIndexOf('.') + 1);
    res.setHeader('Cache-Control', cacheControl);
    res.type(CONTENT_TYPES[extension] ?? 'application/octet-stream');
    await new Promise<void>((resolve, reject) => res.sendFile(filePath, { headers: {}, lastModified: true }, (error) => (error ? reject(error) : resolve())));
  };
  router.get('/media/derivatives/:name', serve(paths.derivatives, 'public, max-age=31536000, immutable'));
  // Originals keep their own type and may be large: cacheable, but not marked immutable for shared caches.
  router.get('/media/originals/:name', serve(paths.originals, 'private, max-age=86400'));
  return router;
}
