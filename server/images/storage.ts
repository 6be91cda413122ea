// Where files live under UPLOAD_DIR. Originals and derivatives are content-addressed, so a name
// never comes from the client and an identical file is never stored twice.
import { randomUUID } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';

export interface UploadPaths {
  root: string;
  originals: string;
  derivatives: string;
  /** Uploads in progress; emptied at every start. */
  tmp: string;
}

export function uploadPaths(root: string): UploadPaths {
  return {
    root,
    originals: path.join(root, 'originals'),
    derivatives: path.join(root, 'derivatives'),
    tmp: path.join(root, 'tmp'),
  };
}

/** `blobFolders`: the local blob store keeps originals/ and derivatives/ here too. */
export async function ensureUploadDirs(paths: UploadPaths, blobFolders: boolean): Promise<void> {
  await Promise.all([...(blobFolders ? [paths.originals, paths.derivatives] : []), paths.tmp].map((dir) => mkdir(dir, { recursive: true })));
}

export function tempFilePath(paths: UploadPaths): string {
  return path.join(paths.tmp, `${randomUUID()}.part`);
}

/** File name of a stored original: its SHA-256 and the extension of its real format. */
export function originalFileName(sha256: string, extension: string): string {
  return `${sha256}.${extension}`;
}

export { isStoredFileName } from '../blobs/blob-store';

export async function removeQuietly(filePath: string | undefined): Promise<void> {
  if (!filePath) return;
  await rm(filePath, { force: true });
}
