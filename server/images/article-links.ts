// What the images capability needs of articles and described images. Declared here and
// implemented by server/articles (wired in server/services.ts), so images import nothing of it.
import type mongoose from 'mongoose';
import type { DeclaredArticle, DescribedImageFields } from './declared';

type ObjectId = mongoose.Types.ObjectId;
type Text = string | null | undefined;

/** An article as image records and their JSON show it. */
export interface ArticleRef {
  _id: ObjectId;
  url?: Text;
  headline?: Text;
  publisher?: Text;
  publishedAt?: Date | null;
}

/** A described image (a record without a file) as an upload for it uses it. */
export interface DescribedImageClaim extends DescribedImageFields {
  _id: ObjectId;
  description?: Text;
  addedBy?: Text;
}

export interface ArticleLinks {
  findOrCreate(article: DeclaredArticle): Promise<ArticleRef>;
  byId(id: ObjectId): Promise<ArticleRef | undefined>;
  byIds(ids: ObjectId[]): Promise<Map<string, ArticleRef>>;
  /** Claims a described image for the upload of its file: 409 when another upload has it. */
  claimDescribed(id: string): Promise<DescribedImageClaim>;
  /** Gives up a claim after a failed upload, so the file can be sent again. */
  releaseDescribed(claim: DescribedImageClaim): Promise<void>;
  /** Links the described image to the record its file became; false if another upload got there first. */
  markFulfilled(claim: DescribedImageClaim, imageId: ObjectId): Promise<boolean>;
}
