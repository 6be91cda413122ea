// Serves stored files from the blob store. Names are content-addressed, so derivatives can be cached forever.
import { Router } from 'express';
import type { BlobStore } from '../blobs/blob-store';
import { blobRoute } from '../blobs/serve';

export function createMediaRouter(blobs: BlobStore): Router {
  const router = Router();
  router.get('/media/derivatives/:name', blobRoute(blobs, 'derivatives', 'public, max-age=31536000, immutable'));
  // Originals keep their own type and may be large: cacheable, but not marked immutable for shared caches.
  router.get('/media/originals/:name', blobRoute(blobs, 'originals', 'private, max-age=86400'));
  return router;
}
