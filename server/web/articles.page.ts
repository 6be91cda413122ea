// Loads and shapes the article pages: the list of articles, and one article's images in printed order.
import type { ArticleImageRecord, ArticleUse, PrintedEntry } from '../articles/article-contents';
import type { ArticlesService } from '../articles/articles.service';
import type { ArticleRecord } from '../articles/article.model';
import type { DescribedImageRecord } from '../articles/described-image.model';
import { derivativeUrl } from '../images/images.serialize';
import { provenanceBadge, statusBadge, type BadgeView } from './badges';
import { srcsetOf } from './gallery.view';
import { formatDateTime, formatDay, hostOf, safeHref, trimText } from './format';

export interface ArticleListItem {
  href: string;
  headline: string;
  publisher?: string;
  published?: string;
  imageCount: number;
  /** Images the article printed or described that the archive holds no file for. */
  withoutFileCount: number;
}

export function articleListItem(article: ArticleRecord, imageCount: number, withoutFileCount = 0): ArticleListItem {
  return {
    href: `/articles/${String(article._id)}`,
    headline: article.headline ?? article.url ?? 'Untitled article',
    publisher: article.publisher ?? hostOf(article.url) ?? undefined,
    published: formatDay(article.publishedAt),
    imageCount,
    withoutFileCount,
  };
}

export async function loadArticleList(articles: ArticlesService): Promise<ArticleListItem[]> {
  return (await articles.list()).map(({ article, heldCount, withoutFileCount }) => articleListItem(article, heldCount, withoutFileCount));
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

/** An image the article printed or described that the archive has no file for yet. */
export interface DescribedImageView {
  position: number;
  id: string;
  printedLine: string;
  description?: string;
  /** The upload page, filled in from this record; the file uploaded there takes this place. */
  uploadHref: string;
  added?: string;
  addedBy?: string;
}

/** The article's entries in printed order, shaped for the page. */
export function articleImages(entries: PrintedEntry[]): Array<ArticleImageView | DescribedImageView> {
  return entries.map((entry, index) => (entry.kind === 'held' ? heldImageView(index + 1, entry.image, entry.use) : describedImageView(index + 1, entry.record)));
}

function heldImageView(position: number, image: ArticleImageRecord, use: ArticleUse): ArticleImageView {
  const thumb = image.derivatives?.thumbnail;
  const display = image.derivatives?.display;
  const caption = use.caption ?? image.declared?.caption ?? '';
  const credit = use.credit ?? image.declared?.credit ?? undefined;
  const thumbUrl = derivativeUrl(thumb?.file);
  const displayUrl = derivativeUrl(display?.file);
  return {
    position,
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
}

function describedImageView(position: number, record: DescribedImageRecord): DescribedImageView {
  const printedLine = record.printedLine ?? [record.caption, record.credit ? `(${record.credit})` : ''].filter(Boolean).join(' ');
  return {
    position,
    id: String(record._id),
    printedLine: printedLine || 'Not shown with a caption',
    description: record.description ?? undefined,
    uploadHref: `/upload?described=${String(record._id)}`,
    added: formatDateTime(record.createdAt),
    addedBy: record.addedBy ?? undefined,
  };
}

export async function loadArticlePage(articles: ArticlesService, id: string) {
  const { article, entries } = await articles.contents(id);
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
    images: articleImages(entries),
  };
}
