// Where files live under UPLOAD_DIR. Originals and derivatives are content-addressed, so a name
// never comes from the client and an identical file is never stored twice.
import { randomUUID } from 'node:crypto';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
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

export async function ensureUploadDirs(paths: UploadPaths): Promise<void> {
  await Promise.all([paths.originals, paths.derivatives, paths.tmp].map((dir) => mkdir(dir, { recursive: true })));
}

export function tempFilePath(paths: UploadPaths): string {
  return path.join(paths.tmp, `${randomUUID()}.part`);
}

/** File name of a stored original: its SHA-256 and the extension of its real format. */
export function originalFileName(sha256: string, extension: string): string {
  return `${sha256}.${extension}`;
}

const SAFE_STORED_NAME = /^[a-f0-9]{64}\.[a-z0-9]{3,4}$/;

/** True for names this module could have produced; anything else must never reach the file system. */
export function isStoredFileName(name: string): boolean {
  return SAFE_STORED_NAME.test(name);
}

/** Moves a finished temporary file into its content-addressed place (same file system: an atomic rename). */
export async function moveIntoPlace(tempPath: string, finalPath: string): Promise<void> {
  await rename(tempPath, finalPath);
}

export async function removeQuietly(filePath: string | undefined): Promise<void> {
  if (!filePath) return;
  await rm(filePath, { force: true });
}

export async function fileExists(filePath: string): Promise<boolean> {
  try {
    return (await stat(filePath)).isFile();
  } catch {
    return false;
  }
}
