// Provenance API: the per-image report, the hash-chained history, and the lookup of any file.
import { Router } from 'express';
import type { AppDeps } from '../app';
import { parseImageId } from './images.service';
import { ImageModel } from './image.model';
import { removeQuietly } from './storage';
import { createUploadMiddleware, uploadedFiles } from './upload';
import { BadRequestError, NotFoundError } from '../shared/errors';
import { principalOf } from '../accounts/principal';
import { findingsFor, historyFor } from '../accounts/visibility';
import type { Finding } from '../provenance/findings.types';

export function createProvenanceApiRouter({ config, paths, history, lookup }: AppDeps): Router {
  const router = Router();
  const upload = createUploadMiddleware(paths, { ...config.limits, maxFilesPerUpload: 1 });

  router.get('/api/images/:id/provenance', async (req, res) => {
    const image = await ImageModel.findById(parseImageId(req.params.id), { provenance: 1 }).lean();
    if (!image) throw new NotFoundError('No image with this id is in the archive.');
    res.json({ imageId: String(image._id), badge: image.provenance?.badge ?? 'neutral', computedAt: image.provenance?.computedAt ?? null, findings: findingsFor(principalOf(req), (image.provenance?.findings ?? []) as Finding[]) });
  });

  router.get('/api/images/:id/history', async (req, res) => {
    const imageId = parseImageId(req.params.id);
    if (!(await ImageModel.exists({ _id: imageId }))) throw new NotFoundError('No image with this id is in the archive.');
    res.json(historyFor(principalOf(req), await history.list(imageId)));
  });

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
