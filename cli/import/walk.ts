// Finding what to import: a (recursive) walk of the folder, the type of each file from its bytes,
// and its SHA-256, streamed.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { describeNonImage, sniffImageFormat } from '../../server/files/file-type';

/** Names that announce an image: such a file whose bytes are not one is refused, not skipped. */
const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.jpe', '.png', '.webp', '.gif', '.tif', '.tiff', '.heic', '.heif', '.avif']);

export interface FolderEntry {
  path: string;
  /** Relative to the folder, with forward slashes (how manifests name files). */
  relative: string;
}

/** Every regular file under `root`, sorted, without hidden files and XMP sidecars. */
export async function listFiles(root: string, recursive: boolean): Promise<FolderEntry[]> {
  const entries = await readdir(root, { recursive, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && !entry.name.startsWith('.') && !entry.name.toLowerCase().endsWith('.xmp'))
    .map((entry) => {
      const full = path.join(entry.parentPath, entry.name);
      return { path: full, relative: path.relative(root, full).split(path.sep).join('/') };
    })
    .filter((entry) => !entry.relative.split('/').some((part) => part.startsWith('.')))
    .sort((a, b) => (a.relative < b.relative ? -1 : a.relative > b.relative ? 1 : 0));
}

export type Classification = { kind: 'image'; format: string } | { kind: 'not-image'; looksLikeImage: boolean; what?: string };

/** Decided from the first bytes, as the server decides; the name only says whether a mismatch is a mistake worth refusing. */
export async function classify(file: FolderEntry): Promise<Classification> {
  const format = await sniffImageFormat(file.path);
  if (format) return { kind: 'image', format };
  const head = await readHead(file.path);
  return { kind: 'not-image', looksLikeImage: IMAGE_EXTENSIONS.has(path.extname(file.relative).toLowerCase()), what: describeNonImage(head) };
}

async function readHead(filePath: string): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of createReadStream(filePath, { start: 0, end: 63 })) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function sha256OfFile(filePath: string): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  await pipeline(createReadStream(filePath, { highWaterMark: 1024 * 1024 }), async function* (source) {
    for await (const chunk of source) {
      bytes += (chunk as Buffer).length;
      hash.update(chunk as Buffer);
    }
    yield* [];
  });
  return { sha256: hash.digest('hex'), bytes };
}
