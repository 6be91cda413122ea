// The lookup API: any image file is analysed (not stored) and found in the archive.
import { Router } from 'express';
import { BadRequestError } from '../shared/errors';
import type { LookupService } from './lookup.service';
import { removeQuietly, type UploadPaths } from './storage';
import { createUploadMiddleware, uploadedFiles, type UploadLimits } from './upload';

export function createLookupApiRouter({ limits, paths, lookup }: { limits: UploadLimits; paths: UploadPaths; lookup: LookupService }): Router {
  const router = Router();
  const upload = createUploadMiddleware(paths, { ...limits, maxFilesPerUpload: 1 });

  router.post('/api/lookup', upload, async (req, res) => {
    const [file] = uploadedFiles(req);
    try {
      if (!file) throw new BadRequestError('No file was sent: put the image in the form field "image".', { code: 'missing_file' });
      res.json(await lookup.lookup(file.path, file.sha256));
    } finally {
      await removeQuietly(file?.path);
    }
  });

  return router;
}
