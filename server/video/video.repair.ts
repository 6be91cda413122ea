// Start-up repair for videos, after the images' (server/images/repair.ts): documents of a video whose
// image record was never written are removed, and so are contact-sheet frames no video refers to.
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { UploadPaths } from '../images/storage';
import { removeQuietly } from '../images/storage';
import type { Logger } from '../shared/logger';
import { keyframeFolder } from './video.service';
import type { VideoRepository } from './video.repository';

export interface VideoRepairReport {
  orphanDocumentsRemoved: number;
  orphanKeyframesRemoved: number;
  videosMissingKeyframes: string[];
}

export async function repairVideos(
  paths: UploadPaths,
  deps: { repository: VideoRepository; logger: Logger; recordExists: (id: string) => boolean },
): Promise<VideoRepairReport> {
  const report: VideoRepairReport = { orphanDocumentsRemoved: 0, orphanKeyframesRemoved: 0, videosMissingKeyframes: [] };
  report.orphanDocumentsRemoved = await deps.repository.removeOrphans(deps.recordExists);
  const folder = keyframeFolder(paths);
  let names: string[] = [];
  try {
    names = await readdir(folder);
  } catch {
    // No video stored yet: nothing to check.
  }
  const referenced = await deps.repository.allKeyframeFiles();
  const present = new Set(names);
  for (const name of names) {
    // Temporary names (".<uuid>.part") are writes a crash interrupted.
    if (referenced.has(name)) continue;
    await removeQuietly(path.join(folder, name));
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
