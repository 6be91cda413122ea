// Keeps each image's provenance report current: the findings are computed by pure functions
// (findings.ts) from the record, its near-duplicates in the hash index and the other uses of it.
import mongoose from 'mongoose';
import { ImageModel, type ImageRecord } from '../images/image.model';
import { computeFindings, overallBadge } from './findings';
import type { Finding, ProvenanceMatch } from './findings.types';
import { HashIndex } from './hash-index';
import { NEAR_DUPLICATE_MAX_DISTANCE } from './phash';

type ObjectId = mongoose.Types.ObjectId;

const MATCH_PROJECTION = { sha256: 1, phash: 1, declared: 1, createdAt: 1, derivatives: 1 } as const;

export interface MatchedImage {
  image: Pick<ImageRecord, '_id' | 'sha256' | 'declared' | 'createdAt' | 'derivatives'>;
  kind: 'exact' | 'near';
  distance: number;
}

/** How often a lookup first reads the hashes of images other processes stored (see syncIndex). */
const INDEX_SYNC_MS = 5_000;
/** Each sync re-reads this far back, for clock skew between app servers and inserts that commit late. */
const INDEX_SYNC_OVERLAP_MS = 60_000;

export interface ProvenanceOptions {
  indexSyncMs?: number;
  /** Findings from other capabilities about where the picture comes from (server/video: the frame of a held video). */
  originFindings?: (image: ImageRecord) => Promise<Finding[]>;
}

/** Video records are matched through their frames (server/video/frame-index.ts), not as one picture. */
const NOT_VIDEO = { 'file.mimeType': { $not: /^video\// } };

export function createProvenanceService(options: ProvenanceOptions = {}) {
  const index = new HashIndex();
  const indexSyncMs = options.indexSyncMs ?? INDEX_SYNC_MS;
  const originFindings = options.originFindings;
  /** Images created from this moment on are read by the next sync; undefined: read them all. */
  let syncFrom: Date | undefined;
  let lastSync = 0;
  let syncing: Promise<void> | undefined;

  /** Adds a stored image's hash to the in-memory index; the start-up scan calls it for every record. */
  function indexStored(id: ObjectId, phash: string): void {
    index.add(String(id), phash);
  }

  /** Called as the start-up scan begins: what it reads need not be read again by a sync. */
  function indexScanStarted(at: Date): void {
    syncFrom = new Date(at.getTime() - INDEX_SYNC_OVERLAP_MS);
    lastSync = at.getTime();
  }

  /**
   * Adds the hashes of images stored since the last sync. This process adds its own uploads at
   * once (imageAdded); this is for the others sharing the database (several app instances on one
   * MongoDB), whose uploads would otherwise be missing from lookups until the next restart.
   */
  async function syncIndex(): Promise<void> {
    const started = new Date();
    const filter = syncFrom ? { createdAt: { $gte: syncFrom }, ...NOT_VIDEO } : NOT_VIDEO;
    for await (const record of ImageModel.find(filter, { phash: 1 }).lean().cursor({ batchSize: 1000 })) index.add(String(record._id), record.phash);
    syncFrom = new Date(started.getTime() - INDEX_SYNC_OVERLAP_MS);
    lastSync = started.getTime();
  }

  /** At most one sync at a time, and only when the last is older than indexSyncMs. */
  function syncIfStale(): Promise<void> {
    if (Date.now() - lastSync < indexSyncMs && syncFrom) return Promise.resolve();
    syncing ??= syncIndex().finally(() => (syncing = undefined));
    return syncing;
  }

  /** Images held whose picture matches the given hashes (exact by SHA-256, near by perceptual hash). */
  async function findMatches(sha256: string, phash: string, excludeId?: ObjectId): Promise<MatchedImage[]> {
    await syncIfStale();
    const near = index.search(phash, NEAR_DUPLICATE_MAX_DISTANCE).filter((match) => match.id !== String(excludeId));
    const distances = new Map(near.map((match) => [match.id, match.distance]));
    const records = await ImageModel.find(
      { $or: [{ sha256 }, { _id: { $in: near.map((match) => new mongoose.Types.ObjectId(match.id)) } }] },
      MATCH_PROJECTION,
    ).lean<MatchedImage['image'][]>();
    return records
      .filter((record) => String(record._id) !== String(excludeId))
      .map((record) => ({
        image: record,
        kind: record.sha256 === sha256 ? ('exact' as const) : ('near' as const),
        distance: record.sha256 === sha256 ? 0 : (distances.get(String(record._id)) ?? 0),
      }))
      .sort((a, b) => a.distance - b.distance || a.image.createdAt.getTime() - b.image.createdAt.getTime());
  }

  function toProvenanceMatches(image: ImageRecord, matched: MatchedImage[]): ProvenanceMatch[] {
    const matches: ProvenanceMatch[] = matched.map(({ image: other, kind, distance }) => ({
      imageId: String(other._id),
      kind,
      distance,
      credit: other.declared?.credit ?? undefined,
      sourceUrl: other.declared?.sourceUrl ?? undefined,
      createdAt: other.createdAt,
    }));
    // The same file used again under another credit is held "under another credit" too.
    for (const use of image.uses ?? []) {
      if (use.credit && use.credit !== image.declared?.credit) {
        matches.push({ imageId: String(image._id), kind: 'exact', distance: 0, credit: use.credit, createdAt: use.addedAt ?? image.createdAt });
      }
    }
    return matches;
  }

  function findingsFor(image: ImageRecord, matched: MatchedImage[]): Finding[] {
    return computeFindings({
      declared: {
        credit: image.declared?.credit ?? undefined,
        sourceUrl: image.declared?.sourceUrl ?? undefined,
        caption: image.declared?.caption ?? undefined,
        claimedDate: image.declared?.claimedDate ?? undefined,
      },
      embedded: (image.embedded ?? { sources: {} }) as Parameters<typeof computeFindings>[0]['embedded'],
      c2pa: image.c2pa ?? undefined,
      matches: toProvenanceMatches(image, matched),
      createdAt: image.createdAt,
    });
  }

  /** Recomputes and stores one image's report; with alsoMatches, its near-duplicates' reports too. */
  async function refresh(id: ObjectId, options: { alsoMatches?: boolean } = {}): Promise<Finding[]> {
    const image = await ImageModel.findById(id).lean<ImageRecord>();
    if (!image) return [];
    const matched = await findMatches(image.sha256, image.phash, image._id);
    const findings = [...findingsFor(image, matched), ...((await originFindings?.(image)) ?? [])];
    await ImageModel.updateOne(
      { _id: id },
      { $set: { 'provenance.findings': findings, 'provenance.badge': overallBadge(findings), 'provenance.computedAt': new Date() } },
      { timestamps: false },
    );
    if (options.alsoMatches) {
      for (const match of matched) await refresh(match.image._id);
    }
    return findings;
  }

  /** A new image joins the index; its report and those of the images it resembles change. */
  async function imageAdded(id: ObjectId, phash: string): Promise<void> {
    index.add(String(id), phash);
    await refresh(id, { alsoMatches: true });
  }

  /** Held images whose perceptual hash is near `phash` (index only, no database read): a video's frames are checked with it. */
  function nearImages(phash: string) {
    return index.search(phash, NEAR_DUPLICATE_MAX_DISTANCE);
  }

  return { indexStored, indexScanStarted, syncIndex, findMatches, refresh, imageAdded, nearImages, get indexSize() { return index.size; } };
}

export type ProvenanceService = ReturnType<typeof createProvenanceService>;
