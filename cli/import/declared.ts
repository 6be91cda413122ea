// What is declared about each file, in this order of precedence: a manifest row (CSV or JSON), an
// XMP sidecar beside the file, then nothing (the server reads the file's own metadata anyway).
import { access, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import exifr from 'exifr';
import { xmpFromExifr, type JsonObject, type JsonValue } from '../../server/images/metadata.raw';

/** The manifest's columns; every one but `file` is sent as the upload field of the same name. */
export const MANIFEST_COLUMNS = ['file', 'caption', 'credit', 'sourceUrl', 'sourceNote', 'printedLine', 'claimedDate', 'articleUrl', 'articleHeadline', 'articlePublisher', 'articlePublishedAt'] as const;
export type DeclaredColumn = Exclude<(typeof MANIFEST_COLUMNS)[number], 'file'>;
export type DeclaredRow = Partial<Record<DeclaredColumn, string>>;

export const ARTICLE_COLUMNS = ['articleUrl', 'articleHeadline', 'articlePublisher', 'articlePublishedAt'] as const;

export interface Manifest {
  /** Rows by file (relative path, forward slashes), in manifest order; several rows for one file are several uses of it. */
  rows: Map<string, DeclaredRow[]>;
  /** Files in the order the manifest first names them. */
  order: string[];
  /** Every row in manifest order, as (file, index among that file's rows): the order uses are sent in. */
  sequence: Array<{ file: string; index: number }>;
  unknownColumns: string[];
  problems: string[];
}

function cleanRow(record: Record<string, unknown>): DeclaredRow {
  const row: DeclaredRow = {};
  for (const column of MANIFEST_COLUMNS) {
    if (column === 'file') continue;
    const value = record[column];
    if (value === undefined || value === null) continue;
    const text = String(value).trim();
    if (text !== '') row[column] = text;
  }
  return row;
}

/** Pure: the manifest from its records (CSV rows with headers, or JSON objects). */
export function manifestFromRecords(records: Array<Record<string, unknown>>, columns: string[]): Manifest {
  const known = new Set<string>(MANIFEST_COLUMNS);
  const manifest: Manifest = { rows: new Map(), order: [], sequence: [], unknownColumns: columns.filter((column) => !known.has(column)), problems: [] };
  if (!columns.includes('file')) manifest.problems.push('The manifest has no "file" column: each row must name its file, relative to the folder.');
  records.forEach((record, index) => {
    const file = typeof record.file === 'string' ? record.file.trim().replace(/\\/g, '/').replace(/^\.\//, '') : '';
    if (!file) {
      manifest.problems.push(`Manifest row ${index + 1} names no file.`);
      return;
    }
    if (!manifest.rows.has(file)) {
      manifest.rows.set(file, []);
      manifest.order.push(file);
    }
    const rows = manifest.rows.get(file)!;
    manifest.sequence.push({ file, index: rows.length });
    rows.push(cleanRow(record));
  });
  return manifest;
}

export async function readManifest(manifestPath: string): Promise<Manifest> {
  const text = await readFile(manifestPath, 'utf8');
  if (/\.json$/i.test(manifestPath)) {
    const parsed = JSON.parse(text.replace(/^\uFEFF/, '')) as unknown;
    const records = Array.isArray(parsed) ? parsed : (parsed as { rows?: unknown }).rows;
    if (!Array.isArray(records)) throw new Error(`${manifestPath}: a JSON manifest is an array of rows (objects with the columns ${MANIFEST_COLUMNS.join(', ')}).`);
    const columns = [...new Set(records.flatMap((record) => (record && typeof record === 'object' ? Object.keys(record as object) : [])))];
    return manifestFromRecords(records as Array<Record<string, unknown>>, columns);
  }
  let columns: string[] = [];
  const records = parse(text, {
    bom: true,
    skip_empty_lines: true,
    columns: (header: string[]) => (columns = header.map((name) => name.trim())),
  }) as Array<Record<string, unknown>>;
  return manifestFromRecords(records, columns);
}

function textOf(value: JsonValue | undefined): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) return value.map(textOf).filter(Boolean).join('; ') || undefined;
  if (typeof value === 'object') return textOf((value as JsonObject).value);
  const text = String(value).trim();
  return text || undefined;
}

/** Pure: the declared fields an XMP sidecar gives, as the IPTC Photo Metadata Standard maps them. */
export function declaredFromXmp(xmp: JsonObject): DeclaredRow {
  const ns = (prefix: string) => (xmp[prefix] as JsonObject | undefined) ?? {};
  const row: DeclaredRow = {
    caption: textOf(ns('dc').description),
    credit: textOf(ns('photoshop').Credit),
    sourceNote: textOf(ns('photoshop').Source) ?? textOf(ns('dc').source),
    // IPTC "Date Created": when the content was made, which is what the source claims.
    claimedDate: textOf(ns('photoshop').DateCreated) ?? textOf(ns('Iptc4xmpCore').DateCreated),
  };
  return Object.fromEntries(Object.entries(row).filter(([, value]) => value !== undefined));
}

async function exists(filePath: string): Promise<boolean> {
  return access(filePath).then(
    () => true,
    () => false,
  );
}

/** `NAME.ext.xmp` or `NAME.xmp` beside the file, if there is one. */
export async function sidecarOf(filePath: string): Promise<string | undefined> {
  const parsed = path.parse(filePath);
  for (const candidate of [`${filePath}.xmp`, path.join(parsed.dir, `${parsed.name}.xmp`), `${filePath}.XMP`, path.join(parsed.dir, `${parsed.name}.XMP`)]) {
    if (await exists(candidate)) return candidate;
  }
  return undefined;
}

export async function readSidecar(sidecarPath: string): Promise<DeclaredRow> {
  const parsed = await exifr.sidecar(sidecarPath, { mergeOutput: false }, 'xmp');
  const xmp = xmpFromExifr(parsed);
  return xmp ? declaredFromXmp(xmp) : {};
}

/** The article given on the command line fills in rows that name none. */
export function withDefaultArticle(row: DeclaredRow, article: DeclaredRow): DeclaredRow {
  const hasArticle = ARTICLE_COLUMNS.some((column) => row[column] !== undefined);
  return hasArticle ? row : { ...article, ...row };
}

/** The article a row names, as one key (its URL, else headline and publisher), or undefined. */
export function articleKeyOf(row: DeclaredRow): string | undefined {
  if (row.articleUrl) {
    try {
      return `url:${new URL(row.articleUrl).toString()}`;
    } catch {
      return `url:${row.articleUrl}`;
    }
  }
  return row.articleHeadline ? `headline:${row.articleHeadline}|${row.articlePublisher ?? ''}` : undefined;
}

/** True when the row records a printing (an article, or a printed line): a use the archive must hold. */
export function declaresUse(row: DeclaredRow): boolean {
  return Boolean(row.articleUrl || row.articleHeadline || row.printedLine);
}
