// Shapes of the provenance report. Plain data: stored on the image record, sent to the pages.

import type { FileForensics, FileShape } from './forensics/forensics.types';
import type { C2paFailedCheck, C2paManifest, C2paValidationState } from './c2pa.types';

export type { C2paValidationState } from './c2pa.types';

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

export type FindingSeverity = 'info' | 'notice' | 'warning';

export interface FindingEvidence {
  /** The metadata tag or input field the value came from, e.g. 'XMP-dc:Creator' or 'declared.sourceUrl'. */
  tag?: string;
  value?: string;
  /** Another image in the archive that the finding is about. */
  imageId?: string;
  /** Perceptual-hash distance to that image (0 for the same file). */
  distance?: number;
}

export interface Finding {
  /** Stable, machine-readable; see FINDING_CODES. */
  code: FindingCode;
  severity: FindingSeverity;
  /** One sentence for a photo editor. */
  message: string;
  evidence: FindingEvidence[];
}

/** What the file's Content Credentials say, as far as the reader could tell. */
export interface C2paSummary {
  /** An embedded C2PA manifest store was found. */
  present: boolean;
  /** A manifest held elsewhere (XMP dcterms:provenance); never fetched by the archive. */
  remoteManifestUrl?: string;
  claimGenerator?: string;
  /** Issuer of the signing certificate. */
  signer?: string;
  /** Signing time the manifest states (ISO 8601). */
  signedAt?: string;
  title?: string;
  /** c2pa.actions of the active manifest, e.g. ['c2pa.opened', 'c2pa.color_adjustments']. */
  actions?: string[];
  /** digitalSourceType URIs named by those actions (e.g. trainedAlgorithmicMedia for AI output). */
  digitalSourceTypes?: string[];
  validationState?: C2paValidationState;
  /** Validation status codes that are not successes, e.g. 'assertion.dataHash.mismatch'. */
  validationErrors?: string[];
  /** The same failures in words, e.g. 'the pixels were changed after signing'. */
  failedChecks?: C2paFailedCheck[];
  /** The state in words a person understands (c2pa-words.ts STATE_WORDS, with the trust list named). */
  validationText?: string;
  /** The whole manifest chain, from the active manifest through its ingredients' manifests. */
  chain?: C2paManifest;
  /** Manifests in the chain, and how many files deep it goes (CA.jpg: 1 manifest, 2 levels). */
  manifestCount?: number;
  chainLevels?: number;
  /** Whether the remote manifest was fetched (only with C2PA_FETCH_REMOTE=true). */
  remoteFetched?: boolean;
  /** Which trust list the signer was checked against: the configured anchors, or none. */
  trustList?: 'configured' | 'none';
  reader: 'c2pa-node' | 'jumbf-scan';
}

/** Another image the archive holds that is the same file or looks the same. */
export interface ProvenanceMatch {
  imageId: string;
  kind: 'exact' | 'near';
  distance: number;
  credit?: string;
  sourceUrl?: string;
  /** When that image entered the archive. */
  createdAt: Date;
}

export interface DeclaredProvenance {
  credit?: string;
  sourceUrl?: string;
  caption?: string;
  /** When the event happened or the picture was first posted, as the source claims. */
  claimedDate?: Date;
}

export interface ProvenanceInput {
  declared: DeclaredProvenance;
  /** The file's own metadata; absent when the archive holds a record but no file yet. */
  embedded?: NormalisedMetadata;
  c2pa?: C2paSummary;
  /**
   * Software names found beyond `embedded.software` (XMP CreatorTool, xmpMM:History agents),
   * each with the tag it came from.
   */
  software?: Array<{ tag: string; value: string }>;
  matches?: ProvenanceMatch[];
  /** When this record entered the archive. */
  createdAt?: Date;
  /** The picture's displayed size and format (for the platform check). */
  file?: FileShape;
  /** What the file's bytes say (server/forensics/): thumbnail, JPEG tables, modify date, platform markers. */
  forensics?: FileForensics;
}

export const FINDING_CODES = [
  'credit.missing',
  'credit.matches_metadata',
  'credit.differs_from_metadata',
  'credit.not_comparable',
  'source.invalid_url',
  'source.host_matches_platform',
  'source.host_differs_from_platform',
  'source.platform_not_in_credit',
  'source.account_matches_credit',
  'source.account_differs_from_credit',
  'file.no_camera_metadata',
  'file.camera_metadata',
  'file.editing_software',
  'file.ai_generated',
  'file.metadata_not_read',
  'capture.date_after_claim',
  'capture.date_well_before_claim',
  'capture.date_consistent_with_claim',
  'privacy.gps_present',
  'file.thumbnail_differs',
  'file.jpeg_quality',
  'platform.consistent',
  'platform.not_platform_copy',
  'platform.marker',
  'capture.modified_after_capture',
  'capture.modified_before_capture',
  'capture.modified_after_claim',
  'capture.offset_disagrees_with_gps',
  'c2pa.present',
  'c2pa.invalid',
  'c2pa.untrusted',
  'c2pa.remote_manifest',
  'duplicate.same_file_other_credit',
  'duplicate.same_file_other_source',
  'duplicate.same_file_same_credit',
  'duplicate.near_other_credit',
  'duplicate.near_other_source',
  'duplicate.near_same_credit',
  'duplicate.held_earlier',
  // server/video: a still that matches a frame of a held video.
  'origin.frame_of_video',
  // server/pictures: copies of one picture held under different credits.
  'group.different_credits',
] as const;

export type FindingCode = (typeof FINDING_CODES)[number];

export type ProvenanceBadge = 'confirmed' | 'differs' | 'credentials_invalid' | 'no_metadata' | 'held_elsewhere' | 'neutral';
