// View-models of the upload page: the form's values, and the results page (the form post without JavaScript).
import type { ArticleRecord } from '../articles/article.model';
import type { DescribedImageRecord } from '../articles/described-image.model';
import type { ImageRecord } from '../images/image.model';
import { derivativeUrl } from '../images/images.serialize';
import { trimText } from './format';

export interface UploadResultView {
  fileName: string;
  ok: boolean;
  status: number;
  outcomeLabel: string;
  href?: string;
  caption?: string;
  credit?: string;
  thumbnailUrl?: string;
  width?: number;
  height?: number;
  error?: string;
}

export type UploadOutcome =
  | { fileName: string; outcome: 'created' | 'existing'; image: Pick<ImageRecord, '_id' | 'declared' | 'derivatives'> }
  | { fileName: string; status: number; message: string };

export function uploadResultView(result: UploadOutcome): UploadResultView {
  if ('message' in result) {
    return { fileName: result.fileName, ok: false, status: result.status, outcomeLabel: 'Not stored', error: result.message };
  }
  const { image } = result;
  const thumb = image.derivatives?.thumbnail;
  return {
    fileName: result.fileName,
    ok: true,
    status: result.outcome === 'created' ? 201 : 200,
    outcomeLabel: result.outcome === 'created' ? 'Added to the archive' : 'Already in the archive',
    href: `/images/${String(image._id)}`,
    caption: trimText(image.declared?.caption, 160),
    credit: image.declared?.credit ?? undefined,
    thumbnailUrl: derivativeUrl(thumb?.file),
    width: thumb?.width ?? undefined,
    height: thumb?.height ?? undefined,
  };
}

/** The text fields the upload form keeps when it is shown again after a refusal. */
export const UPLOAD_FORM_FIELDS = [
  'caption',
  'credit',
  'sourceUrl',
  'sourceNote',
  'claimedDate',
  'printedLine',
  'articleUrl',
  'articleHeadline',
  'articlePublisher',
  'articlePublishedAt',
  'describedImage',
] as const;

export function uploadFormValues(body: Record<string, unknown> | undefined): Record<string, string> {
  const values: Record<string, string> = {};
  for (const name of UPLOAD_FORM_FIELDS) values[name] = typeof body?.[name] === 'string' ? (body[name] as string) : '';
  return values;
}

/** What the upload page says about the described image its file is for. */
export function describedNotice(described: DescribedImageRecord, article: ArticleRecord | null): { text: string; headline?: string } {
  return { text: described.printedLine ?? described.caption ?? described.description ?? 'an image recorded without a file', headline: article?.headline ?? undefined };
}

/** The upload form filled in from a described image, so its file is uploaded with what the article printed. */
export function uploadValuesForDescribed(described: DescribedImageRecord, article: ArticleRecord | null): Record<string, string> {
  return uploadFormValues({
    printedLine: described.printedLine ?? undefined,
    caption: described.caption ?? undefined,
    credit: described.credit ?? undefined,
    sourceUrl: described.sourceUrl ?? undefined,
    sourceNote: described.sourceNote ?? undefined,
    claimedDate: described.claimedDate?.toISOString().slice(0, 10),
    articleHeadline: article?.headline ?? undefined,
    articleUrl: article?.url ?? undefined,
    articlePublisher: article?.publisher ?? undefined,
    describedImage: String(described._id),
  });
}
