// Start-up repair: whatever a crash mid-ingest left behind is removed or completed here,
// so the archive never shows a record without its files nor keeps files without a record.
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type mongoose from 'mongoose';
import type { HistoryService } from '../provenance/history.service';
import type { Logger } from '../shared/logger';
import type { ImageProvenance } from './image-provenance';
import type { ImageFormat } from './image.types';
import type { ImagesRepository, RepairRecord } from './images.repository';
import { makeDerivatives, type Derivatives } from './media';
import { removeQuietly, type UploadPaths } from './storage';

export interface RepairReport {
  tempFilesRemoved: number;
  orphanFilesRemoved: number;
  derivativesRebuilt: number;
  /** Records whose derivatives were missing and could not be made again from the original. */
  derivativesFailed: string[];
  recordsMissingOriginal: string[];
  orphanDocumentsRemoved: number;
  reportsRefreshed: number;
}

/** Names of the regular files in a folder. */
async function filesIn(folder: string): Promise<Set<string>> {
  const entries = await readdir(folder, { withFileTypes: true });
  return new Set(entries.filter((entry) => entry.isFile()).map((entry) => entry.name));
}

export async function repairStorage(
  paths: UploadPaths,
  deps: {
    images: ImagesRepository;
    history: Pick<HistoryService, 'removeOrphans'>;
    provenance: Pick<ImageProvenance, 'refresh'>;
    logger: Logger;
    maxPixels: number;
    /** Sees every record as the repair reads it, before any report is refreshed (services.ts fills the hash index from it). */
    eachRecord?: (record: Pick<RepairRecord, '_id' | 'phash' | 'picture' | 'file'>) => void;
    /** Makes derivatives the images' way cannot (a video's poster); undefined: not this one's. */
    rebuildDerivatives?: (record: Pick<RepairRecord, '_id' | 'file'>, originalPath: string) => Promise<Derivatives> | undefined;
  },
): Promise<RepairReport> {
  const report: RepairReport = {
    tempFilesRemoved: 0,
    orphanFilesRemoved: 0,
    derivativesRebuilt: 0,
    derivativesFailed: [],
    recordsMissingOriginal: [],
    orphanDocumentsRemoved: 0,
    reportsRefreshed: 0,
  };

  // Uploads in flight when the process stopped: none of them has a record.
  for (const name of await readdir(paths.tmp)) {
    await removeQuietly(path.join(paths.tmp, name));
    report.tempFilesRemoved++;
  }

  // One listing of each folder instead of a stat per file: the check below is then in memory, and
  // start-up stays quick with a hundred thousand records (stat-ing three files each took ~20 s).
  const [originals, derivatives] = await Promise.all([filesIn(paths.originals), filesIn(paths.derivatives)]);
  const referenced = new Set<string>();
  const imageIds = new Set<string>();
  const unreported: mongoose.Types.ObjectId[] = [];
  for await (const record of deps.images.scanForRepair()) {
    deps.eachRecord?.(record);
    imageIds.add(String(record._id));
    // A crash after the record was written but before its report was computed (refreshed below,
    // once every file is in place).
    if (!record.provenance?.computedAt) unreported.push(record._id);
    referenced.add(record.originalFile);
    const derivativeFiles = [record.derivatives?.thumbnail?.file, record.derivatives?.display?.file];
    derivativeFiles.forEach((file) => file && referenced.add(file));
    if (!originals.has(record.originalFile)) {
      // Not caused by a crash (files are in place before the record is written): someone removed it.
      // The record holds curated captions and history, so it is reported, not deleted.
      report.recordsMissingOriginal.push(String(record._id));
      continue;
    }
    if (derivativeFiles.some((file) => !file || !derivatives.has(file))) {
      const originalPath = path.join(paths.originals, record.originalFile);
      let rebuilt;
      try {
        rebuilt = await (deps.rebuildDerivatives?.(record, originalPath) ??
          makeDerivatives(originalPath, (record.file?.format ?? 'jpeg') as ImageFormat, paths.derivatives, { maxPixels: deps.maxPixels }));
      } catch (error) {
        // One original that no longer decodes (damaged on disk, or over a lowered pixel limit)
        // must not stop the archive from starting: it is reported, like a missing original.
        report.derivativesFailed.push(String(record._id));
        deps.logger.error(`Could not rebuild the derivatives of image ${String(record._id)}`, error instanceof Error ? error.message : String(error));
        continue;
      }
      await deps.images.setDerivatives(record._id, rebuilt);
      for (const file of [rebuilt.thumbnail.file, rebuilt.display.file]) {
        referenced.add(file);
        derivatives.add(file);
      }
      report.derivativesRebuilt++;
    }
  }

  for (const [folder, names] of [
    [paths.originals, originals],
    [paths.derivatives, derivatives],
  ] as const) {
    for (const name of names) {
      if (referenced.has(name)) continue;
      await removeQuietly(path.join(folder, name));
      report.orphanFilesRemoved++;
    }
  }

  // Metadata and history are written just before their image record; without it they are leftovers.
  const orphanMetadata = (await deps.images.metadataOwners()).filter((owner) => !imageIds.has(String(owner)));
  if (orphanMetadata.length > 0) report.orphanDocumentsRemoved += await deps.images.removeMetadata(orphanMetadata);
  report.orphanDocumentsRemoved += await deps.history.removeOrphans((owner) => imageIds.has(String(owner)));

  for (const id of unreported) {
    await deps.provenance.refresh(id, { alsoMatches: true });
    report.reportsRefreshed++;
  }

  const changed = report.tempFilesRemoved + report.orphanFilesRemoved + report.derivativesRebuilt + report.orphanDocumentsRemoved + report.reportsRefreshed;
  if (changed > 0) deps.logger.info('Start-up repair', report);
  if (report.recordsMissingOriginal.length > 0) {
    deps.logger.error(`Records whose original file is missing from ${paths.originals}`, report.recordsMissingOriginal);
  }
  return report;
}
