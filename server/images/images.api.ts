// The images JSON API. Routes are thin: middleware chain, one service call, a response.
import { Router, type Request } from 'express';
import { splitPrintedLine } from '../credits/credit-parser';
import { parseGalleryQuery } from './gallery.query';
import { IMAGES_API_DEFAULTS } from './images.schemas';
import { requireCapability, touchesVerificationStatus } from '../accounts/authorization';
import { actorOf, principalOf } from '../accounts/principal';
import { findingsFor, historyFor, imageJsonFor } from '../accounts/visibility';
import type { Finding } from '../provenance/findings.types';
import { BadRequestError, UnsupportedMediaTypeError, normalizeError } from '../shared/errors';
import { toAppError } from '../shared/error-handler';
import { readDeclaredUpload } from './declared';
import { imageJson, imageSummaryJson } from './images.serialize';
import { readImagePatch, type ImageService } from './images.service';
import { removeQuietly } from './storage';
import type { UploadPaths } from './storage';
import { createUploadMiddleware, uploadedFiles, type HashedUpload, type UploadLimits } from './upload';
import type { VideoPort } from './video-port';

export function createImagesApiRouter({
  limits,
  paths,
  images,
  video,
}: {
  limits: UploadLimits;
  paths: UploadPaths;
  images: ImageService;
  video?: Pick<VideoPort, 'answerFor'>;
}): Router {
  const router = Router();
  const upload = createUploadMiddleware(paths, limits);

  router.post('/api/images', upload, async (req, res) => {
    const files = uploadedFiles(req);
    try {
      if (files.length === 0) {
        throw new BadRequestError('No file was sent: put the image in the form field "image" (or several in "images").', { code: 'missing_file' });
      }
      const declared = readDeclaredUpload(req.body ?? {}, splitPrintedLine);
      const actor = actorOf(req);
      if (!isMultiUpload(req)) {
        const result = await images.ingest(files[0], declared, actor);
        // A video's answer also lists its contact sheet and the stills held from it (server/video).
        const videoPart = await video?.answerFor(result.image);
        res.status(result.outcome === 'created' ? 201 : 200).json({ ...imageJson(result.image, await images.articlesOf(result.image)), outcome: result.outcome, ...(videoPart ? { video: videoPart } : {}) });
        return;
      }
      const results = await ingestEach(files, (file) => images.ingest(file, declared, actor));
      res.status(overallStatus(results)).json({ results });
    } finally {
      await Promise.all(files.map((file) => removeQuietly(file.path)));
    }
  });

  router.get('/api/images', async (req, res) => {
    const query = parseGalleryQuery(req.query as Record<string, unknown>, IMAGES_API_DEFAULTS);
    const { items, total } = await images.list(query);
    res.json({ items: items.map(imageSummaryJson), total, page: query.page, limit: query.limit, pages: Math.ceil(total / query.limit) });
  });

  router.get('/api/images/:id', async (req, res) => {
    const { image, articles } = await images.get(req.params.id);
    res.json(imageJsonFor(principalOf(req), imageJson(image, articles)));
  });

  router.get('/api/images/:id/metadata', async (req, res) => {
    res.json(await images.rawMetadata(req.params.id));
  });

  router.get('/api/images/:id/provenance', async (req, res) => {
    const report = await images.provenanceReport(req.params.id);
    res.json({ ...report, findings: findingsFor(principalOf(req), report.findings as Finding[]) });
  });

  router.get('/api/images/:id/history', async (req, res) => {
    res.json(historyFor(principalOf(req), await images.history(req.params.id)));
  });

  router.patch('/api/images/:id', async (req, res) => {
    if (!req.is('application/json')) throw new UnsupportedMediaTypeError('Send the changes as JSON (Content-Type: application/json).', { code: 'json_required' });
    const patch = readImagePatch(req.body);
    if (touchesVerificationStatus(patch)) requireCapability(principalOf(req), 'setVerificationStatus');
    const updated = await images.update(req.params.id, patch, actorOf(req));
    res.json(imageJson(updated, await images.articlesOf(updated)));
  });

  return router;
}

function isMultiUpload(req: Request): boolean {
  const files = req.files as Record<string, unknown[]> | undefined;
  return Boolean(files?.images);
}

/** `httpStatus` is what the file would have got alone: 201 stored, 200 already held, 4xx refused. */
type UploadResult =
  | ({ httpStatus: number; outcome: 'created' | 'existing'; fileName: string } & ReturnType<typeof imageJson>)
  | { httpStatus: number; fileName: string; error: { code: string; message: string } };

/** One result per file, in upload order; one bad file does not stop the others. */
async function ingestEach(
  files: HashedUpload[],
  ingest: (file: HashedUpload) => Promise<{ outcome: 'created' | 'existing'; image: Parameters<typeof imageJson>[0] }>,
): Promise<UploadResult[]> {
  const results: UploadResult[] = [];
  for (const file of files) {
    try {
      const result = await ingest(file);
      results.push({ httpStatus: result.outcome === 'created' ? 201 : 200, outcome: result.outcome, fileName: file.originalname, ...imageJson(result.image) });
    } catch (rawError) {
      const error = toAppError(rawError);
      if (error.status >= 500) throw normalizeError(rawError);
      results.push({ httpStatus: error.status, fileName: file.originalname, error: { code: error.code, message: error.message } });
    }
  }
  return results;
}

/** 201 when anything was stored, 200 when all were already held, else the first file's error status. */
function overallStatus(results: UploadResult[]): number {
  if (results.some((result) => result.httpStatus === 201)) return 201;
  if (results.some((result) => result.httpStatus === 200)) return 200;
  return results[0]?.httpStatus ?? 400;
}
