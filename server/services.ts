// Wires the capabilities' services together. Shared by server/main.ts and the tests.
import { createImageService } from './images/images.service';
import { createIngestService } from './images/ingest.service';
import { closeMetadataReaders } from './images/metadata';
import { repairStorage } from './images/repair';
import { ensureUploadDirs, uploadPaths } from './images/storage';
import { createHistoryService } from './provenance/history.service';
import { createLookupService } from './images/lookup.service';
import { createProvenanceService } from './provenance/provenance.service';
import os from 'node:os';
import pLimit from 'p-limit';
import type { Config } from './shared/config';
import type { Logger } from './shared/logger';
import { createWritesInFlight } from './shared/writes-in-flight';
import { resolveFfmpeg } from './video/ffmpeg';
import { repairVideos } from './video/video.repair';
import { createVideoRepository } from './video/video.repository';
import { createVideoService, videoOriginFindings } from './video/video.service';
import { isVideoFormat } from './video/video-format';
import { declaredRecord } from './images/ingest.service';

/** How long shutdown waits for uploads and edits under way before closing the database anyway. */
const WRITES_SETTLE_MS = 15_000;

export async function createServices(config: Pick<Config, 'uploadDir' | 'limits'> & Partial<Pick<Config, 'ffmpeg'>>, logger: Logger) {
  const paths = uploadPaths(config.uploadDir);
  await ensureUploadDirs(paths);
  const limits = { maxPixels: config.limits.maxPixels };
  // libvips already uses every core inside one pipeline, so more decodes at once only add memory
  // (measured by npm run bench:ingest); one core is left for the embedded database's thread.
  const imageWork = pLimit(Math.max(1, os.availableParallelism() - 1));
  const history = createHistoryService();
  const videoRepository = createVideoRepository();
  const provenance = createProvenanceService({ originFindings: videoOriginFindings(videoRepository) });
  const writes = createWritesInFlight();
  const binaries = resolveFfmpeg(config.ffmpeg);
  // One video decoded at a time: each FFmpeg pass already uses every core.
  const video = createVideoService({
    binaries,
    paths,
    limits: { maxSeconds: config.limits.maxVideoSeconds, maxPixels: limits.maxPixels },
    repository: videoRepository,
    provenance,
    history,
    logger,
    videoWork: pLimit(1),
    declaredRecord,
  });
  const ingest = createIngestService({ paths, limits, imageWork, provenance, history, logger, writes, video });
  const images = createImageService({ ingest, history, provenance, writes });
  const lookup = createLookupService({ provenance, limits, imageWork, video });
  return {
    paths,
    history,
    provenance,
    images,
    lookup,
    video,
    /** Needs the database: repairs what a crash left and loads the hash index. */
    async start() {
      // One scan of the records serves the repair's checks and fills the hash index.
      provenance.indexScanStarted(new Date());
      const recordIds = new Set<string>();
      await repairStorage(paths, {
        provenance,
        logger,
        maxPixels: limits.maxPixels,
        eachRecord: (record) => {
          recordIds.add(String(record._id));
          // A video is matched through its frames, not its poster.
          if (!isVideoFormat(record.file?.format)) provenance.indexStored(record._id, record.phash);
        },
        rebuildDerivatives: (record, originalPath) => (isVideoFormat(record.file?.format) ? video.rebuildPoster(originalPath, record.file.format) : undefined),
      });
      await repairVideos(paths, { repository: videoRepository, logger, recordExists: (id) => recordIds.has(id) });
      await video.loadFrameIndex();
      logger.info(`Perceptual hash index: ${provenance.indexSize} images, ${video.frameIndexSize} video frames (FFmpeg: ${binaries.source}, ${binaries.ffmpeg})`);
    },
    /** After the HTTP server has closed: lets uploads and edits under way finish, then closes readers. */
    async stop() {
      if (!(await writes.settled(WRITES_SETTLE_MS))) {
        logger.warn(`${writes.count} upload(s) or edit(s) still under way after ${WRITES_SETTLE_MS / 1000} s; the start-up repair will tidy up after them`);
      }
      await closeMetadataReaders();
    },
  };
}

export type Services = Awaited<ReturnType<typeof createServices>>;
