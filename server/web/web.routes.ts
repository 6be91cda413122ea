// The browser pages. Each route: middleware, one loader or service call, a render.
import { Router } from 'express';
import type { ArticlesService } from '../articles/articles.service';
import type { DescribedImagesService } from '../articles/described-images.service';
import type { WriteGeneration } from '../db/write-generation';
import { galleryQueryString, parseGalleryQuery } from '../images/gallery.query';
import type { ImageProvenance } from '../images/image-provenance';
import type { ImageService } from '../images/images.service';
import type { LookupService } from '../images/lookup.service';
import type { UploadPaths } from '../images/storage';
import type { UploadLimits } from '../images/upload';
import type { HistoryService } from '../provenance/history.service';
import type { VideoService } from '../video/video.service';
import { createArticlesRouter } from './articles.routes';
import { createCheckRouter } from './check.routes';
import { loadGalleryPage } from './gallery.page';
import type { PicturesService } from '../pictures/pictures.service';
import type { SourcesService } from '../sources/sources.service';
import type { SourceImageRecord } from '../images/images.repository';
import { createSourcesRouter } from './sources.routes';
import { createImagePageRouter } from './image-page.routes';
import { createPageCache, renderView, sendPage } from './page-cache';
import { createUploadPageRouter } from './upload.routes';

/** How long a write behind the archive's back can take to show in the gallery; other instances' writes arrive sooner through the shared write signal (db/write-generation.ts). */
const GALLERY_PAGE_MAX_AGE_MS = 2000;
/** About 4,000 gallery views of 48 cards (gzipped). */
const GALLERY_CACHE_BYTES = 32 * 1024 * 1024;

export interface WebDeps {
  limits: UploadLimits;
  paths: UploadPaths;
  generations: { images: WriteGeneration; articles: WriteGeneration };
  /** Age limit of the gallery's pages; default GALLERY_PAGE_MAX_AGE_MS. */
  cacheMaxAgeMs?: number;
  images: ImageService;
  articles: ArticlesService;
  describedImages: DescribedImagesService;
  history: HistoryService;
  provenance: ImageProvenance;
  lookup: LookupService;
  video: VideoService;
  pictures: Pick<PicturesService, 'groupView'>;
  sources: SourcesService<SourceImageRecord>;
}

export function createWebRouter(deps: WebDeps): Router {
  const router = Router();
  // The gallery is the page everyone opens and it changes only on writes: each view is rendered
  // once per write generation of the images and articles it shows. The source pages, aggregates
  // over every record, share the cache.
  const pages = createPageCache({
    generation: () => `${deps.generations.images.value()}.${deps.generations.articles.value()}`,
    maxAgeMs: deps.cacheMaxAgeMs ?? GALLERY_PAGE_MAX_AGE_MS,
    maxBytes: GALLERY_CACHE_BYTES,
  });

  router.get('/', async (req, res) => {
    const query = parseGalleryQuery(req.query as Record<string, unknown>);
    // The page differs by role only (its navigation), never by person: one cached copy per role.
    const viewer = res.locals.viewer as { role: string };
    const page = await pages.get(`${viewer.role}|${galleryQueryString(query)}`, async () =>
      renderView(req.app, 'gallery.njk', { nav: 'gallery', title: 'Gallery', viewer, ...(await loadGalleryPage(deps, query)) }),
    );
    sendPage(req, res, page);
  });

  router.use(createImagePageRouter(deps));
  router.use(createUploadPageRouter(deps));
  router.use(createCheckRouter(deps));
  router.use(createArticlesRouter(deps));
  router.use(createSourcesRouter({ sources: deps.sources, pages }));
  return router;
}
