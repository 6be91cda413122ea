// Pure: the export's manifest.csv rows, in the import tool's columns, ordered so that importing
// them gives every article its printed order back.
import { MANIFEST_COLUMNS, type DeclaredRow } from '../import/declared';

export interface ExportedArticle {
  id: string;
  url: string | null;
  headline: string | null;
  publisher: string | null;
  publishedAt: string | null;
  images: Array<{ position: number; kind: 'held' | 'described'; imageId?: string; printedLine: string | null; caption: string | null; credit: string | null }>;
}

export interface ExportedUse {
  article: { id: string } | null;
  printedLine: string | null;
  caption: string | null;
  credit: string | null;
}

export interface ExportedImage {
  id: string;
  file: string;
  declared: { caption: string | null; credit: string | null; sourceUrl: string | null; sourceNote: string | null; printedLine: string | null; claimedDate: string | null };
  uses: ExportedUse[];
  createdAt: string;
}

export type ManifestRow = DeclaredRow & { file: string };

const orNothing = (value: string | null | undefined) => (value === null || value === undefined || value === '' ? undefined : value);

function articleColumns(article: ExportedArticle | undefined): DeclaredRow {
  if (!article) return {};
  return { articleUrl: orNothing(article.url), articleHeadline: orNothing(article.headline), articlePublisher: orNothing(article.publisher), articlePublishedAt: orNothing(article.publishedAt) };
}

/** Images in the order their articles printed them (articles oldest first), then those no article ran. */
export function importOrder(images: ExportedImage[], articles: ExportedArticle[]): ExportedImage[] {
  const byId = new Map(images.map((image) => [image.id, image]));
  const ordered: ExportedImage[] = [];
  const placed = new Set<string>();
  const chronological = [...articles].sort((a, b) => (a.publishedAt ?? '').localeCompare(b.publishedAt ?? '') || a.id.localeCompare(b.id));
  for (const article of chronological) {
    for (const entry of article.images) {
      const image = entry.imageId ? byId.get(entry.imageId) : undefined;
      if (image && !placed.has(image.id)) {
        placed.add(image.id);
        ordered.push(image);
      }
    }
  }
  const rest = images.filter((image) => !placed.has(image.id)).sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  return [...ordered, ...rest];
}

/**
 * One row per file carrying the record's declared fields (and its first use, when that use is the
 * same printing the record was made with), then one row per further use. An upload with a printed
 * line always records a use, so a record with one never gets a row of its own without its use.
 */
export function manifestRows(images: ExportedImage[], articles: ExportedArticle[]): { rows: ManifestRow[]; warnings: string[] } {
  const articleById = new Map(articles.map((article) => [article.id, article]));
  const rows: ManifestRow[] = [];
  const warnings: string[] = [];
  for (const image of importOrder(images, articles)) {
    const d = image.declared;
    const declared: ManifestRow = {
      file: image.file,
      caption: orNothing(d.caption),
      credit: orNothing(d.credit),
      sourceUrl: orNothing(d.sourceUrl),
      sourceNote: orNothing(d.sourceNote),
      printedLine: orNothing(d.printedLine),
      claimedDate: orNothing(d.claimedDate),
    };
    const [firstUse, ...otherUses] = image.uses;
    const firstIsDeclared = firstUse && (firstUse.printedLine ?? null) === (d.printedLine ?? null) && (firstUse.caption ?? null) === (d.caption ?? null) && (firstUse.credit ?? null) === (d.credit ?? null);
    let furtherUses = image.uses;
    if (firstIsDeclared) {
      rows.push({ ...declared, ...articleColumns(firstUse.article ? articleById.get(firstUse.article.id) : undefined) });
      furtherUses = otherUses;
    } else {
      if (d.printedLine && firstUse) {
        warnings.push(`${image.file}: the record's caption or credit was edited after its first printing; the import records that printing with the record's current fields.`);
        rows.push({ ...declared, ...articleColumns(firstUse.article ? articleById.get(firstUse.article.id) : undefined) });
        furtherUses = otherUses;
      } else rows.push(declared);
    }
    for (const use of furtherUses) {
      rows.push({ file: image.file, caption: orNothing(use.caption), credit: orNothing(use.credit), printedLine: orNothing(use.printedLine), ...articleColumns(use.article ? articleById.get(use.article.id) : undefined) });
    }
  }
  return { rows, warnings };
}

/** RFC 4180: a field is quoted when it holds a comma, a quote, a line break or edge spaces. */
function csvField(value: string | undefined): string {
  if (value === undefined) return '';
  return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function toCsv(rows: ManifestRow[]): string {
  const lines = [MANIFEST_COLUMNS.join(',')];
  for (const row of rows) lines.push(MANIFEST_COLUMNS.map((column) => csvField(row[column])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
