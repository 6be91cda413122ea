// The export run: select images through the archive's API, download each with its credits written
// in, and write manifest.json (everything the archive knows, history chains included) and
// manifest.csv (the import tool's columns) beside the files.
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { downloadFileName } from '../../server/transfer/download-name';
import type { ArchiveClient } from '../shared/archive-client';
import { manifestRows, toCsv, type ExportedArticle, type ExportedImage } from './export-manifest';

export const EXPORT_FORMAT = 'provenance-archive-export/1';
const PAGE = 100;
const EXTENSIONS: Record<string, string> = { jpeg: 'jpg', png: 'png', webp: 'webp', gif: 'gif', tiff: 'tif', heif: 'heic', avif: 'avif' };

export interface ExportOptions {
  client: ArchiveClient;
  folder: string;
  credit?: string;
  /** An article id, or its URL or headline. */
  article?: string;
  since?: Date;
  onLine(line: string): void;
}

interface ImageJson extends Omit<ExportedImage, 'file' | 'uses'> {
  sha256: string;
  file: { format: string };
  c2pa: { present?: boolean } | null;
  uses: Array<{ id: string; article: { id: string; url?: string | null; headline?: string | null } | null; printedLine: string | null; caption: string | null; credit: string | null; addedAt: string; addedBy: string | null }>;
  [key: string]: unknown;
}

async function resolveArticle(client: ArchiveClient, wanted: string): Promise<string> {
  if (/^[a-f0-9]{24}$/i.test(wanted)) return wanted;
  const { items } = await client.json<{ items: Array<{ id: string; url: string | null; headline: string | null }> }>('GET', '/api/articles');
  const found = items.find((article) => article.url === wanted || article.headline === wanted);
  if (!found) throw new Error(`No article in the archive has the address or headline "${wanted}".`);
  return found.id;
}

/** The selected images' ids, newest first; with --since, the listing stops at the first older one. */
async function selectImages(client: ArchiveClient, options: ExportOptions): Promise<string[]> {
  const params = new URLSearchParams({ limit: String(PAGE), sort: 'newest' });
  if (options.credit) params.set('credit', options.credit);
  if (options.article) params.set('article', await resolveArticle(client, options.article));
  const ids: string[] = [];
  for (let page = 1; ; page++) {
    params.set('page', String(page));
    const list = await client.json<{ items: Array<{ id: string; createdAt: string }>; pages: number }>('GET', `/api/images?${params}`);
    for (const item of list.items) {
      if (options.since && new Date(item.createdAt) < options.since) return ids;
      ids.push(item.id);
    }
    if (page >= list.pages || list.items.length === 0) return ids;
  }
}

/** Streams a download to disk, hashing as it goes; checks the hash against the archive's header. */
async function download(client: ArchiveClient, urlPath: string, target: string): Promise<{ sha256: string; bytes: number }> {
  const response = await client.send(urlPath, () => ({ method: 'GET' }));
  const hash = createHash('sha256');
  let bytes = 0;
  const partial = `${target}.part`;
  await pipeline(
    Readable.fromWeb(response.body as WebReadableStream<Uint8Array>),
    new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        hash.update(chunk);
        bytes += chunk.length;
        callback(null, chunk);
      },
    }),
    createWriteStream(partial),
  );
  const sha256 = hash.digest('hex');
  const announced = response.headers.get('x-archive-sha256');
  if (announced && announced !== sha256) throw new Error(`${urlPath}: the file received does not match the archive's SHA-256 (${announced}); nothing was kept.`);
  await rename(partial, target);
  return { sha256, bytes };
}

export async function runExport(options: ExportOptions): Promise<{ images: number; articles: number; warnings: string[] }> {
  const { client, folder } = options;
  await mkdir(path.join(folder, 'files'), { recursive: true });
  const ids = await selectImages(client, options);
  const images: Array<Record<string, unknown>> = [];
  const forRows: ExportedImage[] = [];
  const articleIds = new Set<string>();
  for (const id of ids) {
    const [image, history, provenance] = await Promise.all([
      client.json<ImageJson>('GET', `/api/images/${id}`),
      client.json<{ entries: unknown[]; chainValid: boolean }>('GET', `/api/images/${id}/history`),
      client.json<Record<string, unknown>>('GET', `/api/images/${id}/provenance`),
    ]);
    // Writing metadata would break a file's Content Credentials: such a file is exported as it is.
    const signed = Boolean(image.c2pa?.present);
    const extension = EXTENSIONS[image.file.format] ?? 'bin';
    const file = `files/${downloadFileName(image.declared.caption, id, extension, signed ? '' : '-credited')}`;
    const written = await download(client, signed ? `/api/images/${id}/original` : `/api/images/${id}/download?embed=1`, path.join(folder, file));
    for (const use of image.uses) if (use.article) articleIds.add(use.article.id);
    images.push({
      id,
      file,
      fileSha256: written.sha256,
      fileBytes: written.bytes,
      originalSha256: image.sha256,
      creditsEmbedded: !signed,
      ...(signed ? { note: 'Exported as the original: it carries Content Credentials, which writing metadata would invalidate.' } : {}),
      record: image,
      history: { ...history, imageId: id },
      provenance,
    });
    forRows.push({ id, file, declared: image.declared, uses: image.uses, createdAt: String(image.createdAt) });
    options.onLine(`exported  ${file}${signed ? ' (original, Content Credentials kept)' : ''}`);
  }
  const articles: ExportedArticle[] = [];
  for (const articleId of articleIds) articles.push(await client.json<ExportedArticle>('GET', `/api/articles/${articleId}`));
  const { rows, warnings } = manifestRows(forRows, articles);
  const manifest = {
    format: EXPORT_FORMAT,
    exportedAt: new Date().toISOString(),
    server: client.base,
    selection: { credit: options.credit ?? null, article: options.article ?? null, since: options.since?.toISOString() ?? null },
    images,
    articles,
  };
  // Written last and renamed into place: a manifest present means every file it lists was written.
  await writeFile(path.join(folder, 'manifest.csv.part'), toCsv(rows));
  await rename(path.join(folder, 'manifest.csv.part'), path.join(folder, 'manifest.csv'));
  await writeFile(path.join(folder, 'manifest.json.part'), `${JSON.stringify(manifest, null, 2)}\n`);
  await rename(path.join(folder, 'manifest.json.part'), path.join(folder, 'manifest.json'));
  return { images: images.length, articles: articles.length, warnings };
}
