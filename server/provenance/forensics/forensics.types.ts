// What the file's own bytes say beyond its metadata fields, as stored on the image record
// (`forensics`): read once at ingest (analyse.ts), judged by pure functions (findings.ts).
import type { JpegQuality } from './jpeg-quality';
import type { ThumbnailComparison } from './thumbnail';

export type { JpegQuality } from './jpeg-quality';
export type { ThumbnailComparison } from './thumbnail';

export interface FileForensics {
  /** JPEG only: the quality the quantisation tables correspond to. */
  jpegQuality?: JpegQuality;
  /** The EXIF thumbnail set against the picture, when the file has one. */
  thumbnail?: ThumbnailComparison;
  /** When software last wrote the file, as written (EXIF IFD0 ModifyDate, else XMP xmp:ModifyDate). */
  modified?: { local: string; offset?: string; tag: string };
  /** Texts a platform writes into the file (Facebook's FBMD in IPTC Special Instructions), with their tag. */
  platformMarkers?: Array<{ platform: string; tag: string; value: string }>;
}

/** The picture's shape as the platform check needs it. */
export interface FileShape {
  width: number;
  height: number;
  format: string;
}
