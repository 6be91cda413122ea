// The image records and their raw metadata: the only module that imports their models. Every
// write bumps the images' write generation (the gallery's page cache is keyed on it).
import mongoose from 'mongoose';
import type { WriteGeneration } from '../db/write-generation';
import { galleryFilter, gallerySort, type GalleryQuery } from './gallery.query';
import { ImageMetadataModel, ImageModel, type ImageRecord } from './image.model';

type ObjectId = mongoose.Types.ObjectId;

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
  'group.size': 1,
  'group.id': 1,
  createdAt: 1,
} as const;

/** What a match shows of another image (provenance findings, related images, lookups). */
const MATCH_PROJECTION = { sha256: 1, phash: 1, declared: 1, createdAt: 1, derivatives: 1 } as const;

export type MatchCandidateRecord = Pick<ImageRecord, '_id' | 'sha256' | 'declared' | 'createdAt' | 'derivatives'>;
export type ArticleImageRecord = Pick<ImageRecord, '_id' | 'sha256' | 'declared' | 'derivatives' | 'file' | 'status' | 'provenance' | 'createdAt' | 'uses'>;
export interface SourceSummaryRecord {
  _id: string;
  images: number;
  verified: number;
  disputed: number;
  first: Date;
  last: Date;
  creditParts?: unknown;
  sourceUrl?: string;
}
export type SourceImageRecord = Pick<ImageRecord, '_id' | 'sha256' | 'declared' | 'derivatives' | 'file' | 'status' | 'provenance' | 'createdAt' | 'group'>;
export type GroupMemberImage = Pick<ImageRecord, '_id' | 'createdAt' | 'declared' | 'file' | 'derivatives'>;
export type RepairRecord = Pick<ImageRecord, '_id' | 'phash' | 'picture' | 'originalFile' | 'file' | 'derivatives' | 'provenance'>;
/** One printing of an image: the article and the lines it ran with. */
export interface NewImageUse {
  _id?: ObjectId;
  article?: ObjectId;
  printedLine?: string;
  caption?: string;
  credit?: string;
  addedAt: Date;
  addedBy?: string;
}
export type NewImageRecord = Omit<ImageRecord, 'createdAt' | 'updatedAt' | 'provenance' | 'status' | 'revision' | 'uses' | 'foldedIntoGroup'> & { uses: NewImageUse[] };

/** A change to one record, applied only while the record is at `revision` (see conditionalUpdate). */
export interface RecordChange {
  set: Record<string, unknown>;
  unset: string[];
}

/**
 * How many cards a gallery query has: the matches (the collection's estimate when nothing filters),
 * less, with groups folded (group=1), the folded members among them, which are few and found on
 * their index; counting with `foldedIntoGroup: false` would read nearly every record.
 */
export async function countCards(query: GalleryQuery): Promise<number> {
  const filter = galleryFilter({ ...query, group: false });
  const all = Object.keys(filter).length === 0 ? await ImageModel.estimatedDocumentCount() : await ImageModel.countDocuments(filter);
  if (!query.group) return all;
  const folded = await ImageModel.countDocuments({ ...filter, foldedIntoGroup: true });
  return Math.max(0, all - folded);
}

export function createImagesRepository({ generation }: { generation: WriteGeneration }) {
  return {
    async findById(id: ObjectId): Promise<ImageRecord | null> {
      return ImageModel.findById(id).lean<ImageRecord>();
    },

    async findBySha256(sha256: string): Promise<ImageRecord | null> {
      return ImageModel.findOne({ sha256 }).lean<ImageRecord>();
    },

    async exists(id: ObjectId): Promise<boolean> {
      return Boolean(await ImageModel.exists({ _id: id }));
    },

    /** Which of these SHA-256 hashes the archive holds, with the record's id. */
    async idsBySha256(hashes: string[]): Promise<Map<string, ObjectId>> {
      const records = await ImageModel.find({ sha256: { $in: hashes } }, { sha256: 1 }).lean<Array<{ _id: ObjectId; sha256: string }>>();
      return new Map(records.map((record) => [record.sha256, record._id]));
    },

    /** One gallery or API page of cards, and how many records match the query in all. */
    async page(query: GalleryQuery): Promise<{ items: ImageRecord[]; total: number }> {
      const filter = galleryFilter(query);
      const [items, total] = await Promise.all([
        ImageModel.find(filter, CARD_PROJECTION)
          .sort(gallerySort(query.sort))
          .skip((query.page - 1) * query.limit)
          .limit(query.limit)
          .lean<ImageRecord[]>(),
        countCards(query),
      ]);
      return { items, total };
    },

    async provenanceOf(id: ObjectId): Promise<Pick<ImageRecord, '_id' | 'provenance'> | null> {
      return ImageModel.findById(id, { provenance: 1 }).lean<Pick<ImageRecord, '_id' | 'provenance'>>();
    },

    /** Records with this SHA-256 or one of these ids, as a match shows them. */
    async matchCandidates(sha256: string, ids: string[]): Promise<MatchCandidateRecord[]> {
      // Two indexed reads rather than one $or: the embedded server scans every record for an $or
      // (and for an empty $in), which made a lookup cost 5 s at 100,000 records.
      const [same, near] = await Promise.all([
        ImageModel.find({ sha256 }, MATCH_PROJECTION).lean<MatchCandidateRecord[]>(),
        ids.length > 0 ? ImageModel.find({ _id: { $in: ids.map((id) => new mongoose.Types.ObjectId(id)) } }, MATCH_PROJECTION).lean<MatchCandidateRecord[]>() : [],
      ]);
      const seen = new Set(same.map((record) => String(record._id)));
      return [...same, ...near.filter((record) => !seen.has(String(record._id)))];
    },

    /** The perceptual hashes of records created since `from` (all when undefined), streamed. */
    hashesSince(from: Date | undefined): AsyncIterable<{ _id: ObjectId; phash: string; picture?: ImageRecord['picture'] }> {
      // Video records are matched through their frames (server/video/frame-index.ts), not their poster.
      const notVideo = { 'file.mimeType': { $not: /^video\// } };
      return ImageModel.find(from ? { createdAt: { $gte: from }, ...notVideo } : notVideo, { phash: 1, picture: 1 }).lean<{ _id: ObjectId; phash: string; picture?: ImageRecord['picture'] }>().cursor({ batchSize: 1000 });
    },

    /** Every supplier key the records name, with how many images, verified and disputed, first and last seen (server/sources). */
    async sourceSummaries(): Promise<SourceSummaryRecord[]> {
      const is = (value: string) => ({ $cond: [{ $eq: ['$status.value', value] }, 1, 0] });
      return ImageModel.aggregate<SourceSummaryRecord>([
        { $match: { 'declared.sourceKeys.0': { $exists: true } } },
        { $project: { 'declared.sourceKeys': 1, 'declared.creditParts': 1, 'declared.sourceUrl': 1, 'status.value': 1, createdAt: 1 } },
        { $unwind: '$declared.sourceKeys' },
        {
          $group: {
            _id: '$declared.sourceKeys',
            images: { $sum: 1 },
            verified: { $sum: is('verified') },
            disputed: { $sum: is('disputed') },
            first: { $min: '$createdAt' },
            last: { $max: '$createdAt' },
            creditParts: { $first: '$declared.creditParts' },
            sourceUrl: { $first: '$declared.sourceUrl' },
          },
        },
        { $sort: { images: -1, _id: 1 } },
      ]);
    },

    /** The records naming one supplier, newest first, with what its page shows (server/sources). */
    async ofSource(key: string, limit: number): Promise<SourceImageRecord[]> {
      return ImageModel.find({ 'declared.sourceKeys': key }, { ...CARD_PROJECTION, 'provenance.findings': 1, 'declared.creditParts': 1, 'declared.kind': 1, 'declared.sourceKeys': 1 })
        .sort({ createdAt: -1, _id: -1 })
        .limit(limit)
        .lean<SourceImageRecord[]>();
    },

    /** What a picture group shows of its members (server/pictures). */
    async groupMembers(ids: ObjectId[]): Promise<GroupMemberImage[]> {
      return ImageModel.find({ _id: { $in: ids } }, { createdAt: 1, 'declared.credit': 1, 'declared.sourceUrl': 1, 'file.width': 1, 'file.height': 1, 'file.bytes': 1, 'derivatives.thumbnail.file': 1 }).lean<GroupMemberImage[]>();
    },

    /** The picture-group summary of each record (null: the image is alone again). */
    setGroupSummaries(summaries: Array<{ id: ObjectId; group: { id: ObjectId; size: number; lead: boolean } | null }>): Promise<void> {
      return generation.after(async () => {
        if (summaries.length === 0) return;
        await ImageModel.bulkWrite(
          summaries.map(({ id, group }) => ({
            updateOne: { filter: { _id: id }, update: group ? { $set: { group, foldedIntoGroup: !group.lead } } : { $set: { foldedIntoGroup: false }, $unset: { group: 1 } } },
          })),
        );
      });
    },

    /** These records as a match shows them (server/video: the stills of a video, the videos of a still). */
    async matchCandidatesById(ids: ObjectId[]): Promise<MatchCandidateRecord[]> {
      if (ids.length === 0) return [];
      return ImageModel.find({ _id: { $in: ids } }, MATCH_PROJECTION).lean<MatchCandidateRecord[]>();
    },

    /** Every record with what the start-up repair checks, streamed. */
    scanForRepair(): AsyncIterable<RepairRecord> {
      return ImageModel.find({}, { phash: 1, picture: 1, originalFile: 1, file: 1, derivatives: 1, 'provenance.computedAt': 1 }).lean<RepairRecord>().cursor({ batchSize: 1000 });
    },

    /** The records an article used, with what its page shows of them. */
    async usedInArticle(articleId: ObjectId): Promise<ArticleImageRecord[]> {
      return ImageModel.find({ 'uses.article': articleId }, { ...CARD_PROJECTION, uses: 1 }).lean<ArticleImageRecord[]>();
    },

    /** How many uses each of these articles has, by article id. */
    async useCountsByArticle(articleIds: ObjectId[]): Promise<Map<string, number>> {
      const counts = await ImageModel.aggregate<{ _id: ObjectId; n: number }>([
        { $match: { 'uses.article': { $in: articleIds } } },
        { $project: { uses: 1 } },
        { $unwind: '$uses' },
        { $match: { 'uses.article': { $in: articleIds } } },
        { $group: { _id: '$uses.article', n: { $sum: 1 } } },
      ]);
      return new Map(counts.map((count) => [String(count._id), count.n]));
    },

    /** Whether any record names this stored file (names are content-addressed, so records can share them). */
    async isFileReferenced(name: string): Promise<boolean> {
      return Boolean(await ImageModel.exists({ $or: [{ originalFile: name }, { 'derivatives.thumbnail.file': name }, { 'derivatives.display.file': name }] }));
    },

    async metadataOf(id: ObjectId): Promise<{ raw: unknown; embeddedThumbnail: unknown }> {
      const metadata = await ImageMetadataModel.findOne({ image: id }).lean();
      return { raw: metadata?.raw ?? {}, embeddedThumbnail: metadata?.embeddedThumbnail ?? null };
    },

    /** Ids of the images that raw metadata is stored for (the repair compares them with the records). */
    async metadataOwners(): Promise<ObjectId[]> {
      return ImageMetadataModel.distinct('image');
    },

    /**
     * Records stored before picture groups have no foldedIntoGroup and would drop out of the default
     * gallery: set it. Missing values are indexed as null, so when there are none this is one index lookup.
     */
    async backfillFoldedIntoGroup(): Promise<number> {
      const result = await ImageModel.updateMany({ foldedIntoGroup: null }, { $set: { foldedIntoGroup: false } });
      return result.modifiedCount;
    },

    async createMetadata(id: ObjectId, metadata: { raw: unknown; embeddedThumbnail: unknown }): Promise<void> {
      await ImageMetadataModel.create({ image: id, ...metadata });
    },

    async removeMetadata(ids: ObjectId[]): Promise<number> {
      const result = await ImageMetadataModel.deleteMany({ image: { $in: ids } });
      return result.deletedCount ?? 0;
    },

    create(record: NewImageRecord): Promise<void> {
      return generation.after(async () => {
        await ImageModel.create(record);
      });
    },

    /** Adds a use unless one with the same article and lines is already there (the filter says so,
     *  so two identical retries at the same moment add it once). True when it was added. */
    addUse(id: ObjectId, use: NewImageUse): Promise<boolean> {
      return generation.after(async () => {
        const same = { article: use.article ?? null, printedLine: use.printedLine ?? null, caption: use.caption ?? null, credit: use.credit ?? null };
        const result = await ImageModel.updateOne({ _id: id, uses: { $not: { $elemMatch: same } } }, { $push: { uses: use } });
        return result.modifiedCount === 1;
      });
    },

    /**
     * Applies a change only if the record is still at `revision` (what the change was computed
     * from), and moves it to the next revision. False when another edit got there first.
     */
    conditionalUpdate(id: ObjectId, revision: number, change: RecordChange): Promise<boolean> {
      return generation.after(async () => {
        const update: mongoose.UpdateQuery<ImageRecord> = { $set: { ...change.set, revision: revision + 1 } };
        if (change.unset.length > 0) update.$unset = Object.fromEntries(change.unset.map((field) => [field, '']));
        // Records from before edits were versioned have no revision: they count as revision 0.
        const result = await ImageModel.updateOne({ _id: id, revision: revision === 0 ? { $in: [null, 0] } : revision }, update);
        return result.matchedCount === 1;
      });
    },

    saveProvenance(id: ObjectId, report: { findings: unknown[]; badge: string }): Promise<void> {
      return generation.after(async () => {
        await ImageModel.updateOne(
          { _id: id },
          { $set: { 'provenance.findings': report.findings, 'provenance.badge': report.badge, 'provenance.computedAt': new Date() } },
          { timestamps: false },
        );
      });
    },

    setDerivatives(id: ObjectId, derivatives: ImageRecord['derivatives']): Promise<void> {
      return generation.after(async () => {
        await ImageModel.updateOne({ _id: id }, { $set: { derivatives } }, { timestamps: false });
      });
    },
  };
}

export type ImagesRepository = ReturnType<typeof createImagesRepository>;
