// An image an article printed or described that the archive holds no file for (yet). Its printed
// line, caption and credit are kept so the article's chain is complete; uploading a file "for" it
// later turns it into an ordinary image record, at the same place in the article.
import mongoose, { Schema, type InferSchemaType } from 'mongoose';

const describedImageSchema = new Schema(
  {
    article: { type: Schema.Types.ObjectId, ref: 'Article', required: true },
    printedLine: String,
    caption: String,
    credit: String,
    /** What the article says about an image it did not show ("a soldier's notebook page…"). */
    description: String,
    sourceUrl: String,
    sourceNote: String,
    claimedDate: Date,
    addedBy: String,
    /** The image record made when its file was uploaded. */
    fulfilledBy: { type: Schema.Types.ObjectId, ref: 'Image' },
    fulfilledAt: Date,
    /** Set while a file for it is being ingested, so a second upload is refused meanwhile. */
    claimedAt: Date,
  },
  { timestamps: true },
);

// The article page lists an article's described images in the order they were recorded.
describedImageSchema.index({ article: 1, createdAt: 1 });

export type DescribedImageRecord = InferSchemaType<typeof describedImageSchema> & { _id: mongoose.Types.ObjectId; createdAt: Date };
export const DescribedImageModel = mongoose.model('DescribedImage', describedImageSchema);
