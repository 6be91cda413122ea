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
import type { MatchedImage } from '../provenance/provenance.service';
import type { PictureHit } from '../provenance/picture-match';
import { REGION_SIDE } from '../provenance/picture-hashes';
import type { MatchCandidateRecord } from './images.repository';

/**
 * How the looked-up file relates to a held image: the same file, the same picture resized or
 * recompressed, a crop of it, a mirrored or turned copy, or a composite (screenshot, captioned
 * copy, collage) containing it.
 */
export type LookupRelation = 'same-file' | 'resized' | 'crop' | 'mirrored' | 'rotated' | 'contains';

export interface LookupMatch {
  imageId: string;
  kind: 'exact' | 'near';
  relation: LookupRelation;
  distance: number;
  /** For 'contains': where the held picture is in the looked-up file (pixels of its oriented picture, approximate). */
  region?: { x: number; y: number; width: number; height: number };
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
    const [matched, pictures] = await Promise.all([provenance.findMatches(sha256, analysis.phash), provenance.findPictures(analysis.query)]);
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
      matches: mergeMatches(matched, pictures, analysis.facts),
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

const RELATION_OF_HIT: Record<PictureHit['relation'], LookupRelation> = { same: 'resized', crop: 'crop', mirrored: 'mirrored', rotated: 'rotated', contains: 'contains' };

/**
 * The pHash matches (exact file, near duplicate) first, then the held pictures only the picture
 * hashes find; an image found both ways is listed once, with the plainer relation.
 */
function mergeMatches(
  matched: Array<MatchedImage<MatchCandidateRecord>>,
  pictures: Array<{ image: MatchCandidateRecord; hit: PictureHit }>,
  facts: { width: number; height: number },
): LookupMatch[] {
  const view = (image: MatchCandidateRecord) => ({
    imageId: String(image._id),
    credit: image.declared?.credit ?? null,
    sourceUrl: image.declared?.sourceUrl ?? null,
    caption: image.declared?.caption ?? null,
    firstSeen: image.createdAt,
    thumbnailUrl: derivativeUrl(image.derivatives?.thumbnail?.file),
    url: `/images/${String(image._id)}`,
  });
  const out: LookupMatch[] = matched.map(({ image, kind, distance }) => ({
    ...view(image),
    kind,
    relation: kind === 'exact' ? 'same-file' : 'resized',
    distance,
  }));
  const seen = new Set(out.map((match) => match.imageId));
  for (const { image, hit } of pictures) {
    if (seen.has(String(image._id))) continue;
    seen.add(String(image._id));
    const region = hit.region ? scaleRegion(hit.region, facts) : undefined;
    out.push({ ...view(image), kind: 'near', relation: RELATION_OF_HIT[hit.relation], distance: hit.distance, ...(region ? { region } : {}) });
  }
  return out;
}

/** Regions are found on a copy whose longer side is REGION_SIDE; the answer speaks in the file's pixels. */
function scaleRegion(region: NonNullable<PictureHit['region']>, facts: { width: number; height: number }) {
  const scale = Math.max(1, Math.max(facts.width, facts.height) / REGION_SIDE);
  return { x: Math.round(region.x * scale), y: Math.round(region.y * scale), width: Math.round(region.width * scale), height: Math.round(region.height * scale) };
}
