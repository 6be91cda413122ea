// Picture groups: the matches between held images (links) and the group each image belongs to
// (union-find with the path fully compressed: every member points at its group's id).
import mongoose, { Schema, type InferSchemaType } from 'mongoose';

// 'frame': the copy is a still of a frame of the video it is linked to (server/video finds it).
export const LINK_RELATIONS = ['resized', 'crop', 'mirrored', 'rotated', 'contains', 'frame'] as const;

const pictureLinkSchema = new Schema(
  {
    /** The image that is the copy: a crop, a mirrored or turned copy, a resized copy, or a composite containing `of`. */
    copy: { type: Schema.Types.ObjectId, required: true },
    of: { type: Schema.Types.ObjectId, required: true },
    relation: { type: String, enum: LINK_RELATIONS, required: true },
    distance: { type: Number, required: true },
    /** Set when an editor took one of the two images out of the group: the link no longer joins them. */
    removed: {
      type: new Schema({ by: String, reason: String, at: Date, image: Schema.Types.ObjectId }, { _id: false }),
      default: undefined,
    },
  },
  { timestamps: { createdAt: true, updatedAt: false } },
);
pictureLinkSchema.index({ copy: 1, of: 1 }, { unique: true });
pictureLinkSchema.index({ of: 1 });

const pictureMemberSchema = new Schema({
  image: { type: Schema.Types.ObjectId, required: true, unique: true },
  /** The group's id: its first member's image id. */
  group: { type: Schema.Types.ObjectId, required: true },
});
pictureMemberSchema.index({ group: 1 });

export type PictureLinkRecord = InferSchemaType<typeof pictureLinkSchema> & { _id: mongoose.Types.ObjectId; createdAt: Date };
export type PictureMemberRecord = InferSchemaType<typeof pictureMemberSchema> & { _id: mongoose.Types.ObjectId };

export const PictureLinkModel = mongoose.model('PictureLink', pictureLinkSchema);
export const PictureMemberModel = mongoose.model('PictureMember', pictureMemberSchema);
