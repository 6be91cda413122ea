// The ingest pipeline: from a hashed temporary upload to a stored image record.
// Order matters for crash safety: files are put in place first and the record written last,
// so a crash leaves at worst unreferenced files, which the start-up repair removes.
import { sourceKeysOf, usageKindOf } from '../credits/sources';
import mongoose from 'mongoose';
import type { LimitFunction } from 'p-limit';
import { parseCredit } from '../credits/credit-parser';
import { platformForUrl } from '../credits/platforms';
import type { HistoryService } from '../provenance/history.service';
import { ConflictError } from '../shared/errors';
import type { Logger } from '../shared/logger';
import type { WritesInFlight } from '../shared/writes-in-flight';
import { analyseFile, declaresAi, type AnalysisLimits } from './analyse';
import type { EmbeddedMetadataReader } from './metadata';
import type { ArticleLinks, ArticleRef, DescribedImageClaim } from './article-links';
import { creditKeyOf, declaredForDescribed, keywordsOf, type DeclaredFields, type DeclaredUpload } from './declared';
import type { ImageProvenance } from './image-provenance';
import type { ImageRecord } from './image.model';
import type { ImagesRepository } from './images.repository';
import { makeDerivatives } from './media';
import { blobKey, blobName, type BlobStore } from '../blobs/blob-store';
import { derivativesInto, putContentAddressed } from '../blobs/blobs';
import { originalFileName, removeQuietly } from './storage';
import type { HashedUpload } from './upload';
import type { PicturesService } from '../pictures/pictures.service';
import type { VideoPort } from './video-port';
import type { Actor } from '../accounts/principal';

export interface IngestResult {
  outcome: 'created' | 'existing';
  image: ImageRecord;
}

export interface IngestDeps {
  /** Where finished originals and derivatives go (the temporary upload stays in UPLOAD_DIR/tmp). */
  blobs: BlobStore;
  /** Bounds how many files are decoded at once, so memory stays flat however many uploads arrive. */
  imageWork: LimitFunction;
  limits: AnalysisLimits;
  /** Reads embedded metadata (its ExifTool processes are the composition root's to end). */
  metadataReader: EmbeddedMetadataReader;
  images: ImagesRepository;
  articles: ArticleLinks;
  provenance: ImageProvenance;
  history: HistoryService;
  logger: Logger;
  /** Every ingest is counted here, so shutdown waits for it. */
  writes: WritesInFlight;
  /** Videos (server/video) take their own path after the identity check; stills are linked to the videos they come from. */
  video?: Pick<VideoPort, 'recognise' | 'storeNew' | 'stillStored'>;
  /** Picture groups (server/pictures): a new image joins the groups of the held pictures it matches. */
  pictures?: Pick<PicturesService, 'imageStored'>;
}

const EXTENSIONS: Record<string, string> = { jpeg: 'jpg', png: 'png', webp: 'webp', gif: 'gif', tiff: 'tif', heif: 'heic', avif: 'avif' };

/** The declared fields as stored on the record, with the parsed credit and the source platform. */
export function declaredRecord(fields: DeclaredFields) {
  const creditParts = fields.credit ? parseCredit(fields.credit) : undefined;
  const platform = (fields.sourceUrl ? platformForUrl(fields.sourceUrl)?.id : undefined) ?? creditParts?.platformId;
  return {
    ...fields,
    creditKey: creditKeyOf(fields.credit),
    creditParts,
    platform,
    kind: fields.supplierKind ?? usageKindOf(creditParts),
    sourceKeys: sourceKeysOf(creditParts, fields.sourceUrl).map((source) => source.key),
  };
}

export function createIngestService(deps: IngestDeps) {
  const { blobs, limits, metadataReader, images, articles, provenance, history, logger, imageWork } = deps;

  /** The article an upload names: one already in the archive by id, or found or created from its fields. */
  async function articleOf(declared: DeclaredUpload): Promise<ArticleRef | undefined> {
    if (declared.articleId) return articles.byId(declared.articleId);
    return declared.article ? articles.findOrCreate(declared.article) : undefined;
  }

  /** Records a new use (caption, credit, article) of an image the archive already holds. */
  async function addUse(image: ImageRecord, declared: DeclaredUpload, actor: Actor): Promise<ImageRecord> {
    const { fields } = declared;
    if (!fields.caption && !fields.credit && !fields.printedLine && !declared.article && !declared.articleId) return image;
    const articleRecord = await articleOf(declared);
    const use = {
      _id: new mongoose.Types.ObjectId(),
      article: articleRecord?._id,
      printedLine: fields.printedLine,
      caption: fields.caption,
      credit: fields.credit,
      addedAt: declared.useAddedAt ?? new Date(),
      addedBy: actor.name,
    };
    // The same file sent again with the same article and lines (a retried upload, a second seeding)
    // is the same use, not a second printing: the repository adds it only if no such use is there.
    if (!(await images.addUse(image._id, use))) return image;
    await history.append(image._id, {
      type: 'use_added',
      actor,
      changes: [{ field: 'uses', from: null, to: { article: articleRecord?.headline ?? articleRecord?.url ?? null, printedLine: use.printedLine ?? null, caption: use.caption ?? null, credit: use.credit ?? null } }],
    });
    await provenance.refresh(image._id);
    return (await images.findById(image._id))!;
  }

  async function ingest(upload: HashedUpload, declaredByUploader: DeclaredUpload, actor: Actor): Promise<IngestResult> {
    try {
      if (!declaredByUploader.describedImage) return await ingestFile(upload, declaredByUploader, actor);
      // A file for an image the archive only had described: claimed before any work, so that two
      // uploads for it cannot both go in; its record supplies what the uploader left out.
      const described = await articles.claimDescribed(declaredByUploader.describedImage);
      let result: IngestResult;
      try {
        result = await ingestFile(upload, declaredForDescribed(declaredByUploader, described), actor);
      } catch (error) {
        await articles.releaseDescribed(described);
        throw error;
      }
      if (await articles.markFulfilled(described, result.image._id)) await recordFulfilment(result.image._id, described, actor);
      return result;
    } finally {
      await removeQuietly(upload.path);
    }
  }

  async function ingestFile(upload: HashedUpload, declared: DeclaredUpload, actor: Actor): Promise<IngestResult> {
    const existing = await images.findBySha256(upload.sha256);
    if (existing) return { outcome: 'existing', image: await addUse(existing, declared, actor) };
    const videoFormat = await deps.video?.recognise(upload.path);
    if (videoFormat && deps.video) return deps.video.storeNew(upload, declared, actor, videoFormat, (image) => addUse(image, declared, actor));
    return storeNew(upload, declared, actor);
  }

  /** The image's own history keeps that it was first known only from the article. */
  async function recordFulfilment(imageId: mongoose.Types.ObjectId, described: DescribedImageClaim, actor: Actor): Promise<void> {
    await history.append(imageId, {
      type: 'described_image_fulfilled',
      actor,
      changes: [
        {
          field: 'describedImage',
          from: null,
          to: { recorded: described.createdAt.toISOString(), recordedBy: described.addedBy ?? null, printedLine: described.printedLine ?? null, description: described.description ?? null },
        },
      ],
    });
  }

  async function storeNew(upload: HashedUpload, declared: DeclaredUpload, actor: Actor): Promise<IngestResult> {
    const { analysis, derivatives } = await imageWork(async () => {
      // An HEIC file is decoded once for both steps (and its pixels let go when they are done).
      const media = { ...limits, hevcDecodes: new Map() };
      const analysis = await analyseFile(upload.path, media, metadataReader);
      return { analysis, derivatives: await makeDerivatives(upload.path, analysis.format, derivativesInto(blobs), media) };
    });
    const originalFile = originalFileName(upload.sha256, EXTENSIONS[analysis.format]);
    const originalKey = blobKey('originals', originalFile);
    const written = [blobKey('derivatives', derivatives.thumbnail.file), blobKey('derivatives', derivatives.display.file)];
    try {
      await putContentAddressed(blobs, originalKey, upload, written);
    } catch (error) {
      await removeUnreferenced(written);
      throw error;
    }

    const imageId = new mongoose.Types.ObjectId();
    const fields = declared.fields;
    try {
      const articleRecord = await articleOf(declared);
      // Written before the record they belong to: a crash in between leaves only these, which the start-up repair removes.
      await images.createMetadata(imageId, { raw: analysis.raw, embeddedThumbnail: analysis.embeddedThumbnail });
      await history.append(imageId, {
        type: 'created',
        actor,
        changes: Object.entries({ ...fields, sha256: upload.sha256 })
          .filter(([, value]) => value !== undefined)
          .map(([field, value]) => ({ field, from: null, to: value, ...(declared.received?.[field] !== undefined ? { received: declared.received[field] } : {}) })),
      });
      await images.create({
        _id: imageId,
        sha256: upload.sha256,
        phash: analysis.phash,
        picture: analysis.picture,
        originalFile,
        uploadName: upload.originalname?.slice(0, 255),
        file: analysis.facts,
        derivatives,
        declared: declaredRecord(fields),
        embedded: analysis.embedded,
        hasGps: Boolean(analysis.embedded.gps),
        c2pa: analysis.c2pa,
        forensics: analysis.forensics,
        aiDeclared: declaresAi(analysis.c2pa, analysis.embedded),
        uses: articleRecord || fields.printedLine
          ? [{ article: articleRecord?._id, printedLine: fields.printedLine, caption: fields.caption, credit: fields.credit, addedAt: declared.useAddedAt ?? new Date(), addedBy: actor.name }]
          : [],
        keywords: keywordsOf(fields.caption, fields.credit, fields.sourceUrl, fields.sourceNote),
      });
    } catch (error) {
      await Promise.all([images.removeMetadata([imageId]), history.removeAll(imageId)]).catch(() => undefined);
      if (isDuplicateKey(error)) {
        // The same file was stored by a concurrent request a moment ago: the files are identical, keep them.
        const winner = await images.findBySha256(upload.sha256);
        if (winner) return { outcome: 'existing', image: await addUse(winner, declared, actor) };
        throw new ConflictError('The same file was being stored at the same moment; please try again.');
      }
      await removeUnreferenced(written);
      throw error;
    }

    await deps.video?.stillStored(imageId, analysis.phash);
    await provenance.imageAdded(imageId, analysis.phash, analysis.picture);
    await deps.pictures?.imageStored(imageId, analysis.query, analysis.picture.windows);
    logger.info(`Stored image ${imageId} (${analysis.format}, ${upload.size} bytes)`);
    return { outcome: 'created', image: (await images.findById(imageId))! };
  }

  /** Removes blobs written for a failed ingest, unless another record uses them (names are content-addressed). */
  async function removeUnreferenced(keys: string[]): Promise<void> {
    for (const key of keys) {
      if (!(await images.isFileReferenced(blobName(key)))) await blobs.delete(key);
    }
  }

  return {
    ingest: (upload: HashedUpload, declared: DeclaredUpload, actor: Actor) => deps.writes.track(() => ingest(upload, declared, actor)),
  };
}

export type IngestService = ReturnType<typeof createIngestService>;

function isDuplicateKey(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 11000;
}
