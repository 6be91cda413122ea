// "Is this picture already in the archive?": analyses any image file without storing it and
// lists the exact and near-duplicate matches with their credits, plus the file's own findings.
import type { LimitFunction } from 'p-limit';
import { analyseFile, type AnalysisLimits } from './analyse';
import { derivativeUrl } from './images.serialize';
import type { Finding } from '../provenance/findings.types';
import { computeFindings } from '../provenance/findings';
import type { ImageProvenance } from './image-provenance';

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
}

export function createLookupService({ provenance, limits, imageWork }: { provenance: ImageProvenance; limits: AnalysisLimits; imageWork: LimitFunction }) {
  async function lookup(filePath: string, sha256: string): Promise<LookupResult> {
    const analysis = await imageWork(() => analyseFile(filePath, limits));
    const matched = await provenance.findMatches(sha256, analysis.phash);
    const findings = computeFindings({
      declared: {},
      embedded: analysis.embedded,
      c2pa: analysis.c2pa,
      matches: [],
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
    };
  }
  return { lookup };
}

export type LookupService = ReturnType<typeof createLookupService>;
