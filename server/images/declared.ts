// Reads what the uploader declared about an image (caption, credit, source, article use)
// from form or JSON fields. Pure: validation failures become BadRequestError.
import type { Types } from 'mongoose';
import { BadRequestError } from '../shared/errors';
import { normaliseText } from '../shared/text';

export interface DeclaredFields {
  caption?: string;
  credit?: string;
  sourceUrl?: string;
  sourceNote?: string;
  printedLine?: string;
  /** When the event happened or the picture was first posted, as the source claims. */
  claimedDate?: Date;
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

const MAX_TEXT = 4000;
const MAX_URL = 2048;

type FieldBag = Record<string, unknown>;

export interface TextFieldOptions {
  /** Captions, notes and reasons may have several lines; everything else is one line (CR/LF refused). */
  multiLine?: boolean;
  /** Collects the text as received when normalising changed it (see server/shared/text.ts). */
  received?: Record<string, string>;
}

/**
 * A trimmed string in NFC without bidi controls or invisible characters, or undefined for absent/blank
 * values; arrays (repeated fields) are refused, and line breaks in a one-line field.
 */
export function optionalText(bag: FieldBag, name: string, maxLength = MAX_TEXT, options: TextFieldOptions = {}): string | undefined {
  const value = bag[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new BadRequestError(`The field "${name}" must be text.`, { details: { field: name } });
  const normalised = normaliseText(value, { singleLine: !options.multiLine });
  if (!normalised.ok) throw new BadRequestError(`The field "${name}" ${normalised.reason}.`, { code: 'invalid_text', details: { field: name } });
  const cleaned = normalised.text.trim();
  if (options.received && cleaned !== value.trim()) options.received[name] = value;
  if (cleaned === '') return undefined;
  if (cleaned.length > maxLength) {
    throw new BadRequestError(`The field "${name}" is ${cleaned.length} characters long; the limit is ${maxLength}.`, { details: { field: name } });
  }
  return cleaned;
}

/** An absolute http(s) URL, normalised by the URL parser. */
export function optionalUrl(bag: FieldBag, name: string): string | undefined {
  const text = optionalText(bag, name, MAX_URL);
  if (text === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new BadRequestError(`The field "${name}" must be a web address starting with http:// or https://.`, { details: { field: name } });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new BadRequestError(`The field "${name}" must be a web address starting with http:// or https://.`, { details: { field: name } });
  }
  return url.toString();
}

export function optionalDate(bag: FieldBag, name: string): Date | undefined {
  const text = optionalText(bag, name, 64);
  if (text === undefined) return undefined;
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) {
    throw new BadRequestError(`The field "${name}" must be a date such as 2025-02-07 or 2025-02-07T14:37:00Z.`, { details: { field: name } });
  }
  return date;
}

/**
 * The declared fields of one upload. When a printed line is given and caption or credit is not,
 * the printed line is split into them (the credit is the parenthetical at its end).
 */
export function readDeclaredUpload(bag: FieldBag, splitPrintedLine: (line: string) => { caption: string; credit?: string }): DeclaredUpload {
  const received: Record<string, string> = {};
  const printedLine = optionalText(bag, 'printedLine', MAX_TEXT, { multiLine: true, received }); // pasted from a page, it may wrap
  let caption = optionalText(bag, 'caption', MAX_TEXT, { multiLine: true, received });
  let credit = optionalText(bag, 'credit', 500, { received });
  if (printedLine && (!caption || !credit)) {
    const split = splitPrintedLine(printedLine);
    caption ??= split.caption || undefined;
    credit ??= split.credit;
  }
  const fields: DeclaredFields = {
    caption,
    credit,
    sourceUrl: optionalUrl(bag, 'sourceUrl'),
    sourceNote: optionalText(bag, 'sourceNote', MAX_TEXT, { multiLine: true, received }),
    printedLine,
    claimedDate: optionalDate(bag, 'claimedDate'),
  };
  const article: DeclaredArticle = {
    url: optionalUrl(bag, 'articleUrl'),
    headline: optionalText(bag, 'articleHeadline', 500, { received }),
    publisher: optionalText(bag, 'articlePublisher', 200, { received }),
    publishedAt: optionalDate(bag, 'articlePublishedAt'),
  };
  const hasArticle = article.url !== undefined || article.headline !== undefined;
  const describedImage = optionalText(bag, 'describedImage', 24);
  if (describedImage !== undefined && !/^[0-9a-f]{24}$/i.test(describedImage)) {
    throw new BadRequestError('The field "describedImage" must be the id of a described image.', { details: { field: 'describedImage' } });
  }
  return { fields, article: hasArticle ? article : undefined, describedImage, ...(Object.keys(received).length > 0 ? { received } : {}) };
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
