// One entry of an image's append-only, hash-chained change log.
import mongoose, { Schema, type InferSchemaType } from 'mongoose';

const historyEntrySchema = new Schema(
  {
    image: { type: Schema.Types.ObjectId, ref: 'Image', required: true },
    seq: { type: Number, required: true },
    type: { type: String, required: true },
    actor: { type: String, required: true },
    account: {
      type: new Schema({ id: String, email: String, name: { type: String, required: true }, via: { type: String, required: true }, tokenName: String }, { _id: false }),
      default: undefined,
    },
    at: { type: Date, required: true },
    changes: { type: [Schema.Types.Mixed], default: [] },
    reason: String,
    prevHash: { type: String, default: null },
    hash: { type: String, required: true },
  },
  { minimize: false, versionKey: false },
);

// The unique (image, seq) pair is what keeps two concurrent edits from both becoming entry N.
historyEntrySchema.index({ image: 1, seq: 1 }, { unique: true });

export type HistoryEntryRecord = InferSchemaType<typeof historyEntrySchema> & { _id: mongoose.Types.ObjectId };
export const HistoryEntryModel = mongoose.model('HistoryEntry', historyEntrySchema);
