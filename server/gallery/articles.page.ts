// Loads and shapes the article pages: the list of articles, and one article's images in printed order.
import mongoose from 'mongoose';
import { ArticleModel, type ArticleRecord } from '../articles/article.model';
import { CARD_PROJECTION } from '../images/images.service';
import { ImageModel, type ImageRecord } from '../images/image.model';
import { derivativeUrl } from '../images/images.serialize';
import { NotFoundError } from '../shared/errors';
import { provenanceBadge, statusBadge, type BadgeView } from './badges';
import { srcsetOf } from './gallery.view';
import { formatDateTime, formatDay, hostOf, safeHref, trimText } from './format';

export interface ArticleListItem {
  href: string;
  headline: string;
  publisher?: string;
  published?: string;
  imageCount: number;
}

export function articleListItem(article: ArticleRecord, imageCount: number): ArticleListItem {
  return {
    href: `/articles/${String(article._id)}`,
    headline: article.headline ?? article.url ?? 'Untitled article',
    publisher: article.publisher ?? hostOf(article.url) ?? undefined,
    published: formatDay(article.publishedAt),
    imageCount,
  };
}

export async function loadArticleList(): Promise<ArticleListItem[]> {
  const articles = await ArticleModel.find({}).sort({ publishedAt: -1, createdAt: -1 }).limit(500).lean<ArticleRecord[]>();
  if (articles.length === 0) return [];
  const counts = await ImageModel.aggregate<{ _id: mongoose.Types.ObjectId; n: number }>([
    { $match: { 'uses.article': { $in: articles.map((article) => article._id) } } },
    { $project: { uses: 1 } },
    { $unwind: '$uses' },
    { $group: { _id: '$uses.article', n: { $sum: 1 } } },
  ]);
  const byId = new Map(counts.map((count) => [String(count._id), count.n]));
  return articles.map((article) => articleListItem(article, byId.get(String(article._id)) ?? 0));
}

export interface ArticleImageView {
  position: number;
  href: string;
  printedLine: string;
  caption: string;
  credit?: string;
  thumbnailUrl?: string;
  srcset?: string;
  width?: number;
  height?: number;
  alt: string;
  added?: string;
  badge: BadgeView;
  status: BadgeView;
}

type ArticleImageRecord = Pick<ImageRecord, '_id' | 'declared' | 'derivatives' | 'status' | 'provenance' | 'uses'>;

/** One entry per use in this article, in the order the uses were added: the order they were printed. */
export function articleImages(articleId: string, images: ArticleImageRecord[]): ArticleImageView[] {
  const entries = images.flatMap((image) =>
    (image.uses ?? []).filter((use) => String(use.article) === articleId).map((use) => ({ image, use })),
  );
  entries.sort((a, b) => (a.use.addedAt?.getTime() ?? 0) - (b.use.addedAt?.getTime() ?? 0) || String(a.image._id).localeCompare(String(b.image._id)));
  return entries.map(({ image, use }, index) => {
    const thumb = image.derivatives?.thumbnail;
    const display = image.derivatives?.display;
    const caption = use.caption ?? image.declared?.caption ?? '';
    const credit = use.credit ?? image.declared?.credit ?? undefined;
    const thumbUrl = derivativeUrl(thumb?.file);
    const displayUrl = derivativeUrl(display?.file);
    return {
      position: index + 1,
      href: `/images/${String(image._id)}`,
      printedLine: use.printedLine ?? [caption, credit ? `(${credit})` : ''].filter(Boolean).join(' '),
      caption,
      credit,
      thumbnailUrl: thumbUrl,
      srcset: srcsetOf(thumbUrl, thumb?.width, displayUrl, display?.width) || undefined,
      width: thumb?.width ?? undefined,
      height: thumb?.height ?? undefined,
      alt: caption ? trimText(caption, 300) : 'Image without a caption',
      added: formatDateTime(use.addedAt),
      badge: provenanceBadge(image.provenance?.badge),
      status: statusBadge(image.status?.value),
    };
  });
}

export async function loadArticlePage(id: string) {
  if (!mongoose.isObjectIdOrHexString(id) || !/^[a-f0-9]{24}$/i.test(id)) throw new NotFoundError('No article with this id.');
  const article = await ArticleModel.findById(id).lean<ArticleRecord>();
  if (!article) throw new NotFoundError('No article with this id.');
  const images = await ImageModel.find({ 'uses.article': article._id }, { ...CARD_PROJECTION, uses: 1 }).lean<ArticleImageRecord[]>();
  return {
    article: {
      id,
      headline: article.headline ?? 'Untitled article',
      publisher: article.publisher ?? undefined,
      published: formatDateTime(article.publishedAt),
      url: safeHref(article.url),
      host: hostOf(article.url),
      galleryHref: `/?article=${id}`,
    },
    images: articleImages(id, images),
  };
}
