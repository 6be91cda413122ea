// Reads what the uploader declared about an image (caption, credit, source, article use)
// from form or JSON fields (their schema is in images.schemas.ts). Pure: validation failures
// become BadRequestError.
import type { UsageKind } from '../credits/sources';
import type { Types } from 'mongoose';
import { parseInput, receivedTexts } from '../shared/input';
import { uploadFieldsSchema } from './images.schemas';

export interface DeclaredFields {
  caption?: string;
  credit?: string;
  sourceUrl?: string;
  sourceNote?: string;
  printedLine?: string;
  /** When the event happened or the picture was first posted, as the source claims. */
  claimedDate?: Date;
  /** The usage-rights kind an editor set (server/credits/sources.ts); absent: derived from the credit. */
  supplierKind?: UsageKind;
}

export interface DeclaredArticle {
  url?: string;
  headline?: string;
  publisher?: string;
  publishedAt?: Date;
}

export interface DeclaredUpload {
  fields: DeclaredFields;
  article?: DeclaredArticle;
  /** Id of the described image (a record without a file) this upload supplies the file for. */
  describedImage?: string;
  /** An article already in the archive (the described image's): used as it is, instead of `article`. */
  articleId?: Types.ObjectId;
  /** When the article use was recorded (the article page orders by it); now, unless the upload
   *  fulfils a described image, whose place in the article it keeps. */
  useAddedAt?: Date;
  /** The text as received, for each field whose stored form differs from it (kept in the history). */
  received?: Record<string, string>;
}

type Text = string | null | undefined;

/** What an upload for a described image takes from that record (server/articles holds it). */
export interface DescribedImageFields {
  article: Types.ObjectId;
  createdAt: Date;
  printedLine?: Text;
  caption?: Text;
  credit?: Text;
  sourceUrl?: Text;
  sourceNote?: Text;
  claimedDate?: Date | null;
}

type FieldBag = Record<string, unknown>;

/** The fields whose text is normalised (and whose text as received is kept when that changed it). */
const TEXT_FIELDS = ['caption', 'credit', 'sourceNote', 'printedLine', 'articleHeadline', 'articlePublisher'] as const;

/**
 * The declared fields of one upload. When a printed line is given and caption or credit is not,
 * the printed line is split into them (the credit is the parenthetical at its end).
 */
export function readDeclaredUpload(bag: FieldBag, splitPrintedLine: (line: string) => { caption: string; credit?: string }): DeclaredUpload {
  const input = parseInput(uploadFieldsSchema, bag);
  let { caption, credit } = input;
  if (input.printedLine && (!caption || !credit)) {
    const split = splitPrintedLine(input.printedLine);
    caption ??= split.caption || undefined;
    credit ??= split.credit;
  }
  const fields: DeclaredFields = {
    caption,
    credit,
    sourceUrl: input.sourceUrl,
    sourceNote: input.sourceNote,
    printedLine: input.printedLine,
    claimedDate: input.claimedDate,
  };
  const article: DeclaredArticle = { url: input.articleUrl, headline: input.articleHeadline, publisher: input.articlePublisher, publishedAt: input.articlePublishedAt };
  const hasArticle = article.url !== undefined || article.headline !== undefined;
  const received = receivedTexts(bag, input, TEXT_FIELDS);
  return { fields, article: hasArticle ? article : undefined, describedImage: input.describedImage, ...(received ? { received } : {}) };
}

/** Lower-cased words for the gallery's text search; accents folded so "Zelenskyy" finds "Zelenskyy" typed either way. */
export function keywordsOf(...texts: Array<string | undefined>): string[] {
  const words = new Set<string>();
  for (const text of texts) {
    if (!text) continue;
    for (const word of foldForSearch(text).split(/[^\p{L}\p{N}]+/u)) {
      if (word.length >= 2) words.add(word);
    }
  }
  return [...words];
}

export function foldForSearch(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

export function creditKeyOf(credit: string | undefined): string | undefined {
  return credit ? foldForSearch(credit).replace(/\s+/g, ' ').trim() : undefined;
}

/**
 * What an upload for a described image declares: the uploader's own fields first, the described
 * record's for what was left out, and the described image's article.
 */
export function declaredForDescribed(declared: DeclaredUpload, described: DescribedImageFields): DeclaredUpload {
  const own = declared.fields;
  return {
    ...declared,
    fields: {
      ...own,
      printedLine: own.printedLine ?? described.printedLine ?? undefined,
      caption: own.caption ?? described.caption ?? undefined,
      credit: own.credit ?? described.credit ?? undefined,
      sourceUrl: own.sourceUrl ?? described.sourceUrl ?? undefined,
      sourceNote: own.sourceNote ?? described.sourceNote ?? undefined,
      claimedDate: own.claimedDate ?? described.claimedDate ?? undefined,
    },
    article: undefined,
    articleId: described.article,
    useAddedAt: described.createdAt,
  };
}
