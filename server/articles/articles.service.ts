// Articles are found by URL when one is given, otherwise by headline and publisher.
import type { DeclaredArticle } from '../images/declared';
import { ArticleModel, type ArticleRecord } from './article.model';

export async function findOrCreateArticle(article: DeclaredArticle): Promise<ArticleRecord> {
  const filter = article.url ? { url: article.url } : { headline: article.headline, publisher: article.publisher ?? null };
  const set: Record<string, unknown> = {};
  for (const key of ['headline', 'publisher', 'publishedAt'] as const) {
    if (article[key] !== undefined) set[key] = article[key];
  }
  const record = await ArticleModel.findOneAndUpdate(
    filter,
    { $set: set, $setOnInsert: article.url ? { url: article.url } : {} },
    { upsert: true, returnDocument: 'after', lean: true },
  );
  return record as ArticleRecord;
}
