// What an article ran, in printed order: each use of a held image in this article and each image
// it printed or described that the archive has no file for. Shared by the article page and the API.
import mongoose from 'mongoose';
import { CARD_PROJECTION } from '../images/images.service';
import { ImageModel, type ImageRecord } from '../images/image.model';
import { NotFoundError } from '../shared/errors';
import { ArticleModel, type ArticleRecord } from './article.model';
import { DescribedImageModel, type DescribedImageRecord } from './described-image.model';
import { openDescribedImagesOf } from './described-images.service';

export type ArticleImageRecord = Pick<ImageRecord, '_id' | 'sha256' | 'declared' | 'derivatives' | 'file' | 'status' | 'provenance' | 'createdAt' | 'uses'>;
export type ArticleUse = NonNullable<ArticleImageRecord['uses']>[number];

export type PrintedEntry = { kind: 'held'; image: ArticleImageRecord; use: ArticleUse } | { kind: 'described'; record: DescribedImageRecord };

/**
 * Pure: one entry per use in this article and per described image still without a file, in the
 * order they were recorded, which is the order they were printed. (A file uploaded for a described
 * image takes its use's date from the described record, so it keeps that place.)
 */
export function printedOrder(articleId: string, images: ArticleImageRecord[], described: DescribedImageRecord[] = []): PrintedEntry[] {
  const held = images.flatMap((image) =>
    (image.uses ?? [])
      .filter((use) => String(use.article) === articleId)
      .map((use) => ({ at: use.addedAt?.getTime() ?? 0, key: String(image._id), entry: { kind: 'held', image, use } as PrintedEntry })),
  );
  const notHeld = described.map((record) => ({ at: record.createdAt.getTime(), key: String(record._id), entry: { kind: 'described', record } as PrintedEntry }));
  return [...held, ...notHeld].sort((a, b) => a.at - b.at || a.key.localeCompare(b.key)).map(({ entry }) => entry);
}

/** The article and what it ran, in printed order; 404 for an unknown or malformed id. */
export async function loadArticleContents(id: string): Promise<{ article: ArticleRecord; entries: PrintedEntry[] }> {
  if (!/^[a-f0-9]{24}$/i.test(id)) throw new NotFoundError('No article with this id.');
  const article = await ArticleModel.findById(id).lean<ArticleRecord>();
  if (!article) throw new NotFoundError('No article with this id.');
  const [images, described] = await Promise.all([
    ImageModel.find({ 'uses.article': article._id }, { ...CARD_PROJECTION, uses: 1 }).lean<ArticleImageRecord[]>(),
    openDescribedImagesOf(article._id),
  ]);
  return { article, entries: printedOrder(id, images, described) };
}

/** The article list shows this many, newest first; more would need paging. */
const ARTICLE_LIST_LIMIT = 500;

/** The most recent articles, each with how many images it ran that the archive holds, and how many it holds no file for. */
export async function listArticles(): Promise<Array<{ article: ArticleRecord; heldCount: number; withoutFileCount: number }>> {
  const articles = await ArticleModel.find({}).sort({ publishedAt: -1, createdAt: -1 }).limit(ARTICLE_LIST_LIMIT).lean<ArticleRecord[]>();
  if (articles.length === 0) return [];
  const ids = articles.map((article) => article._id);
  const [held, withoutFile] = await Promise.all([
    ImageModel.aggregate<{ _id: mongoose.Types.ObjectId; n: number }>([
      { $match: { 'uses.article': { $in: ids } } },
      { $project: { uses: 1 } },
      { $unwind: '$uses' },
      { $match: { 'uses.article': { $in: ids } } },
      { $group: { _id: '$uses.article', n: { $sum: 1 } } },
    ]),
    DescribedImageModel.aggregate<{ _id: mongoose.Types.ObjectId; n: number }>([
      { $match: { article: { $in: ids }, fulfilledBy: { $exists: false } } },
      { $group: { _id: '$article', n: { $sum: 1 } } },
    ]),
  ]);
  const heldBy = new Map(held.map((count) => [String(count._id), count.n]));
  const missingBy = new Map(withoutFile.map((count) => [String(count._id), count.n]));
  return articles.map((article) => ({ article, heldCount: heldBy.get(String(article._id)) ?? 0, withoutFileCount: missingBy.get(String(article._id)) ?? 0 }));
}
