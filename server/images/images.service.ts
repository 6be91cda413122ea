// Reading and editing image records. Ingest lives in ingest.service.ts.
import mongoose from 'mongoose';
import { ArticleModel, type ArticleRecord } from '../articles/article.model';
import { galleryFilter, gallerySort, type GalleryQuery } from './gallery.query';
import type { HistoryService } from '../provenance/history.service';
import type { ProvenanceService } from '../provenance/provenance.service';
import { BadRequestError, NotFoundError } from '../shared/errors';
import { optionalDate, optionalText, optionalUrl } from './declared';
import { ImageMetadataModel, ImageModel, VERIFICATION_STATUSES, type ImageRecord, type VerificationStatus } from './image.model';
import { declaredRecord, type IngestService } from './ingest.service';
import { keywordsOf } from './declared';
import type { WritesInFlight } from '../shared/writes-in-flight';
import type { Actor } from '../accounts/principal';

/** What a gallery card, an article entry and an API list item show; nothing more, because the
 *  driver decodes every field of every card on each page (whole `declared` and `file` objects,
 *  with the parsed credit and colour facts, made up most of the bytes). */
export const CARD_PROJECTION = {
  sha256: 1,
  'derivatives.thumbnail.file': 1,
  'derivatives.thumbnail.width': 1,
  'derivatives.thumbnail.height': 1,
  'derivatives.display.file': 1,
  'derivatives.display.width': 1,
  'file.width': 1,
  'file.height': 1,
  'declared.caption': 1,
  'declared.credit': 1,
  'declared.sourceUrl': 1,
  'declared.platform': 1,
  'status.value': 1,
  'provenance.badge': 1,
  createdAt: 1,
} as const;

export function parseImageId(id: string): mongoose.Types.ObjectId {
  if (!/^[a-f0-9]{24}$/i.test(id)) throw new BadRequestError(`"${id.slice(0, 40)}" is not an image id.`, { code: 'invalid_id' });
  return new mongoose.Types.ObjectId(id);
}

export interface ImageDetail {
  image: ImageRecord;
  articles: Map<string, ArticleRecord>;
}

/** The articles an image's uses point at, by id. */
export async function articlesOf(image: Pick<ImageRecord, 'uses'>): Promise<Map<string, ArticleRecord>> {
  const articleIds = (image.uses ?? []).map((use) => use.article).filter((value): value is mongoose.Types.ObjectId => Boolean(value));
  const articles = articleIds.length > 0 ? await ArticleModel.find({ _id: { $in: articleIds } }).lean<ArticleRecord[]>() : [];
  return new Map(articles.map((article) => [String(article._id), article]));
}

export interface ImageServiceDeps {
  ingest: IngestService;
  history: HistoryService;
  provenance: ProvenanceService;
  /** Every edit is counted here, so shutdown waits for it. */
  writes: WritesInFlight;
}

export interface ImagePatch {
  caption?: string | null;
  credit?: string | null;
  sourceUrl?: string | null;
  status?: VerificationStatus;
  statusNote?: string | null;
  evidenceUrl?: string | null;
  claimedDate?: Date | null;
  reason: string;
}

const PATCHABLE = ['caption', 'credit', 'sourceUrl', 'claimedDate', 'status', 'statusNote', 'evidenceUrl', 'reason'];

/** Validates a PATCH body; `null` or "" clears a field. */
export function readImagePatch(body: unknown): ImagePatch {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new BadRequestError('Send a JSON object.');
  const bag = body as Record<string, unknown>;
  const unknown = Object.keys(bag).filter((key) => !PATCHABLE.includes(key));
  if (unknown.length > 0) throw new BadRequestError(`Unknown field(s): ${unknown.join(', ')}. Editable: ${PATCHABLE.join(', ')}.`);
  const reason = optionalText(bag, 'reason', 1000);
  if (!reason) throw new BadRequestError('Say why the record is being changed: the "reason" field is required.', { details: { field: 'reason' } });
  const clearable = (name: string, read: (b: Record<string, unknown>, n: string) => string | undefined) =>
    name in bag ? (bag[name] === null ? null : (read(bag, name) ?? null)) : undefined;
  const status = optionalText(bag, 'status', 20);
  if (status !== undefined && !(VERIFICATION_STATUSES as readonly string[]).includes(status)) {
    throw new BadRequestError(`"status" must be one of: ${VERIFICATION_STATUSES.join(', ')}.`, { details: { field: 'status' } });
  }
  const patch: ImagePatch = {
    caption: clearable('caption', (b, n) => optionalText(b, n)),
    credit: clearable('credit', (b, n) => optionalText(b, n, 500)),
    sourceUrl: clearable('sourceUrl', optionalUrl),
    status: status as VerificationStatus | undefined,
    statusNote: clearable('statusNote', (b, n) => optionalText(b, n, 2000)),
    evidenceUrl: clearable('evidenceUrl', optionalUrl),
    claimedDate: 'claimedDate' in bag ? (bag.claimedDate === null ? null : (optionalDate(bag, 'claimedDate') ?? null)) : undefined,
    reason,
  };
  if (Object.entries(patch).every(([key, value]) => key === 'reason' || value === undefined)) {
    throw new BadRequestError('Nothing to change: send at least one of caption, credit, sourceUrl, claimedDate, status, statusNote, evidenceUrl.');
  }
  return patch;
}

export function createImageService(deps: ImageServiceDeps) {
  async function list(query: GalleryQuery): Promise<{ items: ImageRecord[]; total: number }> {
    const filter = galleryFilter(query);
    const [items, total] = await Promise.all([
      ImageModel.find(filter, CARD_PROJECTION)
        .sort(gallerySort(query.sort))
        .skip((query.page - 1) * query.limit)
        .limit(query.limit)
        .lean<ImageRecord[]>(),
      Object.keys(filter).length === 0 ? ImageModel.estimatedDocumentCount() : ImageModel.countDocuments(filter),
    ]);
    return { items, total };
  }

  async function findImage(id: string): Promise<ImageRecord> {
    const image = await ImageModel.findById(parseImageId(id)).lean<ImageRecord>();
    if (!image) throw new NotFoundError('No image with this id is in the archive.');
    return image;
  }

  async function get(id: string): Promise<ImageDetail> {
    const image = await findImage(id);
    return { image, articles: await articlesOf(image) };
  }

  /** The raw metadata of an image already loaded. */
  async function metadataOf(imageId: mongoose.Types.ObjectId): Promise<{ raw: unknown; embeddedThumbnail: unknown }> {
    const metadata = await ImageMetadataModel.findOne({ image: imageId }).lean();
    return { raw: metadata?.raw ?? {}, embeddedThumbnail: metadata?.embeddedThumbnail ?? null };
  }

  /** The raw metadata by id, 404 for an unknown image. */
  async function rawMetadata(id: string): Promise<{ raw: unknown; embeddedThumbnail: unknown }> {
    const imageId = parseImageId(id);
    const [exists, metadata] = await Promise.all([ImageModel.exists({ _id: imageId }), metadataOf(imageId)]);
    if (!exists) throw new NotFoundError('No image with this id is in the archive.');
    return metadata;
  }

  async function update(id: string, patch: ImagePatch, actor: Actor): Promise<ImageRecord> {
    const image = await findImage(id);
    const declared = { ...image.declared } as Record<string, unknown>;
    const changes: Array<{ field: string; from: unknown; to: unknown }> = [];
    const set: Record<string, unknown> = {};
    const unset: Record<string, ''> = {};
    for (const field of ['caption', 'credit', 'sourceUrl', 'claimedDate'] as const) {
      const next = patch[field];
      if (next === undefined) continue;
      const previous = (declared[field] as string | Date | undefined) ?? null;
      if (String(previous) === String(next)) continue;
      changes.push({ field, from: previous, to: next });
      declared[field] = next ?? undefined;
    }
    if (changes.length > 0) {
      const rebuilt = declaredRecord({
        caption: declared.caption as string | undefined,
        credit: declared.credit as string | undefined,
        sourceUrl: declared.sourceUrl as string | undefined,
        sourceNote: declared.sourceNote as string | undefined,
        printedLine: declared.printedLine as string | undefined,
        claimedDate: declared.claimedDate as Date | undefined,
      });
      set.declared = rebuilt;
      set.keywords = keywordsOf(rebuilt.caption, rebuilt.credit, rebuilt.sourceUrl, rebuilt.sourceNote);
    }
    const statusChanges: Array<{ field: string; from: unknown; to: unknown }> = [];
    const status = image.status ?? { value: 'unverified' };
    for (const [field, key] of [['status', 'value'], ['statusNote', 'note'], ['evidenceUrl', 'evidenceUrl']] as const) {
      const next = patch[field];
      if (next === undefined) continue;
      const previous = (status as Record<string, unknown>)[key] ?? null;
      if (previous === next) continue;
      statusChanges.push({ field, from: previous, to: next });
      if (next === null) unset[`status.${key}`] = '';
      else set[`status.${key}`] = next;
    }
    if (statusChanges.length > 0) {
      set['status.setBy'] = actor.name;
      set['status.setById'] = actor.accountId ?? null;
      set['status.setAt'] = new Date();
    }
    if (changes.length === 0 && statusChanges.length === 0) return image;
    await ImageModel.updateOne({ _id: image._id }, Object.keys(unset).length > 0 ? { $set: set, $unset: unset } : { $set: set });
    if (changes.length > 0) await deps.history.append(image._id, { type: 'edited', actor, changes, reason: patch.reason });
    if (statusChanges.length > 0) await deps.history.append(image._id, { type: 'status_set', actor, changes: statusChanges, reason: patch.reason });
    await deps.provenance.refresh(image._id, { alsoMatches: true });
    return (await ImageModel.findById(image._id).lean<ImageRecord>())!;
  }

  return {
    ...deps.ingest,
    list,
    get,
    rawMetadata,
    metadataOf,
    update: (id: string, patch: ImagePatch, actor: Actor) => deps.writes.track(() => update(id, patch, actor)),
  };
}

export type ImageService = ReturnType<typeof createImageService>;
