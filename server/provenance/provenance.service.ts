// Keeps each image's provenance report current: the findings are computed by pure functions
// (findings.ts) from the record, its near-duplicates in the hash index and the other uses of it.
// Image records are reached through the port below (the images repository implements it), so
// provenance imports nothing of the images capability.
import type mongoose from 'mongoose';
import { computeFindings, overallBadge } from './findings';
import type { FileForensics } from './forensics/forensics.types';
import type { C2paSummary, Finding, NormalisedMetadata, ProvenanceMatch } from './findings.types';
import { HashIndex } from './hash-index';
import { NEAR_DUPLICATE_MAX_DISTANCE } from './phash';
import type { QueryHash } from './picture-hashes';
import { PictureIndex } from './picture-index';
import { matchPicture, type PictureHit } from './picture-match';

/** A record's stored picture hashes as they come from the database (absent on records stored before them). */
export interface StoredPicture {
  whole?: string[] | null;
  windows?: string[] | null;
}

type ObjectId = mongoose.Types.ObjectId;
type Text = string | null | undefined;

/** What the findings read of an image record. */
export interface ProvenanceSubject {
  _id: ObjectId;
  sha256: string;
  phash: string;
  createdAt: Date;
  declared?: { credit?: Text; sourceUrl?: Text; caption?: Text; claimedDate?: Date | null } | null;
  embedded?: unknown;
  c2pa?: unknown;
  uses?: Array<{ credit?: Text; addedAt?: Date | null }> | null;
  /** The picture's displayed size and format, for the platform check. */
  file?: { width: number; height: number; format: string } | null;
  /** What the file's bytes say (server/forensics/). */
  forensics?: unknown;
}

/** What a match shows of another image. */
export interface MatchCandidate {
  _id: ObjectId;
  sha256: string;
  createdAt: Date;
  declared?: { credit?: Text; sourceUrl?: Text } | null;
}

/** The image records as provenance needs them. */
export interface ProvenanceRecords<Subject extends ProvenanceSubject, Candidate extends MatchCandidate> {
  findById(id: ObjectId): Promise<Subject | null>;
  matchCandidates(sha256: string, ids: string[]): Promise<Candidate[]>;
  hashesSince(from: Date | undefined): AsyncIterable<{ _id: ObjectId; phash: string; picture?: StoredPicture | null }>;
  saveProvenance(id: ObjectId, report: { findings: Finding[]; badge: string }): Promise<void>;
}

export interface MatchedImage<Candidate extends MatchCandidate = MatchCandidate> {
  image: Candidate;
  kind: 'exact' | 'near';
  distance: number;
}

/** How often a lookup first reads the hashes of images other processes stored (see syncIndex). */
const INDEX_SYNC_MS = 5_000;
/** Each sync re-reads this far back, for clock skew between app servers and inserts that commit late. */
const INDEX_SYNC_OVERLAP_MS = 60_000;

export function createProvenanceService<Subject extends ProvenanceSubject, Candidate extends MatchCandidate>(
  records: ProvenanceRecords<Subject, Candidate>,
  options: {
    indexSyncMs?: number;
    /**
     * How many writes of other app instances the images' write generation has seen (the shared
     * signal, db/write-generation.ts): a change makes the next lookup sync at once, not after indexSyncMs.
     */
    remoteWrites?: () => number;
    /** Findings from other capabilities about where the picture comes from (server/video: the frame of a held video). */
    originFindings?: (image: Subject) => Promise<Finding[]>;
    /** Other images whose report depends on this one's record (server/pictures: the rest of its picture group). */
    relatedImages?: (id: ObjectId) => Promise<ObjectId[]>;
  } = {},
) {
  const index = new HashIndex();
  const pictures = new PictureIndex();
  const indexSyncMs = options.indexSyncMs ?? INDEX_SYNC_MS;
  const originFindings = options.originFindings;
  const relatedImages = options.relatedImages;
  /** Images created from this moment on are read by the next sync; undefined: read them all. */
  let syncFrom: Date | undefined;
  let lastSync = 0;
  let syncing: Promise<void> | undefined;
  const remoteWrites = options.remoteWrites ?? (() => 0);
  /** remoteWrites() when the last sync began. */
  let remoteAtSync = remoteWrites();

  /** Adds a stored image's hash to the in-memory index; the start-up scan calls it for every record. */
  function indexStored(id: ObjectId, phash: string, picture?: StoredPicture | null): void {
    index.add(String(id), phash);
    addPicture(id, phash, picture);
  }

  /** Records stored before picture hashes existed are found by their pHash as the whole picture. */
  function addPicture(id: ObjectId, phash: string, picture?: StoredPicture | null): void {
    pictures.add(String(id), picture?.whole?.length ? picture.whole : [phash], picture?.windows ?? []);
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
    remoteAtSync = remoteWrites();
    for await (const record of records.hashesSince(syncFrom)) indexStored(record._id, record.phash, record.picture);
    syncFrom = new Date(started.getTime() - INDEX_SYNC_OVERLAP_MS);
    lastSync = started.getTime();
  }

  /** At most one sync at a time, and only when another instance wrote since the last or it is older than indexSyncMs. */
  function syncIfStale(): Promise<void> {
    if (Date.now() - lastSync < indexSyncMs && syncFrom && remoteWrites() === remoteAtSync) return Promise.resolve();
    syncing ??= syncIndex().finally(() => (syncing = undefined));
    return syncing;
  }

  /** Images held whose picture matches the given hashes (exact by SHA-256, near by perceptual hash). */
  async function findMatches(sha256: string, phash: string, excludeId?: ObjectId): Promise<Array<MatchedImage<Candidate>>> {
    await syncIfStale();
    const near = index.search(phash, NEAR_DUPLICATE_MAX_DISTANCE).filter((match) => match.id !== String(excludeId));
    const distances = new Map(near.map((match) => [match.id, match.distance]));
    const candidates = await records.matchCandidates(sha256, near.map((match) => match.id));
    return candidates
      .filter((record) => String(record._id) !== String(excludeId))
      .map((record) => ({
        image: record,
        kind: record.sha256 === sha256 ? ('exact' as const) : ('near' as const),
        distance: record.sha256 === sha256 ? 0 : (distances.get(String(record._id)) ?? 0),
      }))
      .sort((a, b) => a.distance - b.distance || a.image.createdAt.getTime() - b.image.createdAt.getTime());
  }

  /**
   * Held pictures the query hashes find (mirrored, turned, cropped, inside a composite), with the
   * records as a match shows them; `excludeId` leaves out the query's own record.
   */
  async function findPictures(query: readonly QueryHash[], excludeId?: ObjectId): Promise<Array<{ image: Candidate; hit: PictureHit }>> {
    await syncIfStale();
    const hits = matchPicture(pictures, query).filter((hit) => hit.id !== String(excludeId));
    if (hits.length === 0) return [];
    const byId = new Map(hits.map((hit) => [hit.id, hit]));
    // No SHA-256 to match: an impossible value, so only the ids are read.
    const candidates = await records.matchCandidates('-', [...byId.keys()]);
    return candidates
      .filter((record) => byId.has(String(record._id)))
      .map((record) => ({ image: record, hit: byId.get(String(record._id))! }))
      .sort((a, b) => a.hit.distance - b.hit.distance || a.image.createdAt.getTime() - b.image.createdAt.getTime());
  }

  function toProvenanceMatches(image: Subject, matched: MatchedImage[]): ProvenanceMatch[] {
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

  function findingsFor(image: Subject, matched: MatchedImage[]): Finding[] {
    return computeFindings({
      declared: {
        credit: image.declared?.credit ?? undefined,
        sourceUrl: image.declared?.sourceUrl ?? undefined,
        caption: image.declared?.caption ?? undefined,
        claimedDate: image.declared?.claimedDate ?? undefined,
      },
      embedded: (image.embedded ?? { sources: {} }) as NormalisedMetadata,
      c2pa: (image.c2pa ?? undefined) as C2paSummary | undefined,
      matches: toProvenanceMatches(image, matched),
      createdAt: image.createdAt,
      ...(image.file ? { file: { width: image.file.width, height: image.file.height, format: image.file.format } } : {}),
      ...(image.forensics ? { forensics: image.forensics as FileForensics } : {}),
    });
  }

  /** Recomputes and stores one image's report; with alsoMatches, its near-duplicates' reports too. */
  async function refresh(id: ObjectId, options: { alsoMatches?: boolean } = {}): Promise<Finding[]> {
    const image = await records.findById(id);
    if (!image) return [];
    const matched = await findMatches(image.sha256, image.phash, image._id);
    const findings = [...findingsFor(image, matched), ...((await originFindings?.(image)) ?? [])];
    await records.saveProvenance(id, { findings, badge: overallBadge(findings) });
    if (options.alsoMatches) {
      const done = new Set([String(id), ...matched.map((match) => String(match.image._id))]);
      for (const match of matched) await refresh(match.image._id);
      for (const other of (await relatedImages?.(id)) ?? []) if (!done.has(String(other))) await refresh(other);
    }
    return findings;
  }

  /** A new image joins the index; its report and those of the images it resembles change. */
  async function imageAdded(id: ObjectId, phash: string, picture?: StoredPicture): Promise<void> {
    index.add(String(id), phash);
    addPicture(id, phash, picture);
    await refresh(id, { alsoMatches: true });
  }

  /** Held images whose perceptual hash is near `phash` (index only, no database read): a video's frames are checked with it. */
  function nearImages(phash: string) {
    return index.search(phash, NEAR_DUPLICATE_MAX_DISTANCE);
  }

  return { indexStored, indexScanStarted, syncIndex, findMatches, findPictures, refresh, imageAdded, nearImages, get indexSize() { return index.size; } };
}

export type ProvenanceService<Subject extends ProvenanceSubject = ProvenanceSubject, Candidate extends MatchCandidate = MatchCandidate> = ReturnType<typeof createProvenanceService<Subject, Candidate>>;
