// The API's JSON shape of an image record. Identifiers are strings, dates ISO strings, files URLs.
import type { FileForensics } from '../provenance/forensics/forensics.types';
import type { ArticleRef } from './article-links';
import type { ImageRecord } from './image.model';

export function originalUrl(image: Pick<ImageRecord, 'originalFile'>): string {
  return `/media/originals/${image.originalFile}`;
}

export function derivativeUrl(file: string | undefined | null): string | undefined {
  return file ? `/media/derivatives/${file}` : undefined;
}

export function articleJson(article: ArticleRef) {
  return {
    id: String(article._id),
    url: article.url ?? null,
    headline: article.headline ?? null,
    publisher: article.publisher ?? null,
    publishedAt: article.publishedAt ?? null,
  };
}

/** A short form for lists: what a gallery card shows. */
export function imageSummaryJson(image: ImageRecord) {
  return {
    id: String(image._id),
    sha256: image.sha256,
    createdAt: image.createdAt,
    caption: image.declared?.caption ?? null,
    credit: image.declared?.credit ?? null,
    sourceUrl: image.declared?.sourceUrl ?? null,
    platform: image.declared?.platform ?? null,
    status: image.status?.value ?? 'unverified',
    badge: image.provenance?.badge ?? 'neutral',
    width: image.file?.width,
    height: image.file?.height,
    thumbnailUrl: derivativeUrl(image.derivatives?.thumbnail?.file),
    displayUrl: derivativeUrl(image.derivatives?.display?.file),
    /** Files held of this picture (server/pictures): 1 when it is alone. */
    copies: image.group?.size ?? 1,
    url: `/api/images/${String(image._id)}`,
  };
}

export function imageJson(image: ImageRecord, articles: Map<string, ArticleRef> = new Map()) {
  const declared = image.declared ?? {};
  return {
    id: String(image._id),
    sha256: image.sha256,
    phash: image.phash,
    createdAt: image.createdAt,
    updatedAt: image.updatedAt,
    declared: {
      caption: declared.caption ?? null,
      credit: declared.credit ?? null,
      creditParts: declared.creditParts ?? null,
      sourceUrl: declared.sourceUrl ?? null,
      platform: declared.platform ?? null,
      sourceNote: declared.sourceNote ?? null,
      printedLine: declared.printedLine ?? null,
      claimedDate: declared.claimedDate ?? null,
    },
    embedded: image.embedded ?? {},
    file: image.file,
    c2pa: image.c2pa ?? null,
    /** Estimated JPEG quality (IJG scale) and the known encoder whose tables these are; null for other formats. */
    jpegQuality: (image.forensics as FileForensics | undefined)?.jpegQuality ?? null,
    forensics: image.forensics ?? null,
    aiDeclared: Boolean(image.aiDeclared),
    original: { url: originalUrl(image), uploadName: image.uploadName ?? null },
    derivatives: {
      thumbnail: image.derivatives?.thumbnail ? { ...image.derivatives.thumbnail, url: derivativeUrl(image.derivatives.thumbnail.file) } : null,
      display: image.derivatives?.display ? { ...image.derivatives.display, url: derivativeUrl(image.derivatives.display.file) } : null,
    },
    uses: (image.uses ?? []).map((use) => ({
      id: String(use._id),
      article: use.article ? (articles.get(String(use.article)) ? articleJson(articles.get(String(use.article))!) : { id: String(use.article) }) : null,
      printedLine: use.printedLine ?? null,
      caption: use.caption ?? null,
      credit: use.credit ?? null,
      addedAt: use.addedAt,
      addedBy: use.addedBy ?? null,
    })),
    status: image.status ?? { value: 'unverified' },
    provenance: image.provenance ?? { findings: [], badge: 'neutral' },
    links: {
      self: `/api/images/${String(image._id)}`,
      metadata: `/api/images/${String(image._id)}/metadata`,
      provenance: `/api/images/${String(image._id)}/provenance`,
      history: `/api/images/${String(image._id)}/history`,
      page: `/images/${String(image._id)}`,
    },
  };
}
