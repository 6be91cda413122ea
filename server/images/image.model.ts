// The image record: what was declared about the image (caption, credit, source, article uses)
// is kept apart from what the file itself says (embedded metadata, sharp facts).
import mongoose, { Schema, type InferSchemaType } from 'mongoose';
import { VERIFICATION_STATUSES } from './image.types';

const derivativeSchema = new Schema(
  { file: String, width: Number, height: Number, format: String, bytes: Number },
  { _id: false },
);

const useSchema = new Schema(
  {
    article: { type: Schema.Types.ObjectId, ref: 'Article' },
    printedLine: String,
    caption: String,
    credit: String,
    addedAt: { type: Date, default: () => new Date() },
    addedBy: String,
  },
  { _id: true },
);

const imageSchema = new Schema(
  {
    sha256: { type: String, required: true, unique: true },
    /** 64-bit DCT perceptual hash, 16 hex characters. */
    phash: { type: String, required: true },
    /** The picture group this image belongs to (server/pictures), as the gallery needs it; absent when alone. */
    group: {
      type: new Schema({ id: Schema.Types.ObjectId, size: Number, lead: Boolean }, { _id: false }),
      default: undefined,
    },
    /**
     * True for a group member the gallery folds into its group's card (every member but the lead),
     * false otherwise. On every record, so the default gallery (group=1) filters by equality on an
     * index and skips pages over index keys; `group.lead: {$ne: false}` fetched every skipped record.
     */
    foldedIntoGroup: { type: Boolean, default: false },
    /** Hashes that find the picture mirrored, turned, cropped or inside a composite (server/provenance/picture-hashes.ts). */
    picture: {
      type: new Schema({ whole: { type: [String], default: undefined }, windows: { type: [String], default: undefined } }, { _id: false }),
      default: undefined,
    },
    originalFile: { type: String, required: true },
    /** The client's file name, kept as a declared fact only; never used as a path. */
    uploadName: String,
    file: {
      format: { type: String, required: true },
      mimeType: { type: String, required: true },
      bytes: { type: Number, required: true },
      width: { type: Number, required: true },
      height: { type: Number, required: true },
      space: String,
      bitDepth: String,
      channels: Number,
      hasAlpha: Boolean,
      iccDescription: String,
      density: Number,
      pages: Number,
    },
    derivatives: {
      thumbnail: { type: derivativeSchema, required: true },
      display: { type: derivativeSchema, required: true },
    },
    declared: {
      caption: String,
      credit: String,
      /** Lower-cased, trimmed credit: what the gallery's credit filter matches exactly. */
      creditKey: String,
      /** Structured credit from the parser (server/credits). */
      creditParts: Schema.Types.Mixed,
      sourceUrl: String,
      /** Platform id from the source URL's host, or from the credit when there is no URL. */
      platform: String,
      /** Usage-rights kind an editor set (server/credits/sources.ts). */
      supplierKind: String,
      /** The kind in force: the editor's, or the one the credit implies. */
      kind: String,
      /** The suppliers the credit and source URL name, as source-page keys ("telegram/volodymyr-zelensky"). */
      sourceKeys: { type: [String], default: undefined },
      sourceNote: String,
      printedLine: String,
      /** When the event happened or the picture was first posted, as the source claims. */
      claimedDate: Date,
    },
    /** Normalised metadata from the file (NormalisedMetadata); the raw blocks live in ImageMetadata. */
    embedded: {
      type: new Schema(
        {
          make: String,
          model: String,
          lens: String,
          capturedAt: Date,
          capturedAtLocal: String,
          capturedAtOffset: String,
          software: String,
          orientation: Number,
          gps: { latitude: Number, longitude: Number, altitude: Number },
          // No default: an absent creator must stay absent, not become [].
          creator: { type: [String], default: undefined },
          creditLine: String,
          source: String,
          copyright: String,
          description: String,
          headline: String,
          title: String,
          dateCreated: String,
          location: Schema.Types.Mixed,
          digitalSourceType: String,
          remoteManifestUrl: String,
          unreadBlocks: { type: [Schema.Types.Mixed], default: undefined },
          sources: Schema.Types.Mixed,
        },
        { _id: false, minimize: true },
      ),
      default: () => ({}),
    },
    hasGps: { type: Boolean, default: false },
    c2pa: Schema.Types.Mixed,
    /** What the file's bytes say (server/forensics/forensics.types.ts); includes jpegQuality. */
    forensics: Schema.Types.Mixed,
    /** The file declares generative AI made or edited it (IPTC digital source type, in C2PA or XMP): the gallery's filter. */
    aiDeclared: { type: Boolean, default: false },
    uses: { type: [useSchema], default: [] },
    status: {
      value: { type: String, enum: VERIFICATION_STATUSES, default: 'unverified' },
      note: String,
      evidenceUrl: String,
      setBy: String,
      /** The account that set the status; absent when set before accounts (setBy was then a declared name). */
      setById: String,
      setAt: Date,
    },
    provenance: {
      findings: { type: [Schema.Types.Mixed], default: [] },
      /** One-word summary for gallery cards. */
      badge: { type: String, default: 'neutral' },
      computedAt: Date,
    },
    /** Lower-cased words of caption, credit and source, for the gallery's text search. */
    keywords: { type: [String], default: [] },
    /** Bumped by every edit of declared fields or status: an edit is written only if the record is
     *  still the one it was computed from (absent on records stored before edits were versioned). */
    revision: Number,
  },
  { timestamps: true, minimize: false },
);

// Each index serves a query the pages or the API make; see server/images/gallery.query.ts.
imageSchema.index({ createdAt: -1, _id: -1 });
// Filters are equality on the leading field, then the gallery's sort (newest first, _id breaking ties),
// so one index both selects and orders the page.
imageSchema.index({ 'declared.creditKey': 1, createdAt: -1, _id: -1 });
imageSchema.index({ 'declared.platform': 1, createdAt: -1, _id: -1 });
imageSchema.index({ 'status.value': 1, createdAt: -1, _id: -1 });
imageSchema.index({ hasGps: 1, createdAt: -1, _id: -1 });
imageSchema.index({ aiDeclared: 1, createdAt: -1, _id: -1 });
imageSchema.index({ 'uses.article': 1, createdAt: -1, _id: -1 });
imageSchema.index({ 'embedded.capturedAt': -1, _id: -1 });
imageSchema.index({ keywords: 1 });
imageSchema.index({ phash: 1 });
imageSchema.index({ 'picture.whole': 1 });
imageSchema.index({ 'declared.sourceKeys': 1, createdAt: -1, _id: -1 });
imageSchema.index({ 'declared.kind': 1, createdAt: -1, _id: -1 });
imageSchema.index({ foldedIntoGroup: 1, createdAt: -1, _id: -1 });
imageSchema.index({ originalFile: 1 });
imageSchema.index({ 'derivatives.thumbnail.file': 1 });
imageSchema.index({ 'derivatives.display.file': 1 });

export type ImageRecord = InferSchemaType<typeof imageSchema> & { _id: mongoose.Types.ObjectId };

export const ImageModel = mongoose.model('Image', imageSchema);

/** The full raw metadata, kept out of the image record so gallery queries stay light. */
const imageMetadataSchema = new Schema(
  {
    image: { type: Schema.Types.ObjectId, ref: 'Image', required: true, unique: true },
    raw: Schema.Types.Mixed,
    embeddedThumbnail: Schema.Types.Mixed,
  },
  { timestamps: true, minimize: false },
);

export const ImageMetadataModel = mongoose.model('ImageMetadata', imageMetadataSchema);
