// Described images: records of images an article printed or described, without a file. Created
// through the API or the article page; fulfilled when a file is uploaded for one.
import mongoose from 'mongoose';
import { splitPrintedLine } from '../credits/credit-parser';
import { readDeclaredUpload, type DeclaredUpload } from '../images/declared';
import { parseInput } from '../shared/input';
import { describedImageSchema } from './described-images.schemas';
import { BadRequestError, ConflictError, NotFoundError } from '../shared/errors';
import type { ArticleRecord } from './article.model';
import type { ArticlesRepository } from './articles.repository';
import type { DescribedImageRecord } from './described-image.model';
import type { Actor } from '../accounts/principal';

export interface NewDescribedImage extends DeclaredUpload {
  description?: string;
  /** An existing article, when recorded from its page. */
}

/** Reads a described image from form or JSON fields (the upload's field names, plus `description`). */
/** `articleId`: recorded from that article's page, so the article is the one with this id. */
export function readDescribedImage(bag: Record<string, unknown>, articleId?: string): NewDescribedImage {
  const declared = readDeclaredUpload(bag, splitPrintedLine);
  const { description } = parseInput(describedImageSchema, bag);
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

/** A claim older than this was left by a process that stopped mid-upload; it no longer blocks. */
const CLAIM_EXPIRES_MS = 10 * 60_000;

export function createDescribedImagesService({ repository }: { repository: ArticlesRepository }) {
  async function create(input: NewDescribedImage, actor: Actor): Promise<{ described: DescribedImageRecord; article: ArticleRecord }> {
    const article = input.articleId ? await repository.findById(input.articleId) : await repository.findOrCreate(input.article!);
    if (!article) throw new NotFoundError('No article with this id.');
    const { fields } = input;
    const described = await repository.createDescribed({
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
    return { described, article };
  }

  async function get(id: string): Promise<DescribedImageRecord> {
    const described = await repository.findDescribed(describedId(id));
    if (!described) throw new NotFoundError('No described image with this id is in the archive.');
    return described;
  }

  /** A described image still waiting for its file; refused once a file has been uploaded for it. */
  async function open(id: string): Promise<DescribedImageRecord> {
    const described = await get(id);
    if (described.fulfilledBy) {
      throw new ConflictError(`A file was already uploaded for this described image: see /images/${String(described.fulfilledBy)}.`);
    }
    return described;
  }

  /**
   * Claims a described image for the upload of its file, atomically: of two uploads for it at the
   * same moment one gets it, the other a 409. Refused too once a file has been uploaded for it.
   */
  async function claim(id: string): Promise<DescribedImageRecord> {
    const now = new Date();
    const claimed = await repository.claimDescribed(describedId(id), now, new Date(now.getTime() - CLAIM_EXPIRES_MS));
    if (claimed) return claimed;
    const described = await open(id);
    throw new ConflictError(`A file for this described image ("${described.printedLine ?? described.caption ?? described.description ?? id}") is being uploaded at this moment.`);
  }

  /** Gives up a claim after a failed upload, so the file can be sent again. */
  async function release(described: Pick<DescribedImageRecord, '_id'>): Promise<void> {
    await repository.releaseDescribed(described._id);
  }

  /** Links the described image to the record its file became; false if another upload got there first (an expired claim). */
  async function markFulfilled(described: Pick<DescribedImageRecord, '_id'>, imageId: mongoose.Types.ObjectId): Promise<boolean> {
    return repository.markDescribedFulfilled(described._id, imageId);
  }

  /** Whether the article already has a described image with this description. */
  function isRecorded(articleId: mongoose.Types.ObjectId, description: string): Promise<boolean> {
    return repository.describedExists({ article: articleId, description });
  }

  return { create, get, open, claim, release, markFulfilled, isRecorded };
}

export type DescribedImagesService = ReturnType<typeof createDescribedImagesService>;
