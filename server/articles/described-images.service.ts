// Described images: records of images an article printed or described, without a file. Created
// through the API or the article page; fulfilled when a file is uploaded for one.
import mongoose from 'mongoose';
import { splitPrintedLine } from '../credits/credit-parser';
import { optionalText, readDeclaredUpload, type DeclaredUpload } from '../images/declared';
import { BadRequestError, ConflictError, NotFoundError } from '../shared/errors';
import { ArticleModel, type ArticleRecord } from './article.model';
import { findOrCreateArticle } from './articles.service';
import { DescribedImageModel, type DescribedImageRecord } from './described-image.model';
import type { Actor } from '../accounts/principal';

export interface NewDescribedImage extends DeclaredUpload {
  description?: string;
  /** An existing article, when recorded from its page. */
}

/** Reads a described image from form or JSON fields (the upload's field names, plus `description`). */
/** `articleId`: recorded from that article's page, so the article is the one with this id. */
export function readDescribedImage(bag: Record<string, unknown>, articleId?: string): NewDescribedImage {
  const declared = readDeclaredUpload(bag, splitPrintedLine);
  const description = optionalText(bag, 'description');
  if (!articleId && !declared.article) {
    throw new BadRequestError('Say which article printed or described the image: give articleHeadline or articleUrl.', { details: { field: 'articleHeadline' } });
  }
  if (!declared.fields.printedLine && !declared.fields.caption && !description) {
    throw new BadRequestError('Give the printed line, a caption or a description of the image.', { details: { field: 'printedLine' } });
  }
  return { ...declared, description, articleId: articleId === undefined ? undefined : articleObjectId(articleId) };
}

function articleObjectId(id: string): mongoose.Types.ObjectId {
  if (!/^[a-f0-9]{24}$/i.test(id)) throw new NotFoundError('No article with this id.');
  return new mongoose.Types.ObjectId(id);
}

function describedId(id: string): mongoose.Types.ObjectId {
  if (!mongoose.isObjectIdOrHexString(id)) throw new NotFoundError('No described image with this id is in the archive.');
  return new mongoose.Types.ObjectId(id);
}

export async function createDescribedImage(input: NewDescribedImage, actor: Actor): Promise<{ described: DescribedImageRecord; article: ArticleRecord }> {
  const article = input.articleId ? await ArticleModel.findById(input.articleId).lean<ArticleRecord>() : await findOrCreateArticle(input.article!);
  if (!article) throw new NotFoundError('No article with this id.');
  const { fields } = input;
  const created = await DescribedImageModel.create({
    article: article._id,
    printedLine: fields.printedLine,
    caption: fields.caption,
    credit: fields.credit,
    description: input.description,
    sourceUrl: fields.sourceUrl,
    sourceNote: fields.sourceNote,
    claimedDate: fields.claimedDate,
    addedBy: actor.name,
  });
  return { described: created.toObject() as DescribedImageRecord, article };
}

export async function getDescribedImage(id: string): Promise<DescribedImageRecord> {
  const described = await DescribedImageModel.findById(describedId(id)).lean<DescribedImageRecord>();
  if (!described) throw new NotFoundError('No described image with this id is in the archive.');
  return described;
}

/** A described image still waiting for its file; refused once a file has been uploaded for it. */
export async function openDescribedImage(id: string): Promise<DescribedImageRecord> {
  const described = await getDescribedImage(id);
  if (described.fulfilledBy) {
    throw new ConflictError(`A file was already uploaded for this described image: see /images/${String(described.fulfilledBy)}.`);
  }
  return described;
}

/**
 * What an upload for a described image declares: the uploader's own fields first, the described
 * record's for what was left out, and the described image's article.
 */
export function declaredForDescribed(declared: DeclaredUpload, described: DescribedImageRecord): DeclaredUpload {
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

/** A claim older than this was left by a process that stopped mid-upload; it no longer blocks. */
const CLAIM_EXPIRES_MS = 10 * 60_000;

/**
 * Claims a described image for the upload of its file, atomically: of two uploads for it at the
 * same moment one gets it, the other a 409. Refused too once a file has been uploaded for it.
 */
export async function claimDescribedImage(id: string): Promise<DescribedImageRecord> {
  const _id = describedId(id);
  const now = new Date();
  const claimed = await DescribedImageModel.findOneAndUpdate(
    { _id, fulfilledBy: { $exists: false }, $or: [{ claimedAt: { $exists: false } }, { claimedAt: { $lt: new Date(now.getTime() - CLAIM_EXPIRES_MS) } }] },
    { $set: { claimedAt: now } },
    { returnDocument: 'after', lean: true },
  );
  if (claimed) return claimed as DescribedImageRecord;
  const described = await openDescribedImage(id);
  throw new ConflictError(`A file for this described image ("${described.printedLine ?? described.caption ?? described.description ?? id}") is being uploaded at this moment.`);
}

/** Gives up a claim after a failed upload, so the file can be sent again. */
export async function releaseDescribedImage(described: DescribedImageRecord): Promise<void> {
  await DescribedImageModel.updateOne({ _id: described._id, fulfilledBy: { $exists: false } }, { $unset: { claimedAt: 1 } });
}

/** Links the described image to the record its file became; false if another upload got there first (an expired claim). */
export async function markFulfilled(described: DescribedImageRecord, imageId: mongoose.Types.ObjectId): Promise<boolean> {
  const result = await DescribedImageModel.updateOne({ _id: described._id, fulfilledBy: { $exists: false } }, { $set: { fulfilledBy: imageId, fulfilledAt: new Date() }, $unset: { claimedAt: 1 } });
  return result.modifiedCount === 1;
}

/** The article's described images that still have no file, in the order they were recorded. */
export async function openDescribedImagesOf(articleId: mongoose.Types.ObjectId): Promise<DescribedImageRecord[]> {
  return DescribedImageModel.find({ article: articleId, fulfilledBy: { $exists: false } }).sort({ createdAt: 1 }).lean<DescribedImageRecord[]>();
}
