// The history entries: the only module that imports their model.
import type mongoose from 'mongoose';
import { HistoryEntryModel, type HistoryEntryRecord } from './history.model';

type ObjectId = mongoose.Types.ObjectId;

export type NewHistoryRecord = Omit<HistoryEntryRecord, '_id'>;

export function createHistoryRepository() {
  return {
    async last(imageId: ObjectId): Promise<HistoryEntryRecord | null> {
      return HistoryEntryModel.findOne({ image: imageId }).sort({ seq: -1 }).lean<HistoryEntryRecord>();
    },

    /** Fails with a duplicate-key error (code 11000) when another writer took this seq first. */
    async insert(entry: NewHistoryRecord): Promise<HistoryEntryRecord> {
      const created = await HistoryEntryModel.create(entry);
      return created.toObject() as HistoryEntryRecord;
    },

    async entriesOf(imageId: ObjectId): Promise<HistoryEntryRecord[]> {
      return HistoryEntryModel.find({ image: imageId }).sort({ seq: 1 }).lean<HistoryEntryRecord[]>();
    },

    async removeAllOf(imageIds: ObjectId[]): Promise<number> {
      const result = await HistoryEntryModel.deleteMany({ image: { $in: imageIds } });
      return result.deletedCount ?? 0;
    },

    /** Ids of the images that have history (the repair compares them with the records). */
    async owners(): Promise<ObjectId[]> {
      return HistoryEntryModel.distinct('image');
    },
  };
}

export type HistoryRepository = ReturnType<typeof createHistoryRepository>;
