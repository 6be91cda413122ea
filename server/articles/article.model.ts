// An article that ran one or more archived images, with its images in printed order.
import mongoose, { Schema, type InferSchemaType } from 'mongoose';

const articleSchema = new Schema(
  {
    /** Canonical URL; articles without one are matched by headline + publisher. */
    url: { type: String },
    headline: { type: String },
    publisher: String,
    publishedAt: Date,
  },
  { timestamps: true },
);

articleSchema.index({ url: 1 }, { unique: true, partialFilterExpression: { url: { $type: 'string' } } });
articleSchema.index({ headline: 1, publisher: 1 });
// The gallery's article filter lists the most recent articles.
articleSchema.index({ createdAt: -1 });

let generation = 0;

/** Changes after every write to articles, so readers can cache article lists safely. */
export function articlesGeneration(): number {
  return generation;
}

// Bumped after the write, so a list read during the write is never kept under the new generation.
for (const operation of ['save', 'insertMany', 'findOneAndUpdate', 'updateOne', 'updateMany', 'deleteOne', 'deleteMany', 'findOneAndDelete', 'bulkWrite'] as const) {
  articleSchema.post(operation as 'save', () => {
    generation++;
  });
}

export type ArticleRecord = InferSchemaType<typeof articleSchema> & { _id: mongoose.Types.ObjectId };
export const ArticleModel = mongoose.model('Article', articleSchema);
