// Wires the capabilities' services together. Shared by server/main.ts and the tests.
import { createImageService } from './images/images.service';
import { createIngestService } from './images/ingest.service';
import { closeMetadataReaders } from './images/metadata';
import { repairStorage } from './images/repair';
import { ensureUploadDirs, uploadPaths } from './images/storage';
import { createAccountsCapability } from './accounts/accounts.capability';
import { createHistoryService } from './provenance/history.service';
import { createLookupService } from './images/lookup.service';
import { createProvenanceService } from './provenance/provenance.service';
import os from 'node:os';
import pLimit from 'p-limit';
import type { Config } from './shared/config';
import type { Logger } from './shared/logger';
import { createWritesInFlight } from './shared/writes-in-flight';

/** How long shutdown waits for uploads and edits under way before closing the database anyway. */
const WRITES_SETTLE_MS = 15_000;

export async function createServices(config: Pick<Config, 'uploadDir' | 'limits' | 'accounts'>, logger: Logger) {
  const paths = uploadPaths(config.uploadDir);
  await ensureUploadDirs(paths);
  const limits = { maxPixels: config.limits.maxPixels };
  // libvips already uses every core inside one pipeline, so more decodes at once only add memory
  // (measured by npm run bench:ingest); one core is left for the embedded database's thread.
  const imageWork = pLimit(Math.max(1, os.availableParallelism() - 1));
  const history = createHistoryService();
  const provenance = createProvenanceService();
  const writes = createWritesInFlight();
  const ingest = createIngestService({ paths, limits, imageWork, provenance, history, logger, writes });
  const images = createImageService({ ingest, history, provenance, writes });
  const lookup = createLookupService({ provenance, limits, imageWork });
  const accounts = await createAccountsCapability(config.accounts, logger);
  return {
    accounts,
    paths,
    history,
    provenance,
    images,
    lookup,
    /** Needs the database: repairs what a crash left and loads the hash index. */
    async start() {
      // One scan of the records serves the repair's checks and fills the hash index.
      provenance.indexScanStarted(new Date());
      await repairStorage(paths, { provenance, logger, maxPixels: limits.maxPixels, eachRecord: (record) => provenance.indexStored(record._id, record.phash) });
      logger.info(`Perceptual hash index: ${provenance.indexSize} images`);
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
