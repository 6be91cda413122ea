// The video capability's data: video details, frame hashes and still-to-frame links.
// Image records (including a video's) stay in the images capability; this holds what only videos have.
import mongoose from 'mongoose';
import { VideoFrameModel, VideoModel, VideoStillModel } from './video.model';
import type { VideoFacts } from './video-metadata';

type ObjectId = mongoose.Types.ObjectId;

export interface Keyframe {
  t: number;
  file: string;
  width: number;
  height: number;
  /** Taken at a scene change (else at the minimum rate). */
  scene: boolean;
}

export interface VideoDetails {
  image: ObjectId;
  facts: VideoFacts;
  keyframes: Keyframe[];
  posterAt: number;
  sampledFrames: number;
  sampling: { intervalSeconds: number; sceneThreshold: number };
}

export interface FrameHash {
  t: number;
  phash: string;
}

export interface StillLink {
  video: ObjectId;
  image: ObjectId;
  t: number;
  distance: number;
}

const FRAME_BATCH = 1000;

export function createVideoRepository() {
  return {
    async insertFrames(video: ObjectId, frames: FrameHash[]): Promise<void> {
      for (let i = 0; i < frames.length; i += FRAME_BATCH) {
        await VideoFrameModel.insertMany(frames.slice(i, i + FRAME_BATCH).map((frame) => ({ video, ...frame })), { ordered: false, lean: true });
      }
    },
    async insertDetails(details: VideoDetails): Promise<void> {
      await VideoModel.create(details);
    },
    async detailsOf(image: ObjectId): Promise<VideoDetails | undefined> {
      return (await VideoModel.findOne({ image }).lean<VideoDetails>()) ?? undefined;
    },
    /** Every stored frame hash, for filling the frame index at start. */
    /** Videos whose details were written at or after `since` (details are written after their frames). */
    async videosSince(since: Date): Promise<ObjectId[]> {
      const docs = await VideoModel.find({ _id: { $gte: mongoose.Types.ObjectId.createFromTime(Math.floor(since.getTime() / 1000)) } }, { _id: 0, image: 1 }).lean<Array<{ image: ObjectId }>>();
      return docs.map((doc) => doc.image);
    },
    allFrames(): AsyncIterable<{ video: ObjectId; t: number; phash: string }> {
      return VideoFrameModel.find({}, { video: 1, t: 1, phash: 1 }).lean<{ video: ObjectId; t: number; phash: string }>().cursor({ batchSize: 5000 });
    },
    async framesOf(video: ObjectId): Promise<FrameHash[]> {
      return VideoFrameModel.find({ video }, { _id: 0, t: 1, phash: 1 }).sort({ t: 1 }).lean<FrameHash[]>();
    },
    /** Records (or moves to a closer frame) the link between a still and a video. */
    async linkStill(link: StillLink): Promise<void> {
      await VideoStillModel.updateOne({ video: link.video, image: link.image }, { $set: { t: link.t, distance: link.distance } }, { upsert: true });
    },
    async stillsOf(video: ObjectId): Promise<StillLink[]> {
      return VideoStillModel.find({ video }, { _id: 0, video: 1, image: 1, t: 1, distance: 1 }).sort({ t: 1 }).lean<StillLink[]>();
    },
    async sourcesOf(image: ObjectId): Promise<StillLink[]> {
      return VideoStillModel.find({ image }, { _id: 0, video: 1, image: 1, t: 1, distance: 1 }).sort({ distance: 1 }).lean<StillLink[]>();
    },
    async isKeyframeFileUsed(file: string): Promise<boolean> {
      return Boolean(await VideoModel.exists({ 'keyframes.file': file }));
    },
    /** Keyframe files of every video, for the start-up repair. */
    async allKeyframeFiles(): Promise<Map<string, ObjectId>> {
      const files = new Map<string, ObjectId>();
      for await (const video of VideoModel.find({}, { image: 1, 'keyframes.file': 1 }).lean<Pick<VideoDetails, 'image' | 'keyframes'>>().cursor({ batchSize: 500 })) {
        for (const keyframe of video.keyframes ?? []) files.set(keyframe.file, video.image);
      }
      return files;
    },
    /** Removes the documents of videos whose image record does not exist (a crash before it was written). */
    async removeOrphans(recordExists: (id: string) => boolean): Promise<number> {
      let removed = 0;
      for (const [model, field] of [
        [VideoModel, 'image'],
        [VideoFrameModel, 'video'],
        [VideoStillModel, 'video'],
        [VideoStillModel, 'image'],
      ] as const) {
        const owners = (await (model as typeof VideoModel).distinct(field)) as ObjectId[];
        const orphans = owners.filter((owner) => !recordExists(String(owner)));
        if (orphans.length > 0) removed += (await (model as typeof VideoModel).deleteMany({ [field]: { $in: orphans } })).deletedCount ?? 0;
      }
      return removed;
    },
    async removeVideo(video: ObjectId): Promise<void> {
      await Promise.all([VideoModel.deleteOne({ image: video }), VideoFrameModel.deleteMany({ video }), VideoStillModel.deleteMany({ video })]);
    },
  };
}

export type VideoRepository = ReturnType<typeof createVideoRepository>;
