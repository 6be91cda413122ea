// Start-up repair: whatever a crash mid-ingest left behind is removed or completed here,
// so the archive never shows a record without its files nor keeps files without a record.
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import mongoose from 'mongoose';
import { HistoryEntryModel } from '../provenance/history.model';
import type { ProvenanceService } from '../provenance/provenance.service';
import type { Logger } from '../shared/logger';
import type { ImageFormat } from './image.types';
import { ImageMetadataModel, ImageModel } from './image.model';
import { makeDerivatives } from './media';
import { fileExists, removeQuietly, type UploadPaths } from './storage';

export interface RepairReport {
  tempFilesRemoved: number;
  orphanFilesRemoved: number;
  derivativesRebuilt: number;
  recordsMissingOriginal: string[];
  orphanDocumentsRemoved: number;
  reportsRefreshed: number;
}

export async function repairStorage(
  paths: UploadPaths,
  deps: { provenance: ProvenanceService; logger: Logger; maxPixels: number },
): Promise<RepairReport> {
  const report: RepairReport = {
    tempFilesRemoved: 0,
    orphanFilesRemoved: 0,
    derivativesRebuilt: 0,
    recordsMissingOriginal: [],
    orphanDocumentsRemoved: 0,
    reportsRefreshed: 0,
  };

  // Uploads in flight when the process stopped: none of them has a record.
  for (const name of await readdir(paths.tmp)) {
    await removeQuietly(path.join(paths.tmp, name));
    report.tempFilesRemoved++;
  }

  const referenced = new Set<string>();
  const imageIds = new Set<string>();
  const cursor = ImageModel.find({}, { originalFile: 1, file: 1, derivatives: 1 }).lean().cursor({ batchSize: 1000 });
  for await (const record of cursor) {
    imageIds.add(String(record._id));
    const originalPath = path.join(paths.originals, record.originalFile);
    referenced.add(record.originalFile);
    const derivativeFiles = [record.derivatives?.thumbnail?.file, record.derivatives?.display?.file];
    derivativeFiles.forEach((file) => file && referenced.add(file));
    if (!(await fileExists(originalPath))) {
      // Not caused by a crash (files are in place before the record is written): someone removed it.
      // The record holds curated captions and history, so it is reported, not deleted.
      report.recordsMissingOriginal.push(String(record._id));
      continue;
    }
    const missing = await Promise.all(derivativeFiles.map((file) => (file ? fileExists(path.join(paths.derivatives, file)).then((ok) => !ok) : true)));
    if (missing.some(Boolean)) {
      const rebuilt = await makeDerivatives(originalPath, (record.file?.format ?? 'jpeg') as ImageFormat, paths.derivatives, { maxPixels: deps.maxPixels });
      await ImageModel.updateOne({ _id: record._id }, { $set: { derivatives: rebuilt } }, { timestamps: false });
      referenced.add(rebuilt.thumbnail.file);
      referenced.add(rebuilt.display.file);
      report.derivativesRebuilt++;
    }
  }

  for (const folder of [paths.originals, paths.derivatives]) {
    for (const name of await readdir(folder)) {
      if (referenced.has(name)) continue;
      await removeQuietly(path.join(folder, name));
      report.orphanFilesRemoved++;
    }
  }

  // Metadata and history are written just before their image record; without it they are leftovers.
  for (const model of [ImageMetadataModel, HistoryEntryModel] as const) {
    const owners: mongoose.Types.ObjectId[] = await (model as typeof ImageMetadataModel).distinct('image');
    const orphans = owners.filter((owner) => !imageIds.has(String(owner)));
    if (orphans.length > 0) {
      const result = await (model as typeof ImageMetadataModel).deleteMany({ image: { $in: orphans } });
      report.orphanDocumentsRemoved += result.deletedCount ?? 0;
    }
  }

  // A crash after the record was written but before its report was computed.
  const unreported = await ImageModel.find({ 'provenance.computedAt': { $exists: false } }, { _id: 1 }).lean();
  for (const record of unreported) {
    await deps.provenance.refresh(record._id, { alsoMatches: true });
    report.reportsRefreshed++;
  }

  const changed = report.tempFilesRemoved + report.orphanFilesRemoved + report.derivativesRebuilt + report.orphanDocumentsRemoved + report.reportsRefreshed;
  if (changed > 0) deps.logger.info('Start-up repair', report);
  if (report.recordsMissingOriginal.length > 0) {
    deps.logger.error(`Records whose original file is missing from ${paths.originals}`, report.recordsMissingOriginal);
  }
  return report;
}
