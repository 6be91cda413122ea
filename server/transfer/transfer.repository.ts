// The image records as the transfer capability reads them: by SHA-256 (the import tool's
// known-hashes check) and by id (downloads). The only module of this capability that touches a model.
import mongoose from 'mongoose';
import { ImageModel, type ImageRecord } from '../images/image.model';

export type DownloadRecord = Pick<ImageRecord, '_id' | 'sha256' | 'originalFile' | 'declared' | 'embedded' | 'file' | 'c2pa' | 'uploadName'>;

export function createTransferRepository() {
  return {
    /** The held images among these SHA-256 hashes: one `$in` on the unique sha256 index. */
    async idsBySha256(hashes: string[]): Promise<Array<{ sha256: string; id: string }>> {
      if (hashes.length === 0) return [];
      const found = await ImageModel.find({ sha256: { $in: hashes } }, { sha256: 1 }).lean<Array<{ _id: mongoose.Types.ObjectId; sha256: string }>>();
      return found.map((record) => ({ sha256: record.sha256, id: String(record._id) }));
    },

    async findForDownload(id: mongoose.Types.ObjectId): Promise<DownloadRecord | null> {
      return ImageModel.findById(id, { sha256: 1, originalFile: 1, declared: 1, embedded: 1, file: 1, c2pa: 1, uploadName: 1 }).lean<DownloadRecord>();
    },
  };
}

export type TransferRepository = ReturnType<typeof createTransferRepository>;
