// What the images capability asks of videos (server/video implements it; services.ts hands it in).
// A video arrives through the same upload and lookup as an image and becomes an image record, so
// video builds on images; images sees videos only through this port and never imports server/video.
import type mongoose from 'mongoose';
import type { Actor } from '../accounts/principal';
import type { VideoFormat } from '../files/video-format';
import type { DeclaredUpload } from './declared';
import type { ImageRecord } from './image.model';
import type { HashedUpload } from './upload';

/** A still ↔ video link as the API and the pages show it. */
export interface FrameLinkView {
  videoId: string;
  imageId: string;
  /** Seconds into the video. */
  t: number;
  timecode: string;
  distance: number;
  credit: string | null;
  caption: string | null;
  sourceUrl: string | null;
  heldSince: Date;
  thumbnailUrl?: string;
  /** The other side's page; for a video, opened at the frame. */
  url: string;
}

/** A lookup with a video file: its facts, the held stills from it, the same file if held. */
export interface VideoLookupResult {
  kind: 'video';
  sha256: string;
  format: VideoFormat;
  width: number;
  height: number;
  durationSeconds: number;
  frameRate: number | null;
  videoCodec: string;
  framesHashed: number;
  heldVideo: { id: string; url: string } | null;
  stills: Array<Omit<FrameLinkView, 'videoId'>>;
  matches: [];
  findings: [];
}

export interface VideoPort {
  /** The video container the file is, from its bytes; null for anything else. */
  recognise(filePath: string): Promise<VideoFormat | null>;
  /** Stores a new video upload as an image record (with `addUse` recording the article use). */
  storeNew(
    upload: HashedUpload,
    declared: DeclaredUpload,
    actor: Actor,
    format: VideoFormat,
    addUse: (image: ImageRecord) => Promise<ImageRecord>,
  ): Promise<{ outcome: 'created' | 'existing'; image: ImageRecord }>;
  /** After an image is stored: links it to the held videos it is a frame of. */
  stillStored(imageId: mongoose.Types.ObjectId, phash: string): Promise<void>;
  lookup(filePath: string, sha256: string, format: VideoFormat): Promise<VideoLookupResult>;
  /** The held videos a picture is a frame of. */
  framesMatching(phash: string): Promise<Array<Omit<FrameLinkView, 'imageId'>>>;
  /** What a video's image JSON adds (facts, contact sheet, stills); undefined for an image. */
  answerFor(image: Pick<ImageRecord, '_id' | 'file' | 'originalFile'>): Promise<object | undefined>;
}
