// Plain shapes shared by the ingest pipeline, the image model and the pages.
import type { ImageFormat } from '../files/file-type';

export const VERIFICATION_STATUSES = ['unverified', 'verified', 'disputed'] as const;
export type VerificationStatus = (typeof VERIFICATION_STATUSES)[number];

export type { ImageFormat };

// What the file says about its origin is read by provenance's findings too, so its shape lives there.
export type { NormalisedMetadata } from '../provenance/findings.types';

/** Facts sharp reads from the pixels and the container. */
export interface FileFacts {
  format: ImageFormat;
  mimeType: string;
  bytes: number;
  /** Width and height as displayed, after EXIF orientation. */
  width: number;
  height: number;
  space?: string;
  bitDepth?: string;
  channels?: number;
  hasAlpha: boolean;
  iccDescription?: string;
  density?: number;
  pages?: number;
}

export interface DerivativeInfo {
  /** File name under uploads/derivatives/, content-addressed. */
  file: string;
  width: number;
  height: number;
  format: 'webp' | 'avif';
  bytes: number;
}
