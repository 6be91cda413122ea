// Reading and editing image records. Ingest lives in ingest.service.ts.
import type { UsageKind } from '../credits/sources';
import mongoose from 'mongoose';
import type { HistoryService } from '../provenance/history.service';
import { BadRequestError, ConflictError, NotFoundError } from '../shared/errors';
import type { WritesInFlight } from '../shared/writes-in-flight';
import type { ArticleLinks, ArticleRef } from './article-links';
import { parseInput, receivedTexts } from '../shared/input';
import { keywordsOf } from './declared';
import type { GalleryQuery } from './gallery.query';
import type { ImageProvenance } from './image-provenance';
import type { ImageRecord } from './image.model';
import { imagePatchSchema, type ImagePatch as PatchFields } from './images.schemas';
import type { ImagesRepository, RecordChange } from './images.repository';
import { declaredRecord, type IngestService } from './ingest.service';
import type { Actor } from '../accounts/principal';

export function parseImageId(id: string): mongoose.Types.ObjectId {
  if (!/^[a-f0-9]{24}$/i.test(id)) throw new BadRequestError(`"${id.slice(0, 40)}" is not an image id.`, { code: 'invalid_id' });
  return new mongoose.Types.ObjectId(id);
}

export interface ImageDetail {
  image: ImageRecord;
  articles: Map<string, ArticleRef>;
}

export interface ImageServiceDeps {
  repository: ImagesRepository;
  articles: Pick<ArticleLinks, 'byIds'>;
  ingest: IngestService;
  history: HistoryService;
  provenance: ImageProvenance;
  /** Every edit is counted here, so shutdown waits for it. */
  writes: WritesInFlight;
}

export type ImagePatch = PatchFields & {
  /** The text as received, for each field whose stored form differs from it (kept in the history). */
  received?: Record<string, string>;
};

/** Validates a PATCH body; `null` or "" clears a field. */
export function readImagePatch(body: unknown): ImagePatch {
  const patch = parseInput(imagePatchSchema, body);
  const received = receivedTexts(body, patch, ['caption', 'credit', 'statusNote', 'reason']);
  return received ? { ...patch, received } : patch;
}

/** `{ received }` for a history change when the field's text was normalised (the raw text is kept there). */
function receivedOf(patch: ImagePatch, field: string): { received?: string } {
  const received = patch.received?.[field];
  return received === undefined ? {} : { received };
}

/** Edits that lose a race with another edit of other fields are computed again this many times. */
const EDIT_ATTEMPTS = 5;

type FieldChange = { field: string; from: unknown; to: unknown; received?: string };

/** Status fields of a patch and where they are stored on the record. */
const STATUS_FIELDS = [['status', 'value'], ['statusNote', 'note'], ['evidenceUrl', 'evidenceUrl']] as const;
const DECLARED_FIELDS = ['caption', 'credit', 'sourceUrl', 'claimedDate', 'supplierKind'] as const;

/** Pure: what a patch changes on a record, as history changes and as a database change. */
export function planEdit(image: ImageRecord, patch: ImagePatch, actor: Actor, now = new Date()): { changes: FieldChange[]; statusChanges: FieldChange[]; change: RecordChange } {
  const declared = { ...image.declared } as Record<string, unknown>;
  const changes: FieldChange[] = [];
  const set: Record<string, unknown> = {};
  const unset: string[] = [];
  for (const field of DECLARED_FIELDS) {
    const next = patch[field];
    if (next === undefined) continue;
    const previous = (declared[field] as string | Date | undefined) ?? null;
    if (String(previous) === String(next)) continue;
    changes.push({ field, from: previous, to: next, ...receivedOf(patch, field) });
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
      supplierKind: declared.supplierKind as UsageKind | undefined,
    });
    set.declared = rebuilt;
    set.keywords = keywordsOf(rebuilt.caption, rebuilt.credit, rebuilt.sourceUrl, rebuilt.sourceNote);
  }
  const statusChanges: FieldChange[] = [];
  const status = image.status ?? { value: 'unverified' };
  for (const [field, key] of STATUS_FIELDS) {
    const next = patch[field];
    if (next === undefined) continue;
    const previous = (status as Record<string, unknown>)[key] ?? null;
    if (previous === next) continue;
    statusChanges.push({ field, from: previous, to: next, ...receivedOf(patch, field) });
    if (next === null) unset.push(`status.${key}`);
    else set[`status.${key}`] = next;
  }
  if (statusChanges.length > 0) {
    set['status.setBy'] = actor.name;
    set['status.setById'] = actor.accountId ?? null;
    set['status.setAt'] = now;
  }
  return { changes, statusChanges, change: { set, unset } };
}

/** The value of a patchable field on a record, to tell whether a concurrent edit touched it. */
function currentValue(image: ImageRecord, field: keyof Omit<PatchFields, 'reason'>): string {
  const statusKey = STATUS_FIELDS.find(([name]) => name === field)?.[1];
  const value = statusKey ? (image.status as Record<string, unknown> | undefined)?.[statusKey] : (image.declared as Record<string, unknown> | undefined)?.[field];
  return String(value ?? null);
}

export function createImageService(deps: ImageServiceDeps) {
  const { repository } = deps;

  async function findImage(id: string): Promise<ImageRecord> {
    const image = await repository.findById(parseImageId(id));
    if (!image) throw new NotFoundError('No image with this id is in the archive.');
    return image;
  }

  /** The articles an image's uses point at, by id. */
  async function articlesOf(image: Pick<ImageRecord, 'uses'>): Promise<Map<string, ArticleRef>> {
    const ids = (image.uses ?? []).map((use) => use.article).filter((value): value is mongoose.Types.ObjectId => Boolean(value));
    return ids.length > 0 ? deps.articles.byIds(ids) : new Map();
  }

  async function get(id: string): Promise<ImageDetail> {
    const image = await findImage(id);
    return { image, articles: await articlesOf(image) };
  }

  /** The raw metadata by id, 404 for an unknown image. */
  async function rawMetadata(id: string): Promise<{ raw: unknown; embeddedThumbnail: unknown }> {
    const imageId = parseImageId(id);
    const [exists, metadata] = await Promise.all([repository.exists(imageId), repository.metadataOf(imageId)]);
    if (!exists) throw new NotFoundError('No image with this id is in the archive.');
    return metadata;
  }

  async function provenanceReport(id: string) {
    const image = await repository.provenanceOf(parseImageId(id));
    if (!image) throw new NotFoundError('No image with this id is in the archive.');
    return { imageId: String(image._id), badge: image.provenance?.badge ?? 'neutral', computedAt: image.provenance?.computedAt ?? null, findings: image.provenance?.findings ?? [] };
  }

  async function history(id: string) {
    const imageId = parseImageId(id);
    if (!(await repository.exists(imageId))) throw new NotFoundError('No image with this id is in the archive.');
    return deps.history.list(imageId);
  }

  /**
   * Applies a patch atomically: written only if the record is still the one the change was
   * computed from. When another edit got in between, the patch is computed again on the new record
   * if that edit touched other fields (both land), and refused with 409 if it changed a field this
   * patch changes too (nothing is overwritten unseen).
   */
  async function update(id: string, patch: ImagePatch, actor: Actor): Promise<ImageRecord> {
    const first = await findImage(id);
    const touched = (Object.keys(patch) as Array<keyof ImagePatch>).filter((key): key is keyof Omit<PatchFields, 'reason'> => key !== 'reason' && key !== 'received' && patch[key] !== undefined);
    let image = first;
    for (let attempt = 1; ; attempt++) {
      const { changes, statusChanges, change } = planEdit(image, patch, actor);
      if (changes.length === 0 && statusChanges.length === 0) return image;
      if (await repository.conditionalUpdate(image._id, image.revision ?? 0, change)) {
        if (changes.length > 0) await deps.history.append(image._id, { type: 'edited', actor, changes, reason: patch.reason });
        if (statusChanges.length > 0) await deps.history.append(image._id, { type: 'status_set', actor, changes: statusChanges, reason: patch.reason });
        await deps.provenance.refresh(image._id, { alsoMatches: true });
        return (await repository.findById(image._id))!;
      }
      const current = await findImage(id);
      const clashing = touched.filter((field) => currentValue(current, field) !== currentValue(first, field));
      if (clashing.length > 0 || attempt >= EDIT_ATTEMPTS) {
        throw new ConflictError(`Someone else changed ${clashing.length > 0 ? clashing.join(', ') : 'this record'} at the same moment. Reload the record and make your change again.`, { code: 'edit_conflict' });
      }
      image = current;
    }
  }

  return {
    ...deps.ingest,
    list: (query: GalleryQuery) => repository.page(query),
    get,
    articlesOf,
    rawMetadata,
    metadataOf: repository.metadataOf,
    provenanceReport,
    history,
    update: (id: string, patch: ImagePatch, actor: Actor) => deps.writes.track(() => update(id, patch, actor)),
  };
}

export type ImageService = ReturnType<typeof createImageService>;
