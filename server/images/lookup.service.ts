// "Is this picture already in the archive?": analyses any image file without storing it and
// lists the exact and near-duplicate matches with their credits, plus the file's own findings.
import type { LimitFunction } from 'p-limit';
import type { FileForensics } from '../provenance/forensics/forensics.types';
import { analyseFile, type AnalysisLimits } from './analyse';
import type { EmbeddedMetadataReader } from './metadata';
import { derivativeUrl } from './images.serialize';
import type { C2paSummary, Finding } from '../provenance/findings.types';
import { computeFindings } from '../provenance/findings';
import type { ImageProvenance } from './image-provenance';
import type { FrameLinkView, VideoPort } from './video-port';

export interface LookupMatch {
  imageId: string;
  kind: 'exact' | 'near';
  distance: number;
  credit: string | null;
  sourceUrl: string | null;
  caption: string | null;
  firstSeen: Date;
  thumbnailUrl?: string;
  url: string;
}

export interface LookupResult {
  sha256: string;
  phash: string;
  format: string;
  width: number;
  height: number;
  matches: LookupMatch[];
  findings: Finding[];
  /** The file's Content Credentials, with the whole manifest chain. */
  c2pa: C2paSummary;
  /** Estimated JPEG quality, as on a stored image. */
  jpegQuality: FileForensics['jpegQuality'] | null;
  /** XMP Iptc4xmpExt:DigitalSourceType, when the file declares one. */
  digitalSourceType?: string;
  /** Held videos this picture is a frame of, with the frame's timecode (server/video). */
  videoFrames?: Array<Omit<FrameLinkView, 'imageId'>>;
}

export function createLookupService({
  provenance,
  limits,
  metadataReader,
  imageWork,
  video,
}: {
  provenance: ImageProvenance;
  limits: AnalysisLimits;
  metadataReader: EmbeddedMetadataReader;
  imageWork: LimitFunction;
  video?: Pick<VideoPort, 'recognise' | 'lookup' | 'framesMatching'>;
}) {
  /** A video is looked up by its frames (server/video); anything else as an image. */
  async function lookup(filePath: string, sha256: string) {
    const videoFormat = await video?.recognise(filePath);
    if (videoFormat && video) return video.lookup(filePath, sha256, videoFormat);
    return lookupImage(filePath, sha256);
  }

  async function lookupImage(filePath: string, sha256: string): Promise<LookupResult> {
    const analysis = await imageWork(() => analyseFile(filePath, limits, metadataReader));
    const matched = await provenance.findMatches(sha256, analysis.phash);
    const findings = computeFindings({
      declared: {},
      embedded: analysis.embedded,
      c2pa: analysis.c2pa,
      matches: [],
      file: { width: analysis.facts.width, height: analysis.facts.height, format: analysis.format },
      forensics: analysis.forensics,
    });
    return {
      sha256,
      phash: analysis.phash,
      format: analysis.format,
      width: analysis.facts.width,
      height: analysis.facts.height,
      matches: matched.map(({ image, kind, distance }) => ({
        imageId: String(image._id),
        kind,
        distance,
        credit: image.declared?.credit ?? null,
        sourceUrl: image.declared?.sourceUrl ?? null,
        caption: image.declared?.caption ?? null,
        firstSeen: image.createdAt,
        thumbnailUrl: derivativeUrl(image.derivatives?.thumbnail?.file),
        url: `/images/${String(image._id)}`,
      })),
      findings,
      c2pa: analysis.c2pa,
      jpegQuality: analysis.forensics.jpegQuality ?? null,
      ...(analysis.embedded.digitalSourceType ? { digitalSourceType: analysis.embedded.digitalSourceType } : {}),
      videoFrames: video ? await video.framesMatching(analysis.phash) : [],
    };
  }
  return { lookup };
}

export type LookupService = ReturnType<typeof createLookupService>;
