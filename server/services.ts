// Wires the capabilities' repositories and services together. Shared by server/main.ts, the CLI
// tools and the tests. Everything with state (write generations, caches, the hash index) is made
// here, once per archive, and handed to what needs it.
import os from 'node:os';
import mongoose from 'mongoose';
import pLimit from 'p-limit';
import { createBlobStore } from './blobs/blobs';
import { createArticlesRepository } from './articles/articles.repository';
import { createArticlesService } from './articles/articles.service';
import { createDescribedImagesService } from './articles/described-images.service';
import { createGenerationsRepository } from './db/generations.repository';
import { createSharedGenerations } from './db/write-generation';
import type { ArticleLinks } from './images/article-links';
import { createImageService } from './images/images.service';
import { createImagesRepository } from './images/images.repository';
import { createIngestService } from './images/ingest.service';
import { createLookupService } from './images/lookup.service';
import { createMetadataReader } from './images/metadata';
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
import { isVideoFormat } from './files/video-format';
import { declaredRecord } from './images/ingest.service';

/** How long shutdown waits for uploads and edits under way before closing the database anyway. */
const WRITES_SETTLE_MS = 15_000;

export interface ServiceOptions {
  /** How often lookups read the hashes other app instances stored (tests shorten it). */
  indexSyncMs?: number;
  /** How often the shared write signal is read (default db/write-generation.ts SIGNAL_POLL_MS). */
  signalPollMs?: number;
  /**
   * Age limit of the gallery's pages and the article choices, which bounds how stale they are after
   * a write no write generation hears of (one made straight in the database); default 2 s.
   */
  cacheMaxAgeMs?: number;
}

export async function createServices(
  config: Pick<Config, 'uploadDir' | 'limits' | 'accounts'> & Partial<Pick<Config, 'c2pa' | 'ffmpeg' | 'blobs' | 'leftoverMarginSeconds'>>,
  logger: Logger,
  options: ServiceOptions = {},
) {
  const paths = uploadPaths(config.uploadDir);
  const blobsConfig = config.blobs ?? { store: 'local' };
  const leftoverMarginMs = (config.leftoverMarginSeconds ?? 3600) * 1000;
  /** Leftovers from before this moment are no one's work in progress. */
  const leftoversBefore = () => new Date(Date.now() - leftoverMarginMs);
  await ensureUploadDirs(paths, blobsConfig.store === 'local');
  const blobs = createBlobStore(blobsConfig, config.uploadDir, () => {
    const db = mongoose.connection.db;
    if (!db) throw new Error('GridFS needs the database connection, which is not open');
    return db;
  });
  const limits = { maxPixels: config.limits.maxPixels, c2pa: config.c2pa };
  // libvips already uses every core inside one pipeline, so more decodes at once only add memory
  // (measured by npm run bench:ingest); one core is left for the embedded database's thread.
  const imageWork = pLimit(Math.max(1, os.availableParallelism() - 1));
  // Shared with the other app instances on this database through a small `generations` document.
  const signal = createSharedGenerations(['images', 'articles'] as const, createGenerationsRepository(), { pollMs: options.signalPollMs });
  const { generations } = signal;

  const imageRecords = createImagesRepository({ generation: generations.images });
  const articleRecords = createArticlesRepository({ generation: generations.articles });
  const history = createHistoryService({ repository: createHistoryRepository() });
  const videoRecords = createVideoRepository();
  const pictureRecords = createPicturesRepository();
  const videoFindings = videoOriginFindings(videoRecords, imageRecords);
  const groups = createGroupReaders({ repository: pictureRecords, images: imageRecords });
  const provenance = createProvenanceService(imageRecords, {
    indexSyncMs: options.indexSyncMs,
    remoteWrites: generations.images.remoteChanges,
    originFindings: async (image) => [...(await videoFindings(image)), ...(await groups.groupFindings(image))],
    relatedImages: groups.groupMatesOf,
  });
  const sources = createSourcesService({ records: imageRecords });
  const pictures = createPicturesService({ repository: pictureRecords, images: imageRecords, provenance, history, readers: groups });
  const articles = createArticlesService({ repository: articleRecords, images: imageRecords, generation: generations.articles, choicesMaxAgeMs: options.cacheMaxAgeMs });
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
    blobs,
    limits: { maxSeconds: config.limits.maxVideoSeconds, maxPixels: limits.maxPixels },
    repository: videoRecords,
    images: imageRecords,
    provenance,
    history,
    logger,
    // One video decoded at a time: each FFmpeg pass already uses every core.
    videoWork: pLimit(1),
    remoteWrites: generations.images.remoteChanges,
    pictures,
    declaredRecord,
  });
  const metadataReader = createMetadataReader();
  const ingest = createIngestService({ blobs, limits, metadataReader, imageWork, images: imageRecords, articles: articleLinks, provenance, history, logger, writes, video, pictures });
  const images = createImageService({ repository: imageRecords, articles: articleLinks, ingest, history, provenance, writes });
  const creditsWriter = createCreditsWriter();
  const transfer = createTransferService({ images: imageRecords, writer: creditsWriter, paths, blobs });
  const lookup = createLookupService({ provenance, limits, metadataReader, imageWork, video });
  const accounts = await createAccountsCapability(config.accounts, logger);
  return {
    accounts,
    paths,
    blobs,
    generations,
    cacheMaxAgeMs: options.cacheMaxAgeMs,
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
    repair: (eachRecord?: Parameters<typeof repairStorage>[2]['eachRecord']) =>
      repairStorage(paths, blobs, {
        images: imageRecords,
        history,
        provenance,
        logger,
        maxPixels: limits.maxPixels,
        olderThan: leftoversBefore(),
        eachRecord,
        rebuildDerivatives: (record, originalPath) => (isVideoFormat(record.file?.format) ? video.rebuildPoster(originalPath, record.file.format) : undefined),
      }),
    /** Needs the database: repairs what a crash left and loads the hash index. */
    /** Stops reading the shared write signal (stop() does too). */
    stopSignal: () => signal.stop(),
    async start() {
      await signal.start();
      const backfilled = await imageRecords.backfillFoldedIntoGroup();
      if (backfilled > 0) logger.info(`Marked ${backfilled} record(s) from before picture groups as unfolded (foldedIntoGroup: false)`);
      // One scan of the records serves the repair's checks and fills the hash index.
      provenance.indexScanStarted(new Date());
      const recordIds = new Set<string>();
      await this.repair((record) => {
        recordIds.add(String(record._id));
        // A video is matched through its frames, not its poster.
        if (!isVideoFormat(record.file?.format)) provenance.indexStored(record._id, record.phash, record.picture);
      });
      await repairVideos(blobs, { repository: videoRecords, logger, recordExists: (id) => recordIds.has(id), olderThan: leftoversBefore() });
      await video.loadFrameIndex();
      logger.info(`Perceptual hash index: ${provenance.indexSize} images, ${video.frameIndexSize} video frames (FFmpeg: ${binaries.source}, ${binaries.ffmpeg})`);
    },
    /** After the HTTP server has closed: lets uploads and edits under way finish, then closes readers. */
    async stop() {
      if (!(await writes.settled(WRITES_SETTLE_MS))) {
        logger.warn(`${writes.count} upload(s) or edit(s) still under way after ${WRITES_SETTLE_MS / 1000} s; the start-up repair will tidy up after them`);
      }
      await signal.stop();
      await metadataReader.close();
      await creditsWriter.close();
    },
  };
}

export type Services = Awaited<ReturnType<typeof createServices>>;
