// The described-images JSON API: record an image an article printed or described without its
// file, and read one back. A file is supplied later with POST /api/images and `describedImage`.
import { Router } from 'express';
import { actorOf } from '../accounts/principal';
import type { ArticleRecord } from './article.model';
import type { DescribedImageRecord } from './described-image.model';
import { readDescribedImage, type DescribedImagesService } from './described-images.service';

export function describedImageJson(described: DescribedImageRecord, article?: ArticleRecord) {
  const id = String(described._id);
  return {
    id,
    article: article ? { id: String(article._id), headline: article.headline ?? null, publisher: article.publisher ?? null, url: article.url ?? null } : { id: String(described.article) },
    printedLine: described.printedLine ?? null,
    caption: described.caption ?? null,
    credit: described.credit ?? null,
    description: described.description ?? null,
    sourceUrl: described.sourceUrl ?? null,
    sourceNote: described.sourceNote ?? null,
    claimedDate: described.claimedDate ?? null,
    addedBy: described.addedBy ?? null,
    createdAt: described.createdAt,
    fulfilledBy: described.fulfilledBy ? String(described.fulfilledBy) : null,
    fulfilledAt: described.fulfilledAt ?? null,
    links: { article: `/articles/${String(described.article)}`, upload: `/upload?described=${id}`, image: described.fulfilledBy ? `/api/images/${String(described.fulfilledBy)}` : null },
  };
}

export function createDescribedImagesApiRouter({ describedImages }: { describedImages: DescribedImagesService }): Router {
  const router = Router();

  router.post('/api/described-images', async (req, res) => {
    const { described, article } = await describedImages.create(readDescribedImage((req.body ?? {}) as Record<string, unknown>), actorOf(req));
    res.status(201).location(`/api/described-images/${String(described._id)}`).json(describedImageJson(described, article));
  });

  router.get('/api/described-images/:id', async (req, res) => {
    res.json(describedImageJson(await describedImages.get(req.params.id)));
  });

  return router;
}
