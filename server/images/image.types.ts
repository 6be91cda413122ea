// Plain shapes shared by the ingest pipeline, the image model and the pages.

/** The formats the archive accepts, decided from the file's content. */
export type ImageFormat = 'jpeg' | 'png' | 'webp' | 'gif' | 'tiff' | 'heif' | 'avif';

/**
 * What the file itself says about its origin, normalised from EXIF/IPTC/XMP.
 * Every field is optional: most social-media files carry none of them.
 * Precedence between tags that carry the same field is documented in server/images/metadata.normalise.ts.
 */
export interface NormalisedMetadata {
  make?: string;
  model?: string;
  lens?: string;
  /** Capture instant. When the file gives no offset, the wall-clock time is read as UTC and `capturedAtOffset` stays unset. */
  capturedAt?: Date;
  /** The wall-clock capture time exactly as written in the file, e.g. "2018:07:25 16:34:23". */
  capturedAtLocal?: string;
  /** UTC offset of the capture time, e.g. "+02:00", when the file states one. */
  capturedAtOffset?: string;
  software?: string;
  /** EXIF orientation 1–8. */
  orientation?: number;
  gps?: { latitude: number; longitude: number; altitude?: number };
  /** IPTC By-line / XMP dc:creator / EXIF Artist. */
  creator?: string[];
  /** IPTC Credit / XMP photoshop:Credit. */
  creditLine?: string;
  /** IPTC Source / XMP photoshop:Source. */
  source?: string;
  /** IPTC CopyrightNotice / XMP dc:rights / EXIF Copyright. */
  copyright?: string;
  /** IPTC Caption-Abstract / XMP dc:description / EXIF ImageDescription. */
  description?: string;
  /** IPTC Headline / XMP photoshop:Headline. */
  headline?: string;
  title?: string;
  /** IPTC/XMP date created (may be only a date). */
  dateCreated?: string;
  location?: { sublocation?: string; city?: string; state?: string; country?: string; countryCode?: string };
  /** IPTC Extension DigitalSourceType (a URI in the IPTC NewsCodes vocabulary). */
  digitalSourceType?: string;
  /** XMP dcterms:provenance — a remote C2PA manifest URL. */
  remoteManifestUrl?: string;
  /** Metadata blocks not read because they would expand past their caps (server/images/metadata.bounds.ts). */
  unreadBlocks?: Array<{ block: string; reason: string }>;
  /** Tag names that supplied each field, e.g. { creator: 'XMP-dc:Creator' }: evidence for provenance findings. */
  sources: Record<string, string>;
}

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
