// The local-folder blob store (the default): each key is a file under the root (UPLOAD_DIR), written
// to a `.<uuid>.part` name beside its place and renamed, so a reader never sees half a file.
import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  BLOB_FOLDERS,
  BlobHashMismatchError,
  BlobNotFoundError,
  HashingStream,
  assertSha256,
  sha256Of,
  type BlobBody,
  type BlobInfo,
  type BlobStore,
  type ByteRange,
} from './blob-store';

/** Names starting with a dot are writes in progress (`.<uuid>.part`, and older versions' `.<name>.<hex>.tmp`), never blobs. */
const isTemporary = (name: string) => name.startsWith('.');

export function createLocalBlobStore(root: string): BlobStore {
  const folders = new Set<string>(BLOB_FOLDERS);

  function pathOf(key: string): string {
    const [folder, name, ...rest] = key.split('/');
    // Keys come from this program, never from a client; this keeps a bug from writing elsewhere.
    if (!folders.has(folder) || !name || rest.length > 0 || name.startsWith('.') || name.includes('\\')) throw new TypeError(`not a blob key: ${key}`);
    return path.join(root, folder, name);
  }

  async function ensureFolder(filePath: string): Promise<void> {
    await mkdir(path.dirname(filePath), { recursive: true });
  }

  async function moveInto(temp: string, target: string): Promise<void> {
    await rename(temp, target);
  }

  async function put(key: string, body: BlobBody, sha256: string): Promise<void> {
    assertSha256(sha256);
    const target = pathOf(key);
    await ensureFolder(target);
    const temp = path.join(path.dirname(target), `.${randomUUID()}.part`);
    if (Buffer.isBuffer(body)) {
      const actual = sha256Of(body);
      if (actual !== sha256) throw new BlobHashMismatchError(key, sha256, actual);
      await writeFile(temp, body, { flag: 'wx' });
      await moveInto(temp, target);
      return;
    }
    if ('file' in body && body.consume) {
      // The upload engine hashed these bytes as they arrived; a rename keeps a 2 GB video from being read twice.
      try {
        await rename(body.file, target);
        return;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
      }
    }
    const source = 'file' in body ? createReadStream(body.file) : body.stream;
    const hashing = new HashingStream();
    try {
      await pipeline(source, hashing, createWriteStream(temp, { flags: 'wx' }));
      const actual = hashing.digest();
      if (actual !== sha256) throw new BlobHashMismatchError(key, sha256, actual);
      await moveInto(temp, target);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }

  async function statOf(key: string): Promise<BlobInfo | undefined> {
    try {
      const info = await stat(pathOf(key));
      return info.isFile() ? { key, size: info.size, lastModified: info.mtime } : undefined;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async function* list(prefix: string): AsyncIterable<BlobInfo> {
    for (const folder of BLOB_FOLDERS) {
      if (!`${folder}/`.startsWith(prefix) && !prefix.startsWith(`${folder}/`)) continue;
      let entries;
      try {
        entries = await readdir(path.join(root, folder), { withFileTypes: true });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw error;
      }
      for (const entry of entries) {
        if (!entry.isFile() || isTemporary(entry.name)) continue;
        const key = `${folder}/${entry.name}`;
        if (!key.startsWith(prefix)) continue;
        const info = await statOf(key).catch(() => undefined);
        if (info) yield info;
      }
    }
  }

  return {
    kind: 'local',
    put,
    async get(key: string, range?: ByteRange): Promise<Readable> {
      const filePath = pathOf(key);
      const stream = createReadStream(filePath, range ? { start: range.start, end: range.end } : {});
      // Open errors arrive asynchronously; wait for the open so a missing file is a BlobNotFoundError.
      await new Promise<void>((resolve, reject) => {
        stream.once('open', () => resolve());
        stream.once('error', (error: NodeJS.ErrnoException) => reject(error.code === 'ENOENT' ? new BlobNotFoundError(key) : error));
      });
      return stream;
    },
    stat: statOf,
    async exists(key: string): Promise<boolean> {
      return (await statOf(key)) !== undefined;
    },
    async delete(key: string): Promise<void> {
      await rm(pathOf(key), { force: true });
    },
    list,
    redirectUrl: async () => undefined,
    localPath: pathOf,
    async removeIncomplete(olderThan: Date): Promise<number> {
      let removed = 0;
      for (const folder of BLOB_FOLDERS) {
        let names: string[];
        try {
          names = await readdir(path.join(root, folder));
        } catch {
          continue;
        }
        for (const name of names.filter(isTemporary)) {
          const filePath = path.join(root, folder, name);
          const info = await stat(filePath).catch(() => undefined);
          if (!info || info.mtime > olderThan) continue;
          await rm(filePath, { force: true });
          removed++;
        }
      }
      return removed;
    },
  };
}
