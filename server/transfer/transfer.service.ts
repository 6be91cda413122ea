// Files leaving the archive (the original byte for byte, or a copy with the archive's credits
// written in) and the import tool's question "which of these files do you already hold?".
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { blobKey, type BlobStore } from '../blobs/blob-store';
import { withLocalFile } from '../blobs/blobs';
import { parseImageId } from '../images/images.service';
import { removeQuietly, tempFilePath, type UploadPaths } from '../images/storage';
import { NotFoundError } from '../shared/errors';
import { creditsOf, creditTags, type DownloadRecord } from './credit-tags';
import type { CreditsWriter } from './credits-writer';
import { downloadFileName } from './download-name';
import type { ImagesRepository } from '../images/images.repository';

export interface TransferDeps {
  /** The image records, read by SHA-256 (the import's check) and by id (downloads). */
  images: Pick<ImagesRepository, 'idsBySha256' | 'findById'>;
  writer: CreditsWriter;
  /** tmp/ for the credited copies. */
  paths: UploadPaths;
  blobs: BlobStore;
}

export interface OutgoingFile {
  /** A file on this machine, or the blob's bytes streamed from the store. */
  body: { path: string } | { size: number; open(): Promise<Readable> };
  fileName: string;
  mimeType: string;
  sha256: string;
  originalSha256: string;
  /** Set when the file carries Content Credentials that this copy no longer matches. */
  c2paInvalidated: boolean;
  /** Removes a temporary copy; nothing for the original. */
  release(): Promise<void>;
}

const EXTENSIONS: Record<string, string> = { jpeg: 'jpg', png: 'png', webp: 'webp', gif: 'gif', tiff: 'tif', heif: 'heic', avif: 'avif' };

export async function sha256OfFile(filePath: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(filePath), hash);
  return hash.digest('hex');
}

export function hasContentCredentials(record: Pick<DownloadRecord, 'c2pa'>): boolean {
  return Boolean((record.c2pa as { present?: boolean } | undefined)?.present);
}

export function createTransferService({ images, writer, paths, blobs }: TransferDeps) {
  async function recordWithOriginal(id: string): Promise<{ record: DownloadRecord; originalKey: string; size: number }> {
    const record = await images.findById(parseImageId(id));
    if (!record) throw new NotFoundError('No image with this id is in the archive.');
    const originalKey = blobKey('originals', record.originalFile);
    const info = await blobs.stat(originalKey);
    if (!info) throw new NotFoundError('The archive holds this record but its original file is missing; an administrator has been told in the start-up log.', { code: 'original_missing' });
    return { record, originalKey, size: info.size };
  }

  const extensionOf = (record: DownloadRecord) => EXTENSIONS[record.file?.format ?? ''] ?? path.extname(record.originalFile).slice(1);

  return {
    /** The ids of those hashes the archive holds, keyed by hash (lower-cased). */
    async known(hashes: string[]): Promise<Record<string, string>> {
      const unique = [...new Set(hashes.map((hash) => hash.toLowerCase()))];
      const found = await images.idsBySha256(unique);
      return Object.fromEntries([...found].map(([sha256, id]) => [sha256, String(id)]));
    },

    async original(id: string): Promise<OutgoingFile> {
      const { record, originalKey, size } = await recordWithOriginal(id);
      const localPath = blobs.localPath(originalKey);
      return {
        body: localPath ? { path: localPath } : { size, open: () => blobs.get(originalKey) },
        fileName: downloadFileName(record.declared?.caption, String(record._id), extensionOf(record)),
        mimeType: record.file?.mimeType ?? 'application/octet-stream',
        sha256: record.sha256,
        originalSha256: record.sha256,
        c2paInvalidated: false,
        release: async () => undefined,
      };
    },

    /** A temporary copy with the credits written in (under UPLOAD_DIR/tmp, which every start empties). */
    async withCredits(id: string, recordUrl: (id: string) => string): Promise<OutgoingFile> {
      const { record, originalKey } = await recordWithOriginal(id);
      const target = tempFilePath(paths);
      try {
        const format = record.file?.format ?? '';
        await withLocalFile(blobs, originalKey, paths.tmp, (originalPath) =>
          writer.writeCopy(originalPath, target, creditTags(creditsOf(record, recordUrl(String(record._id))), format), format));
        return {
          body: { path: target },
          fileName: downloadFileName(record.declared?.caption, String(record._id), extensionOf(record), '-credited'),
          mimeType: record.file?.mimeType ?? 'application/octet-stream',
          sha256: await sha256OfFile(target),
          originalSha256: record.sha256,
          c2paInvalidated: hasContentCredentials(record),
          release: () => removeQuietly(target),
        };
      } catch (error) {
        await removeQuietly(target);
        throw error;
      }
    },
  };
}

export type TransferService = ReturnType<typeof createTransferService>;
