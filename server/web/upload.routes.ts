// The upload page. With JavaScript, upload.js sends one request per file to POST /api/images;
// without it the form posts here and the same ingest runs for each file.
import { Router } from 'express';
import type { ArticlesService } from '../articles/articles.service';
import type { DescribedImagesService } from '../articles/described-images.service';
import { splitPrintedLine } from '../credits/credit-parser';
import { readDeclaredUpload, type DeclaredUpload } from '../images/declared';
import type { ImageService } from '../images/images.service';
import { removeQuietly, type UploadPaths } from '../images/storage';
import { createUploadMiddleware, uploadedFiles, type UploadLimits } from '../images/upload';
import { actorOf } from '../accounts/principal';
import { toAppError } from '../shared/error-handler';
import { describedNotice, uploadFormValues, uploadResultView, uploadValuesForDescribed, type UploadOutcome } from './upload.view';

export interface UploadPageDeps {
  limits: UploadLimits;
  paths: UploadPaths;
  images: ImageService;
  articles: ArticlesService;
  describedImages: DescribedImagesService;
}

export function createUploadPageRouter({ limits: uploadLimits, paths, images, articles, describedImages }: UploadPageDeps): Router {
  const router = Router();
  const upload = createUploadMiddleware(paths, uploadLimits);
  const limits = { maxMb: Math.round(uploadLimits.maxUploadBytes / (1024 * 1024)), maxFiles: uploadLimits.maxFilesPerUpload };

  router.get('/upload', async (req, res) => {
    // ?described=<id>: the file for an image an article printed or described, filled in from its record.
    const described = typeof req.query.described === 'string' ? await describedImages.open(req.query.described) : undefined;
    if (!described) {
      res.render('upload.njk', { nav: 'upload', title: 'Upload', values: uploadFormValues(undefined), limits });
      return;
    }
    const article = (await articles.byId(described.article)) ?? null;
    res.render('upload.njk', { nav: 'upload', title: 'Upload', values: uploadValuesForDescribed(described, article), described: describedNotice(described, article), limits });
  });

  router.post('/upload', upload, async (req, res) => {
    const files = uploadedFiles(req);
    try {
      const values = uploadFormValues(req.body);
      if (files.length === 0) {
        res.status(400).render('upload.njk', { nav: 'upload', title: 'Upload', values, limits, formError: 'Choose at least one image file to upload.' });
        return;
      }
      let declared: DeclaredUpload;
      try {
        declared = readDeclaredUpload(req.body ?? {}, splitPrintedLine);
      } catch (rawError) {
        const error = toAppError(rawError);
        if (error.status >= 500) throw rawError;
        res.status(error.status).render('upload.njk', { nav: 'upload', title: 'Upload', values, limits, formError: `${error.message} Choose the files again.` });
        return;
      }
      const actor = actorOf(req);
      const outcomes: UploadOutcome[] = [];
      // One file at a time, like the API: a refused file is reported and the others still go in.
      for (const file of files) {
        try {
          const result = await images.ingest(file, declared, actor);
          outcomes.push({ fileName: file.originalname, outcome: result.outcome, image: result.image });
        } catch (rawError) {
          const error = toAppError(rawError);
          if (error.status >= 500) throw rawError;
          outcomes.push({ fileName: file.originalname, status: error.status, message: error.message });
        }
      }
      const results = outcomes.map(uploadResultView);
      const anyStored = results.some((result) => result.ok);
      res.status(anyStored ? 200 : 400).render('upload-results.njk', { nav: 'upload', title: 'Upload results', results });
    } finally {
      await Promise.all(files.map((file) => removeQuietly(file.path)));
    }
  });

  return router;
}
