// The browser pages. Each route: middleware, one loader or service call, a render.
import { Router } from 'express';
import type { AppDeps } from '../app';
import { createArticlesRouter } from '../articles/articles.routes';
import { createCheckRouter } from './check.routes';
import { loadGalleryPage } from './gallery.page';
import { parseGalleryQuery } from './gallery.query';
import { createImagePageRouter } from './image-page.routes';
import { createUploadPageRouter } from './upload.routes';

export function createGalleryRouter(deps: AppDeps): Router {
  const router = Router();

  router.get('/', async (req, res) => {
    const query = parseGalleryQuery(req.query as Record<string, unknown>);
    res.render('gallery.njk', { nav: 'gallery', title: 'Gallery', ...(await loadGalleryPage(deps.images, query)) });
  });

  router.use(createImagePageRouter(deps));
  router.use(createUploadPageRouter(deps));
  router.use(createCheckRouter(deps));
  router.use(createArticlesRouter(deps));
  return router;
}
