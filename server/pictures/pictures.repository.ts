// The picture links and group memberships: the only module that imports their models.
import mongoose from 'mongoose';
import { PictureLinkModel, PictureMemberModel, type PictureLinkRecord } from './picture-link.model';

type ObjectId = mongoose.Types.ObjectId;

export type LinkRelation = PictureLinkRecord['relation'];

export function createPicturesRepository() {
  return {
    /** Records a match between two images; an existing link between them is kept as it is (a removal stays a removal). */
    async link(copy: ObjectId, of: ObjectId, relation: LinkRelation, distance: number): Promise<void> {
      await PictureLinkModel.updateOne({ copy, of }, { $setOnInsert: { copy, of, relation, distance } }, { upsert: true });
    },

    /** Every link touching these images, removed ones included. */
    async linksOf(ids: ObjectId[]): Promise<PictureLinkRecord[]> {
      return PictureLinkModel.find({ $or: [{ copy: { $in: ids } }, { of: { $in: ids } }] }).lean<PictureLinkRecord[]>();
    },

    async removeLinks(ids: ObjectId[], removal: { by: string; reason: string; at: Date; image: ObjectId }): Promise<void> {
      await PictureLinkModel.updateMany({ _id: { $in: ids } }, { $set: { removed: removal } });
    },

    async groupOf(image: ObjectId): Promise<ObjectId | undefined> {
      return (await PictureMemberModel.findOne({ image }, { group: 1 }).lean<{ group: ObjectId }>())?.group;
    },

    async membersOf(group: ObjectId): Promise<ObjectId[]> {
      return (await PictureMemberModel.find({ group }, { image: 1 }).lean<Array<{ image: ObjectId }>>()).map((m) => m.image);
    },

    /** Points every one of `images` at `group`. */
    async setGroup(images: ObjectId[], group: ObjectId): Promise<void> {
      if (images.length === 0) return;
      await PictureMemberModel.bulkWrite(images.map((image) => ({ updateOne: { filter: { image }, update: { $set: { image, group } }, upsert: true } })));
    },

    async forget(images: ObjectId[]): Promise<void> {
      await PictureMemberModel.deleteMany({ image: { $in: images } });
    },
  };
}

export type PicturesRepository = ReturnType<typeof createPicturesRepository>;
