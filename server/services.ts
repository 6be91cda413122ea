// Wires the capabilities' repositories and services together. Shared by server/main.ts, the CLI
// tools and the tests. Everything with state (write generations, caches, the hash index) is made
// here, once per archive, and handed to what needs it.
import os from 'node:os';
import pLimit from 'p-limit';
import { createArticlesRepository } from './articles/articles.repository';
import { createArticlesService } from './articles/articles.service';
import { createDescribedImagesService } from './articles/described-images.service';
import { createWriteGeneration } from './db/write-generation';
import type { ArticleLinks } from './images/article-links';
import { createImageService } from './images/images.service';
import { createImagesRepository } from './images/images.repository';
import { createIngestService } from './images/ingest.service';
import { createLookupService } from './images/lookup.service';
import { closeMetadataReaders } from './images/metadata';
import { repairStorage } from './images/repair';
import { ensureUploadDirs, uploadPaths } from './images/storage';
import { createAccountsCapability } from './accounts/accounts.capability';
import { createHistoryRepository } from './provenance/history.repository';
import { createHistoryService } from './provenance/history.service';
import { createProvenanceService } from './provenance/provenance.service';
import { createPicturesRepository } from './pictures/pictures.repository';
import { createGroupReaders, createPicturesService } from './pictures/pictures.service';
import { createSourcesService } from './sources/sources.service';
import type { Config } from './shared/config';
import type { Logger } from './shared/logger';
import { createWritesInFlight } from './shared/writes-in-flight';
import { createCreditsWriter } from './transfer/credits-writer';
import { createTransferService } from './transfer/transfer.service';
import { resolveFfmpeg } from './video/ffmpeg';
import { repairVideos } from './video/video.repair';
import { createVideoRepository } from './video/video.repository';
import { createVideoService, videoOriginFindings } from './video/video.service';
import { isVideoFormat } from './video/video-format';
import { declaredRecord } from './images/ingest.service';

/** How long shutdown waits for uploads and edits under way before closing the database anyway. */
const WRITES_SETTLE_MS = 15_000;

export interface ServiceOptions {
  /** How often lookups read the hashes other app instances stored (tests shorten it). */
  indexSyncMs?: number;
}

export async function createServices(config: Pick<Config, 'uploadDir' | 'limits' | 'accounts'> & Partial<Pick<Config, 'c2pa' | 'ffmpeg'>>, logger: Logger, options: ServiceOptions = {}) {
  const paths = uploadPaths(config.uploadDir);
  await ensureUploadDirs(paths);
  const limits = { maxPixels: config.limits.maxPixels, c2pa: config.c2pa };
  // libvips already uses every core inside one pipeline, so more decodes at once only add memory
  // (measured by npm run bench:ingest); one core is left for the embedded database's thread.
  const imageWork = pLimit(Math.max(1, os.availableParallelism() - 1));
  const generations = { images: createWriteGeneration(), articles: createWriteGeneration() };

  const imageRecords = createImagesRepository({ generation: generations.images });
  const articleRecords = createArticlesRepository({ generation: generations.articles });
  const history = createHistoryService({ repository: createHistoryRepository() });
  const videoRecords = createVideoRepository();
  const pictureRecords = createPicturesRepository();
  const videoFindings = videoOriginFindings(videoRecords, imageRecords);
  const groups = createGroupReaders({ repository: pictureRecords, images: imageRecords });
  const provenance = createProvenanceService(imageRecords, {
    indexSyncMs: options.indexSyncMs,
    originFindings: async (image) => [...(await videoFindings(image)), ...(await groups.groupFindings(image))],
    relatedImages: groups.groupMatesOf,
  });
  const sources = createSourcesService({ records: imageRecords });
  const pictures = createPicturesService({ repository: pictureRecords, images: imageRecords, provenance, history, readers: groups });
  const articles = createArticlesService({ repository: articleRecords, images: imageRecords, generation: generations.articles });
  const describedImages = createDescribedImagesService({ repository: articleRecords });
  const articleLinks: ArticleLinks = {
    findOrCreate: articles.findOrCreate,
    byId: articles.byId,
    byIds: articles.byIds,
    claimDescribed: describedImages.claim,
    releaseDescribed: describedImages.release,
    markFulfilled: describedImages.markFulfilled,
  };
  const writes = createWritesInFlight();
  const binaries = resolveFfmpeg(config.ffmpeg);
  const video = createVideoService({
    binaries,
    paths,
    limits: { maxSeconds: config.limits.maxVideoSeconds, maxPixels: limits.maxPixels },
    repository: videoRecords,
    images: imageRecords,
    provenance,
    history,
    logger,
    // One video decoded at a time: each FFmpeg pass already uses every core.
    videoWork: pLimit(1),
    declaredRecord,
  });
  const ingest = createIngestService({ paths, limits, imageWork, images: imageRecords, articles: articleLinks, provenance, history, logger, writes, video, pictures });
  const images = createImageService({ repository: imageRecords, articles: articleLinks, ingest, history, provenance, writes });
  const creditsWriter = createCreditsWriter();
  const transfer = createTransferService({ images: imageRecords, writer: creditsWriter, paths });
  const lookup = createLookupService({ provenance, limits, imageWork, video });
  const accounts = await createAccountsCapability(config.accounts, logger);
  return {
    accounts,
    paths,
    generations,
    history,
    provenance,
    pictures,
    sources,
    images,
    articles,
    describedImages,
    lookup,
    transfer,
    video,
    /** Repairs what a crash left behind (see images/repair.ts); `eachRecord` sees every record scanned. */
    repair: (eachRecord?: Parameters<typeof repairStorage>[1]['eachRecord']) =>
      repairStorage(paths, {
        images: imageRecords,
        history,
        provenance,
        logger,
        maxPixels: limits.maxPixels,
        eachRecord,
        rebuildDerivatives: (record, originalPath) => (isVideoFormat(record.file?.format) ? video.rebuildPoster(originalPath, record.file.format) : undefined),
      }),
    /** Needs the database: repairs what a crash left and loads the hash index. */
    async start() {
      // One scan of the records serves the repair's checks and fills the hash index.
      provenance.indexScanStarted(new Date());
      const recordIds = new Set<string>();
      await this.repair((record) => {
        recordIds.add(String(record._id));
        // A video is matched through its frames, not its poster.
        if (!isVideoFormat(record.file?.format)) provenance.indexStored(record._id, record.phash, record.picture);
      });
      await repairVideos(paths, { repository: videoRecords, logger, recordExists: (id) => recordIds.has(id) });
      await video.loadFrameIndex();
      logger.info(`Perceptual hash index: ${provenance.indexSize} images, ${video.frameIndexSize} video frames (FFmpeg: ${binaries.source}, ${binaries.ffmpeg})`);
    },
    /** After the HTTP server has closed: lets uploads and edits under way finish, then closes readers. */
    async stop() {
      if (!(await writes.settled(WRITES_SETTLE_MS))) {
        logger.warn(`${writes.count} upload(s) or edit(s) still under way after ${WRITES_SETTLE_MS / 1000} s; the start-up repair will tidy up after them`);
      }
      await closeMetadataReaders();
      await creditsWriter.close();
    },
  };
}

export type Services = Awaited<ReturnType<typeof createServices>>;
