// The video capability's collections. Imported by video.repository.ts alone.
import mongoose, { Schema } from 'mongoose';

const keyframeSchema = new Schema(
  { t: Number, file: String, width: Number, height: Number, scene: Boolean },
  { _id: false },
);

/** What a video record has beyond an image record: its facts, its contact sheet. One per video image record. */
const videoSchema = new Schema(
  {
    image: { type: Schema.Types.ObjectId, ref: 'Image', required: true, unique: true },
    facts: { type: Schema.Types.Mixed, required: true },
    keyframes: { type: [keyframeSchema], default: [] },
    posterAt: Number,
    sampledFrames: Number,
    sampling: { intervalSeconds: Number, sceneThreshold: Number },
  },
  { timestamps: true, minimize: false },
);
videoSchema.index({ 'keyframes.file': 1 });

/** One sampled frame's perceptual hash, with its video (the image record's id) and timecode. */
const videoFrameSchema = new Schema(
  {
    video: { type: Schema.Types.ObjectId, ref: 'Image', required: true },
    t: { type: Number, required: true },
    phash: { type: String, required: true },
  },
  { versionKey: false },
);
videoFrameSchema.index({ video: 1, t: 1 });

/** A held still that matches a frame of a held video: where in the video, and how close. */
const videoStillSchema = new Schema(
  {
    video: { type: Schema.Types.ObjectId, ref: 'Image', required: true },
    image: { type: Schema.Types.ObjectId, ref: 'Image', required: true },
    t: { type: Number, required: true },
    distance: { type: Number, required: true },
  },
  { timestamps: true },
);
videoStillSchema.index({ video: 1, image: 1 }, { unique: true });
videoStillSchema.index({ image: 1 });

export const VideoModel = mongoose.model('Video', videoSchema);
export const VideoFrameModel = mongoose.model('VideoFrame', videoFrameSchema);
export const VideoStillModel = mongoose.model('VideoStill', videoStillSchema);
