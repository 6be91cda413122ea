// "Check an image": any file is analysed (not stored) and compared with the archive.
import { Router } from 'express';
import type { LookupService } from '../images/lookup.service';
import { removeQuietly, type UploadPaths } from '../images/storage';
import { createUploadMiddleware, uploadedFiles, type UploadLimits } from '../images/upload';
import { toAppError } from '../shared/error-handler';
import { lookupView } from './check.view';

export function createCheckRouter({ limits, paths, lookup }: { limits: UploadLimits; paths: UploadPaths; lookup: LookupService }): Router {
  const router = Router();
  const upload = createUploadMiddleware(paths, { ...limits, maxFilesPerUpload: 1 });

  router.get('/check', (_req, res) => {
    res.render('check.njk', { nav: 'check', title: 'Check an image' });
  });

  router.post('/check', upload, async (req, res) => {
    const files = uploadedFiles(req);
    try {
      if (files.length === 0) {
        res.status(400).render('check.njk', { nav: 'check', title: 'Check an image', formError: 'Choose an image file to check.' });
        return;
      }
      const [file] = files;
      try {
        const result = await lookup.lookup(file.path, file.sha256);
        res.render('check.njk', { nav: 'check', title: 'Check results', result: lookupView(result, file.originalname) });
      } catch (rawError) {
        const error = toAppError(rawError);
        if (error.status >= 500) throw rawError;
        res.status(error.status).render('check.njk', { nav: 'check', title: 'Check an image', formError: `${file.originalname}: ${error.message}` });
      }
    } finally {
      await Promise.all(files.map((file) => removeQuietly(file.path)));
    }
  });

  return router;
}
