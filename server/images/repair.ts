// Start-up repair: whatever a crash mid-ingest left behind is removed or completed here,
// so the archive never shows a record without its files nor keeps files without a record.
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type mongoose from 'mongoose';
import { blobKey, blobName, type BlobStore } from '../blobs/blob-store';
import { derivativesInto, withLocalFile } from '../blobs/blobs';
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
  /** Leftovers younger than the margin: maybe another instance's upload in progress, left for a later start. */
  youngLeftoversKept: number;
}

/** Names of the blobs in one folder of the store, with when each was written. */
async function namesIn(blobs: BlobStore, folder: 'originals' | 'derivatives'): Promise<Map<string, Date>> {
  const names = new Map<string, Date>();
  for await (const blob of blobs.list(`${folder}/`)) names.set(blobName(blob.key), blob.lastModified);
  return names;
}

export async function repairStorage(
  paths: UploadPaths,
  blobs: BlobStore,
  deps: {
    images: ImagesRepository;
    history: Pick<HistoryService, 'removeOrphans'>;
    provenance: Pick<ImageProvenance, 'refresh'>;
    logger: Logger;
    maxPixels: number;
    /**
     * Only leftovers from before this are touched (files by their last-modified time, documents by
     * their owner's ObjectId time): anything younger may be another instance's upload in progress.
     */
    olderThan: Date;
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
    youngLeftoversKept: 0,
  };
  const { olderThan } = deps;
  const old = (time: Date) => time.getTime() <= olderThan.getTime();

  // Uploads in flight when the process stopped: none of them has a record.
  for (const name of await readdir(paths.tmp)) {
    const filePath = path.join(paths.tmp, name);
    const modified = (await stat(filePath).catch(() => undefined))?.mtime;
    if (modified && !old(modified)) {
      report.youngLeftoversKept++;
      continue;
    }
    await removeQuietly(filePath);
    report.tempFilesRemoved++;
  }

  report.tempFilesRemoved += await blobs.removeIncomplete(olderThan);

  // One listing of each folder instead of a stat per file: the check below is then in memory, and
  // start-up stays quick with a hundred thousand records (stat-ing three files each took ~20 s).
  const [originals, derivatives] = await Promise.all([namesIn(blobs, 'originals'), namesIn(blobs, 'derivatives')]);
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
      let rebuilt;
      try {
        rebuilt = await withLocalFile(blobs, blobKey('originals', record.originalFile), paths.tmp, (originalPath) =>
          deps.rebuildDerivatives?.(record, originalPath) ??
          makeDerivatives(originalPath, (record.file?.format ?? 'jpeg') as ImageFormat, derivativesInto(blobs), { maxPixels: deps.maxPixels }));
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
        derivatives.set(file, new Date());
      }
      report.derivativesRebuilt++;
    }
  }

  for (const [folder, names] of [
    ['originals', originals],
    ['derivatives', derivatives],
  ] as const) {
    for (const [name, written] of names) {
      if (referenced.has(name)) continue;
      if (!old(written)) {
        report.youngLeftoversKept++;
        continue;
      }
      await blobs.delete(blobKey(folder, name));
      report.orphanFilesRemoved++;
    }
  }

  // Metadata and history are written just before their image record; without it they are leftovers.
  // An image's id is made just before its metadata and history are written, so its time says how old they are.
  const orphanMetadata = (await deps.images.metadataOwners()).filter((owner) => !imageIds.has(String(owner)));
  const oldOrphans = orphanMetadata.filter((owner) => old(owner.getTimestamp()));
  report.youngLeftoversKept += orphanMetadata.length - oldOrphans.length;
  if (oldOrphans.length > 0) report.orphanDocumentsRemoved += await deps.images.removeMetadata(oldOrphans);
  report.orphanDocumentsRemoved += await deps.history.removeOrphans((owner) => imageIds.has(String(owner)) || !old(owner.getTimestamp()));

  for (const id of unreported) {
    await deps.provenance.refresh(id, { alsoMatches: true });
    report.reportsRefreshed++;
  }

  const changed = report.tempFilesRemoved + report.orphanFilesRemoved + report.derivativesRebuilt + report.orphanDocumentsRemoved + report.reportsRefreshed;
  if (changed > 0) deps.logger.info('Start-up repair', report);
  if (report.recordsMissingOriginal.length > 0) {
    deps.logger.error(`Records whose original file is missing from the ${blobs.kind} blob store`, report.recordsMissingOriginal);
  }
  return report;
}
