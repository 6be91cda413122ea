// The import run: find the images in a folder, hash them, ask the archive which it already holds,
// and upload the rest through the same endpoint as the upload page (POST /api/images), a few at a
// time, rows of one article one after another in manifest order (see articleLanes).
import { openAsBlob } from 'node:fs';
import path from 'node:path';
import pLimit from 'p-limit';
import { ArchiveRequestError, type ArchiveClient } from '../shared/archive-client';
import { articleKeyOf, declaresUse, readSidecar, sidecarOf, withDefaultArticle, type DeclaredRow, type Manifest } from './declared';
import { classify, listFiles, sha256OfFile, type FolderEntry } from './walk';

/** The most hashes one known-hashes request may carry (the server's limit). */
export const KNOWN_BATCH = 1000;

export interface NearDuplicate {
  imageId: string;
  url: string;
  distance?: number;
}

export type ImportEvent =
  | { type: 'imported'; file: string; id: string; url: string; bytes: number; nearDuplicates: NearDuplicate[]; usesAdded: number }
  | { type: 'held'; file: string; id: string; url: string; usesAdded: number }
  | { type: 'would-import'; file: string; bytes: number; uses: number }
  | { type: 'would-add-uses'; file: string; id: string; url: string; uses: number }
  | { type: 'refused'; file: string; status?: number; code: string; reason: string }
  | { type: 'skipped'; file: string; reason: string }
  | { type: 'warning'; message: string }
  | { type: 'retry'; file: string; attempt: number; reason: string };

export interface ImportProgress {
  total: number;
  checked: number;
  done: number;
  uploaded: number;
  bytesUploaded: number;
  bytesTotal: number;
}

export interface ImportSummary {
  imported: number;
  held: number;
  usesAdded: number;
  refused: Array<{ file: string; status?: number; code: string; reason: string }>;
  nearDuplicates: Array<{ file: string; id: string; matches: NearDuplicate[] }>;
  skipped: number;
  dryRun: boolean;
}

export interface ImportOptions {
  folder: string;
  recursive: boolean;
  manifest?: Manifest;
  /** Files never to treat as candidates (the manifest itself, when it is in the folder). */
  exclude?: string[];
  article: DeclaredRow;
  concurrency: number;
  dryRun: boolean;
  client: ArchiveClient;
  onEvent(event: ImportEvent): void;
  onProgress(progress: ImportProgress): void;
}

interface Task {
  entry: FolderEntry;
  rows: DeclaredRow[];
  sha256: string;
  bytes: number;
  /** The image's id: held before the run, or stored by its first row. */
  id?: string;
  /** Its first row was refused: the rest are not sent. */
  failed: boolean;
}

interface ImageJson {
  id: string;
  outcome?: 'created' | 'existing';
  uses?: Array<{ printedLine: string | null; article: { url?: string | null; headline?: string | null } | null }>;
  provenance?: { findings?: Array<{ code: string; evidence?: Array<{ imageId?: string; distance?: number }> }> };
}

function normalisedUrl(text: string): string {
  try {
    return new URL(text).toString();
  } catch {
    return text;
  }
}

/** Pure: whether the archive's record already has the use this row declares. */
export function hasUse(image: ImageJson, row: DeclaredRow): boolean {
  return (image.uses ?? []).some((use) => {
    if ((use.printedLine ?? undefined) !== row.printedLine) return false;
    if (row.articleUrl) return use.article?.url === normalisedUrl(row.articleUrl);
    if (row.articleHeadline) return use.article?.headline === row.articleHeadline;
    return use.article === null;
  });
}

function nearDuplicatesOf(image: ImageJson, base: string): NearDuplicate[] {
  const matches = new Map<string, NearDuplicate>();
  for (const finding of image.provenance?.findings ?? []) {
    if (!finding.code.startsWith('duplicate.near')) continue;
    for (const evidence of finding.evidence ?? []) {
      if (evidence.imageId && evidence.imageId !== image.id) matches.set(evidence.imageId, { imageId: evidence.imageId, url: `${base}/images/${evidence.imageId}`, distance: evidence.distance });
    }
  }
  return [...matches.values()];
}

export async function runImport(options: ImportOptions): Promise<ImportSummary> {
  const { client, manifest } = options;
  const summary: ImportSummary = { imported: 0, held: 0, usesAdded: 0, refused: [], nearDuplicates: [], skipped: 0, dryRun: options.dryRun };
  const emit = (event: ImportEvent) => {
    if (event.type === 'refused') summary.refused.push({ file: event.file, status: event.status, code: event.code, reason: event.reason });
    if (event.type === 'skipped') summary.skipped++;
    options.onEvent(event);
  };
  const excluded = new Set((options.exclude ?? []).map((file) => path.resolve(file)));
  const files = (await listFiles(options.folder, options.recursive)).filter((entry) => !excluded.has(path.resolve(entry.path)));
  const byRelative = new Map(files.map((entry) => [entry.relative, entry]));

  if (manifest) {
    for (const column of manifest.unknownColumns) emit({ type: 'warning', message: `The manifest's column "${column}" is not one the import knows (${'file, caption, credit, sourceUrl, sourceNote, printedLine, claimedDate, articleUrl, articleHeadline, articlePublisher, articlePublishedAt'}); its values are not sent.` });
    for (const problem of manifest.problems) emit({ type: 'warning', message: problem });
    for (const file of manifest.order) if (!byRelative.has(file)) emit({ type: 'refused', file, code: 'missing_file', reason: 'The manifest names this file, but it is not in the folder.' });
  }

  // Manifest order first (an article's printed order), then the rest of the folder in name order.
  const ordered = [...(manifest?.order ?? []).flatMap((file) => byRelative.get(file) ?? []), ...files.filter((entry) => !manifest?.rows.has(entry.relative))];
  const progress: ImportProgress = { total: ordered.length, checked: 0, done: 0, uploaded: 0, bytesUploaded: 0, bytesTotal: 0 };
  const report = () => options.onProgress({ ...progress });

  const slots = pLimit(options.concurrency);
  const hashing = pLimit(2);
  const lanes = new Map<string, Promise<void>>();
  const running: Array<Promise<void>> = [];
  const laneOf = articleLanes(manifest, options.article);

  const refuse = (file: string, error: unknown) => {
    if (error instanceof ArchiveRequestError) emit({ type: 'refused', file, status: error.status, code: error.code, reason: error.message });
    else emit({ type: 'refused', file, code: 'local_error', reason: error instanceof Error ? error.message : String(error) });
  };

  async function upload(task: Task, row: DeclaredRow): Promise<ImageJson> {
    const response = await client.send(
      '/api/images',
      async () => {
        const form = new FormData();
        for (const [field, value] of Object.entries(row)) if (value !== undefined) form.set(field, value);
        form.set('image', await openAsBlob(task.entry.path), path.basename(task.entry.path));
        return { method: 'POST', body: form, headers: { Accept: 'application/json' } };
      },
      (reason, attempt) => emit({ type: 'retry', file: task.entry.relative, attempt, reason }),
    );
    progress.uploaded++;
    progress.bytesUploaded += task.bytes;
    return (await response.json()) as ImageJson;
  }

  /** Sends a row's use unless the record already has it (a resumed run); true when it was sent. */
  async function ensureUse(task: Task, id: string, row: DeclaredRow): Promise<boolean> {
    if (!declaresUse(row)) return false;
    const image = await client.json<ImageJson>('GET', `/api/images/${id}`);
    if (hasUse(image, row)) return false;
    if (!options.dryRun) await upload(task, row);
    return true;
  }

  /** The first row of a file: upload it, or (held already) see that its use is there. */
  async function firstRow(task: Task): Promise<void> {
    const file = task.entry.relative;
    const row = task.rows[0];
    try {
      if (task.id) {
        const url = `${client.base}/images/${task.id}`;
        const added = await ensureUse(task, task.id, row);
        if (options.dryRun && added) {
          emit({ type: 'would-add-uses', file, id: task.id, url, uses: 1 });
          return;
        }
        summary.held++;
        if (added) summary.usesAdded++;
        emit({ type: 'held', file, id: task.id, url, usesAdded: added ? 1 : 0 });
        return;
      }
      if (options.dryRun) {
        emit({ type: 'would-import', file, bytes: task.bytes, uses: task.rows.filter(declaresUse).length });
        return;
      }
      const created = await upload(task, row);
      task.id = created.id;
      const url = `${client.base}/images/${created.id}`;
      if (created.outcome === 'existing') {
        // Stored by someone else between the check and this upload: held, and this row became a use.
        summary.held++;
        emit({ type: 'held', file, id: created.id, url, usesAdded: declaresUse(row) ? 1 : 0 });
        return;
      }
      summary.imported++;
      const nearDuplicates = nearDuplicatesOf(created, client.base);
      if (nearDuplicates.length > 0) summary.nearDuplicates.push({ file, id: created.id, matches: nearDuplicates });
      emit({ type: 'imported', file, id: created.id, url, bytes: task.bytes, nearDuplicates, usesAdded: 0 });
    } catch (error) {
      task.failed = true;
      refuse(file, error);
    } finally {
      progress.done++;
      report();
    }
  }

  /** A further row of a file: another use of it, sent once the file is in. */
  async function laterRow(task: Task, index: number): Promise<void> {
    if (task.failed || !task.id) return;
    try {
      if (await ensureUse(task, task.id, task.rows[index])) {
        if (options.dryRun) emit({ type: 'would-add-uses', file: task.entry.relative, id: task.id, url: `${client.base}/images/${task.id}`, uses: 1 });
        else summary.usesAdded++;
      }
    } catch (error) {
      refuse(task.entry.relative, error);
    }
  }

  function schedule(lane: string, work: () => Promise<void>): void {
    const next = (lanes.get(lane) ?? Promise.resolve()).then(() => slots(work));
    lanes.set(lane, next);
    running.push(next);
  }

  async function prepare(entry: FolderEntry): Promise<Task | undefined> {
    try {
      const kind = await classify(entry);
      if (kind.kind === 'not-image') {
        const inManifest = manifest?.rows.has(entry.relative) ?? false;
        const what = kind.what ? `it is ${kind.what}` : 'its bytes are not JPEG, PNG, WebP, GIF, TIFF, HEIC/HEIF or AVIF';
        if (kind.looksLikeImage || inManifest) emit({ type: 'refused', file: entry.relative, code: 'not_an_image', reason: `Not an image: ${what}.` });
        else emit({ type: 'skipped', file: entry.relative, reason: `not an image (${what})` });
        progress.done++;
        return undefined;
      }
      let rows = manifest?.rows.get(entry.relative);
      if (!rows) {
        const sidecar = await sidecarOf(entry.path);
        rows = [sidecar ? await readSidecar(sidecar) : {}];
      }
      rows = rows.map((row) => withDefaultArticle(row, options.article));
      const { sha256, bytes } = await sha256OfFile(entry.path);
      progress.checked++;
      progress.bytesTotal += bytes;
      return { entry, rows, sha256, bytes, failed: false };
    } catch (error) {
      refuse(entry.relative, error);
      progress.done++;
      return undefined;
    } finally {
      report();
    }
  }

  // Every file is hashed and checked before the first upload, so that rows can be sent in manifest
  // order across files; hashing is a small part of an upload's cost (see bench:ingest).
  const tasks = new Map<string, Task>();
  for (let start = 0; start < ordered.length; start += KNOWN_BATCH) {
    const batch = (await Promise.all(ordered.slice(start, start + KNOWN_BATCH).map((entry) => hashing(() => prepare(entry))))).filter((task): task is Task => task !== undefined);
    if (batch.length === 0) continue;
    const { known } = await client.json<{ known: Record<string, string> }>('POST', '/api/images/known', { hashes: [...new Set(batch.map((task) => task.sha256))] });
    for (const task of batch) {
      task.id = known[task.sha256];
      tasks.set(task.entry.relative, task);
    }
  }

  const sequence = [...(manifest?.sequence ?? []), ...ordered.filter((entry) => !manifest?.rows.has(entry.relative)).map((entry) => ({ file: entry.relative, index: 0 }))];
  const firstOfHash = new Map<string, Task>();
  for (const { file, index } of sequence) {
    const task = tasks.get(file);
    if (!task) continue;
    // The same bytes twice in the folder: the copy's rows go in the first copy's lane, after it.
    const twin = firstOfHash.get(task.sha256);
    if (!twin) firstOfHash.set(task.sha256, task);
    const lane = laneOf(twin?.entry.relative ?? file, task.rows[index]);
    schedule(lane, index === 0 ? () => firstRow(task) : () => laterRow(task, index));
  }
  await Promise.all(running);
  return summary;
}

/**
 * Lanes for the uploads: rows of one article are sent one after another, in manifest order, because
 * the archive keeps an article's printed order as the order its uses arrive. Articles that share a
 * file share a lane (a file's later rows must follow its first), so every article keeps its order;
 * a file that names no article has a lane of its own.
 */
function articleLanes(manifest: Manifest | undefined, article: DeclaredRow): (file: string, row: DeclaredRow) => string {
  const parent = new Map<string, string>();
  const find = (key: string): string => {
    let root = key;
    while (parent.has(root) && parent.get(root) !== root) root = parent.get(root)!;
    parent.set(key, root);
    return root;
  };
  const union = (a: string, b: string) => parent.set(find(a), find(b));
  for (const [file, rows] of manifest?.rows ?? []) {
    const fileKey = `file:${file}`;
    for (const row of rows) {
      const key = articleKeyOf(withDefaultArticle(row, article));
      if (key) union(key, fileKey);
    }
  }
  return (file, row) => {
    const key = articleKeyOf(row);
    return find(key && !parent.has(`file:${file}`) ? key : `file:${file}`);
  };
}
