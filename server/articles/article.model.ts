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

export type ArticleRecord = InferSchemaType<typeof articleSchema> & { _id: mongoose.Types.ObjectId };
export const ArticleModel = mongoose.model('Article', articleSchema);
