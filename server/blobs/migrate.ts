// Copies every stored file from one blob store to another, checking each against its SHA-256 (the
// archive's stored names are `<sha256>.<ext>`, so the name says what the bytes must hash to).
// Resumable: a file the target already holds with the right hash is left as it is.
import { createHash } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { BLOB_FOLDERS, blobName, isStoredFileName, type BlobInfo, type BlobStore } from './blob-store';

export interface MigrationEvent {
  index: number;
  total: number;
  key: string;
  size: number;
  outcome: 'copied' | 'present' | 'failed';
  reason?: string;
}

export interface MigrationReport {
  total: number;
  copied: number;
  /** Already in the target with the right hash (an earlier, interrupted run). */
  present: number;
  bytesCopied: number;
  failed: Array<{ key: string; reason: string }>;
  /** Keys in the source that are not files the archive names (left alone). */
  ignored: string[];
}

async function hashOf(store: BlobStore, key: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(await store.get(key), hash);
  return hash.digest('hex');
}

/** True when the target holds the blob with the expected hash: from its recorded hash, else by reading it. */
async function holds(target: BlobStore, source: BlobInfo, expected: string): Promise<boolean> {
  const present = await target.stat(source.key);
  if (!present || present.size !== source.size) return false;
  if (present.sha256) return present.sha256 === expected;
  return (await hashOf(target, source.key)) === expected;
}

export async function migrateBlobs(source: BlobStore, target: BlobStore, onProgress: (event: MigrationEvent) => void = () => undefined): Promise<MigrationReport> {
  const blobs: BlobInfo[] = [];
  const report: MigrationReport = { total: 0, copied: 0, present: 0, bytesCopied: 0, failed: [], ignored: [] };
  for (const folder of BLOB_FOLDERS) {
    for await (const blob of source.list(`${folder}/`)) {
      if (isStoredFileName(blobName(blob.key))) blobs.push(blob);
      else report.ignored.push(blob.key);
    }
  }
  report.total = blobs.length;
  for (const [index, blob] of blobs.entries()) {
    const expected = blobName(blob.key).slice(0, 64);
    const event = { index: index + 1, total: blobs.length, key: blob.key, size: blob.size };
    try {
      if (await holds(target, blob, expected)) {
        report.present++;
        onProgress({ ...event, outcome: 'present' });
        continue;
      }
      // put checks the bytes as they pass; reading the copy back checks what the target kept.
      await target.put(blob.key, { stream: await source.get(blob.key), size: blob.size }, expected);
      const stored = await hashOf(target, blob.key);
      if (stored !== expected) {
        await target.delete(blob.key);
        throw new Error(`the copy reads back as ${stored}`);
      }
      report.copied++;
      report.bytesCopied += blob.size;
      onProgress({ ...event, outcome: 'copied' });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      report.failed.push({ key: blob.key, reason });
      onProgress({ ...event, outcome: 'failed', reason });
    }
  }
  return report;
}
