// Start-up repair for videos, after the images' (server/images/repair.ts): documents of a video whose
// image record was never written are removed, and so are contact-sheet frames no video refers to.
import mongoose from 'mongoose';
import { blobKey, blobName, type BlobStore } from '../blobs/blob-store';
import type { Logger } from '../shared/logger';
import type { VideoRepository } from './video.repository';

export interface VideoRepairReport {
  orphanDocumentsRemoved: number;
  orphanKeyframesRemoved: number;
  videosMissingKeyframes: string[];
}

export async function repairVideos(
  blobs: BlobStore,
  deps: {
    repository: VideoRepository;
    logger: Logger;
    recordExists: (id: string) => boolean;
    /** Only leftovers from before this are touched (see repairStorage): younger ones may be another instance's upload in progress. */
    olderThan: Date;
  },
): Promise<VideoRepairReport> {
  const report: VideoRepairReport = { orphanDocumentsRemoved: 0, orphanKeyframesRemoved: 0, videosMissingKeyframes: [] };
  const old = (time: Date) => time.getTime() <= deps.olderThan.getTime();
  // A video's documents are owned by its image id, made just before they are written.
  report.orphanDocumentsRemoved = await deps.repository.removeOrphans((id) => deps.recordExists(id) || !old(new mongoose.Types.ObjectId(id).getTimestamp()));
  const names: Array<{ name: string; written: Date }> = [];
  for await (const blob of blobs.list('video-frames/')) names.push({ name: blobName(blob.key), written: blob.lastModified });
  const referenced = await deps.repository.allKeyframeFiles();
  const present = new Set(names.map(({ name }) => name));
  for (const { name, written } of names) {
    if (referenced.has(name) || !old(written)) continue;
    await blobs.delete(blobKey('video-frames', name));
    report.orphanKeyframesRemoved++;
  }
  const missing = new Set<string>();
  for (const [file, video] of referenced) if (!present.has(file)) missing.add(String(video));
  report.videosMissingKeyframes = [...missing];
  if (report.orphanDocumentsRemoved + report.orphanKeyframesRemoved > 0) deps.logger.info('Start-up repair (videos)', report);
  // Not from a crash (frames are in place before the details that name them): someone removed them.
  if (missing.size > 0) deps.logger.error('Videos whose contact-sheet frames are missing', report.videosMissingKeyframes);
  return report;
}
