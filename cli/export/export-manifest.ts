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
  addedAt: string;
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

/**
 * One row per file carrying the record's declared fields (and its first use, when that use is the
 * same printing the record was made with), then one row per further use. An upload with a printed
 * line always records a use, so a record with one never gets a row of its own without its use.
 */
export function manifestRows(images: ExportedImage[], articles: ExportedArticle[]): { rows: ManifestRow[]; warnings: string[] } {
  const articleById = new Map(articles.map((article) => [article.id, article]));
  const rows: Array<{ at: string; row: ManifestRow }> = [];
  const warnings: string[] = [];
  for (const image of images) {
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
    const first = (at: string, row: ManifestRow) => rows.push({ at, row });
    if (firstIsDeclared || (d.printedLine && firstUse)) {
      if (!firstIsDeclared) warnings.push(`${image.file}: the record's caption or credit was edited after its first printing; the import records that printing with the record's current fields.`);
      first(firstUse.addedAt, { ...declared, ...articleColumns(firstUse.article ? articleById.get(firstUse.article.id) : undefined) });
      furtherUses = otherUses;
    } else first(firstUse?.addedAt ?? image.createdAt, declared);
    for (const use of furtherUses) {
      rows.push({ at: use.addedAt, row: { file: image.file, caption: orNothing(use.caption), credit: orNothing(use.credit), printedLine: orNothing(use.printedLine), ...articleColumns(use.article ? articleById.get(use.article.id) : undefined) } });
    }
  }
  // In the order the uses were first recorded: every article's printed order is that order, so
  // importing the rows in sequence gives each article its order back.
  const ordered = rows.map((entry, index) => ({ ...entry, index })).sort((a, b) => a.at.localeCompare(b.at) || a.index - b.index);
  return { rows: ordered.map((entry) => entry.row), warnings };
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
