// The articles JSON API: the list, and one article with what it ran in printed order, held or not.
import { Router } from 'express';
import { articleJson, derivativeUrl } from '../images/images.serialize';
import type { ArticleRecord } from './article.model';
import type { PrintedEntry } from './article-contents';
import type { ArticlesService } from './articles.service';

export function printedEntryJson(entry: PrintedEntry, position: number) {
  if (entry.kind === 'described') {
    const { record } = entry;
    return {
      position,
      kind: 'described' as const,
      describedImageId: String(record._id),
      printedLine: record.printedLine ?? null,
      caption: record.caption ?? null,
      credit: record.credit ?? null,
      description: record.description ?? null,
      recordedAt: record.createdAt,
      recordedBy: record.addedBy ?? null,
      url: `/api/described-images/${String(record._id)}`,
    };
  }
  const { image, use } = entry;
  return {
    position,
    kind: 'held' as const,
    imageId: String(image._id),
    printedLine: use.printedLine ?? null,
    caption: use.caption ?? image.declared?.caption ?? null,
    credit: use.credit ?? image.declared?.credit ?? null,
    addedAt: use.addedAt ?? null,
    addedBy: use.addedBy ?? null,
    badge: image.provenance?.badge ?? 'neutral',
    status: image.status?.value ?? 'unverified',
    thumbnailUrl: derivativeUrl(image.derivatives?.thumbnail?.file) ?? null,
    url: `/api/images/${String(image._id)}`,
  };
}

export function articleContentsJson(article: ArticleRecord, entries: PrintedEntry[]) {
  return { ...articleJson(article), images: entries.map((entry, index) => printedEntryJson(entry, index + 1)) };
}

export function createArticlesApiRouter({ articles }: { articles: ArticlesService }): Router {
  const router = Router();

  router.get('/api/articles', async (_req, res) => {
    const items = await articles.list();
    res.json({
      items: items.map(({ article, heldCount, withoutFileCount }) => ({
        ...articleJson(article),
        heldCount,
        withoutFileCount,
        links: { self: `/api/articles/${String(article._id)}`, page: `/articles/${String(article._id)}` },
      })),
    });
  });

  router.get('/api/articles/:id', async (req, res) => {
    const { article, entries } = await articles.contents(req.params.id);
    res.json(articleContentsJson(article, entries));
  });

  return router;
}
