// Articles and described images (images an article printed or described, held without a file):
// the only module that imports their models. Every article write bumps the articles' write
// generation (the gallery's article filter and page cache are keyed on it).
import mongoose from 'mongoose';
import type { WriteGeneration } from '../db/write-generation';
import { ArticleModel, type ArticleRecord } from './article.model';
import { DescribedImageModel, type DescribedImageRecord } from './described-image.model';

type ObjectId = mongoose.Types.ObjectId;

export interface ArticleFields {
  url?: string;
  headline?: string;
  publisher?: string;
  publishedAt?: Date;
}

export type NewDescribedImageRecord = Omit<DescribedImageRecord, '_id' | 'createdAt' | 'updatedAt' | 'fulfilledBy' | 'fulfilledAt' | 'claimedAt'>;

export function createArticlesRepository({ generation }: { generation: WriteGeneration }) {
  return {
    async findById(id: ObjectId): Promise<ArticleRecord | null> {
      return ArticleModel.findById(id).lean<ArticleRecord>();
    },

    async findByIds(ids: ObjectId[]): Promise<ArticleRecord[]> {
      return ids.length > 0 ? ArticleModel.find({ _id: { $in: ids } }).lean<ArticleRecord[]>() : [];
    },

    /** Found by URL when one is given, otherwise by headline and publisher; created when absent. */
    findOrCreate(article: ArticleFields): Promise<ArticleRecord> {
      return generation.after(async () => {
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
      });
    },

    /** The most recent articles by publication, then by when they were recorded. */
    async latestPublished(limit: number): Promise<ArticleRecord[]> {
      return ArticleModel.find({}).sort({ publishedAt: -1, createdAt: -1 }).limit(limit).lean<ArticleRecord[]>();
    },

    /** The most recently recorded articles, id and title only (the gallery's article filter). */
    async latestRecorded(limit: number): Promise<Array<Pick<ArticleRecord, '_id' | 'headline' | 'url'>>> {
      return ArticleModel.find({}, { headline: 1, url: 1 }).sort({ createdAt: -1 }).limit(limit).lean<Array<Pick<ArticleRecord, '_id' | 'headline' | 'url'>>>();
    },

    async createDescribed(record: NewDescribedImageRecord): Promise<DescribedImageRecord> {
      const created = await DescribedImageModel.create(record);
      return created.toObject() as DescribedImageRecord;
    },

    async findDescribed(id: ObjectId): Promise<DescribedImageRecord | null> {
      return DescribedImageModel.findById(id).lean<DescribedImageRecord>();
    },

    async describedExists(filter: { article: ObjectId; description: string }): Promise<boolean> {
      return Boolean(await DescribedImageModel.exists({ article: filter.article, description: filter.description }));
    },

    /** Claims an unfulfilled described image whose claim is absent or older than `staleBefore`; null when it is not free. */
    async claimDescribed(id: ObjectId, now: Date, staleBefore: Date): Promise<DescribedImageRecord | null> {
      const claimed = await DescribedImageModel.findOneAndUpdate(
        { _id: id, fulfilledBy: { $exists: false }, $or: [{ claimedAt: { $exists: false } }, { claimedAt: { $lt: staleBefore } }] },
        { $set: { claimedAt: now } },
        { returnDocument: 'after', lean: true },
      );
      return (claimed as DescribedImageRecord | null) ?? null;
    },

    async releaseDescribed(id: ObjectId): Promise<void> {
      await DescribedImageModel.updateOne({ _id: id, fulfilledBy: { $exists: false } }, { $unset: { claimedAt: 1 } });
    },

    /** False when another upload fulfilled it first. */
    async markDescribedFulfilled(id: ObjectId, imageId: ObjectId): Promise<boolean> {
      const result = await DescribedImageModel.updateOne({ _id: id, fulfilledBy: { $exists: false } }, { $set: { fulfilledBy: imageId, fulfilledAt: new Date() }, $unset: { claimedAt: 1 } });
      return result.modifiedCount === 1;
    },

    /** The article's described images that still have no file, in the order they were recorded. */
    async openDescribedOf(articleId: ObjectId): Promise<DescribedImageRecord[]> {
      return DescribedImageModel.find({ article: articleId, fulfilledBy: { $exists: false } }).sort({ createdAt: 1 }).lean<DescribedImageRecord[]>();
    },

    /** How many described images without a file each of these articles has, by article id. */
    async openDescribedCounts(articleIds: ObjectId[]): Promise<Map<string, number>> {
      const counts = await DescribedImageModel.aggregate<{ _id: ObjectId; n: number }>([
        { $match: { article: { $in: articleIds }, fulfilledBy: { $exists: false } } },
        { $group: { _id: '$article', n: { $sum: 1 } } },
      ]);
      return new Map(counts.map((count) => [String(count._id), count.n]));
    },
  };
}

export type ArticlesRepository = ReturnType<typeof createArticlesRepository>;
