// What an article ran, in printed order: each use of a held image in this article and each image
// it printed or described that the archive has no file for. Shared by the article page and the API.
import type { ArticleImageRecord } from '../images/images.repository';
import type { DescribedImageRecord } from './described-image.model';

export type { ArticleImageRecord };
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
