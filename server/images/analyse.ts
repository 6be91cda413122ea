// Everything the archive learns from an uploaded file before storing it: its real format,
// sharp's facts, the embedded metadata, Content Credentials and the perceptual hash.
import { stat } from 'node:fs/promises';
import { readForensics } from '../provenance/forensics/analyse';
import type { FileForensics } from '../provenance/forensics/forensics.types';
import { readC2pa, type C2paSettings, type C2paSummary } from '../provenance/c2pa';
import { isAiDigitalSourceType } from '../provenance/c2pa-words';
import { perceptualHash } from '../provenance/phash';
import {
  HASH_SIDE,
  REGION_SIDE,
  globalQueryHashes,
  greyscaleOf,
  regionQueryHashes,
  storedPictureHashes,
  type QueryHash,
  type StoredPictureHashes,
} from '../provenance/picture-hashes';
import { BadRequestError } from '../shared/errors';
import type { FileFacts, ImageFormat, NormalisedMetadata } from './image.types';
import { mimeTypeOf, requireImageFormat } from '../files/file-type';
import { openImage, probeImage, type MediaLimits } from './media';
import type { EmbeddedMetadataReader } from './metadata';

export interface FileAnalysis {
  format: ImageFormat;
  facts: FileFacts;
  embedded: NormalisedMetadata;
  raw: unknown;
  embeddedThumbnail?: unknown;
  c2pa: C2paSummary;
  phash: string;
  /** What is stored to find this picture in its other forms (server/provenance/picture-hashes.ts). */
  picture: StoredPictureHashes;
  /** The hashes that look this picture up among the held ones: global and region (full) path. */
  query: QueryHash[];
  forensics: FileForensics;
}

export type AnalysisLimits = Pick<MediaLimits, 'maxPixels' | 'hevcDecodes'> & {
  /** How Content Credentials are validated (trust anchors, remote fetching); not a limit, but travels with them. */
  c2pa?: C2paSettings;
};

/** Decides the format from the content; throws 415 for anything that is not an accepted image. */
export async function detectFormat(filePath: string): Promise<ImageFormat> {
  if ((await stat(filePath)).size === 0) throw new BadRequestError('The file is empty (0 bytes).', { code: 'empty_file' });
  return requireImageFormat(filePath);
}

/** Whether the file declares generative AI made or edited it: an IPTC digital source type in its C2PA actions or its XMP. */
export function declaresAi(c2pa: C2paSummary, embedded: NormalisedMetadata): boolean {
  return [...(c2pa.digitalSourceTypes ?? []), ...(embedded.digitalSourceType ? [embedded.digitalSourceType] : [])].some(isAiDigitalSourceType);
}

export async function analyseFile(filePath: string, limits: AnalysisLimits, metadataReader: EmbeddedMetadataReader): Promise<FileAnalysis> {
  const format = await detectFormat(filePath);
  // probeImage enforces the pixel limit from the header before anything is decoded.
  const facts = await probeImage(filePath, format, limits);
  const [metadata, c2pa, [phash, picture, query]] = await Promise.all([
    metadataReader.read(filePath, format),
    readC2pa(filePath, { mimeType: mimeTypeOf(format), settings: limits.c2pa }),
    openImage(filePath, format, limits).then((image) => pictureHashesOf(image)),
  ]);
  const thumbnail = metadata.embeddedThumbnail;
  const forensics = await readForensics(filePath, {
    format,
    raw: metadata.raw,
    thumbnailBase64: thumbnail?.base64,
    orientation: metadata.normalised.orientation,
    picture: { phash, width: facts.width, height: facts.height },
  });
  return {
    format,
    facts,
    forensics,
    embedded: metadata.normalised,
    raw: metadata.raw,
    embeddedThumbnail: metadata.embeddedThumbnail,
    c2pa,
    phash,
    picture,
    query,
  };
}

/** The file's 64-bit pHash, its stored picture hashes and its lookup hashes, from one decode. */
async function pictureHashesOf(image: Awaited<ReturnType<typeof openImage>>): Promise<[string, StoredPictureHashes, QueryHash[]]> {
  const [phash, stored, large] = await Promise.all([
    perceptualHash(image.clone()),
    greyscaleOf(image.clone(), HASH_SIDE),
    greyscaleOf(image, REGION_SIDE),
  ]);
  return [phash, storedPictureHashes(stored), [...globalQueryHashes(stored), ...regionQueryHashes(large)]];
}
