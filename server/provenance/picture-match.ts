// From a query's hashes to the held pictures it shows, each with how the query relates to it.
import type { PictureIndex } from './picture-index';
import type { QueryHash, Rect } from './picture-hashes';

/**
 * How the query relates to a held picture: the same picture (resized, recompressed, re-encoded, its
 * colours shifted), a crop of it, a mirrored or turned copy, or a composite (screenshot, caption bar,
 * collage) containing it.
 */
export type PictureRelation = 'same' | 'crop' | 'mirrored' | 'rotated' | 'contains';

export interface PictureHit {
  id: string;
  distance: number;
  relation: PictureRelation;
  /** For 'contains': where in the query the held picture is. */
  region?: Rect;
}

/**
 * Largest distance accepted between the whole query (as it is, mirrored or turned) and a held
 * picture's whole or crop-window hash. Chosen with `npm run bench:matching` (see README's "Finding the
 * same picture"): the sweep there prints recall and false matches from 8 to 14.
 */
export const PICTURE_MAX_DISTANCE = 11;
/** For the regions a composite proposes: more hashes per query, so a tighter bound keeps chance hits down. */
export const REGION_MAX_DISTANCE = 10;

export interface MatchThresholds {
  whole: number;
  region: number;
}

export const DEFAULT_THRESHOLDS: MatchThresholds = { whole: PICTURE_MAX_DISTANCE, region: REGION_MAX_DISTANCE };

/** Each held picture the query hashes find, once, by its nearest hash; the plainer relation wins a tie. */
export function matchPicture(index: PictureIndex, hashes: readonly QueryHash[], thresholds: MatchThresholds = DEFAULT_THRESHOLDS): PictureHit[] {
  const best = new Map<string, PictureHit>();
  for (const query of hashes) {
    const limit = query.source === 'region' || query.source === 'straightened' ? thresholds.region : thresholds.whole;
    for (const match of index.search(query.hash, searchesWindows(query) ? 'all' : 'whole', limit)) {
      const hit: PictureHit = { id: match.id, distance: match.distance, relation: relationOf(query, match.window) };
      if (query.region && hit.relation === 'contains') hit.region = query.region;
      const previous = best.get(match.id);
      if (!previous || hit.distance < previous.distance || (hit.distance === previous.distance && RANK[hit.relation] < RANK[previous.relation])) {
        best.set(match.id, hit);
      }
    }
  }
  return [...best.values()].sort((a, b) => a.distance - b.distance || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * Crop windows are searched with the query as it is, trimmed and mirrored; a turned or region hash
 * is compared with whole pictures only (a turned crop, or a crop inside a screenshot, is a rarer
 * case than the chance hits 25 more hashes per turn would bring).
 */
export function searchesWindows(query: QueryHash): boolean {
  return query.source === 'whole' || query.source === 'trimmed' || query.source === 'mirrored';
}

const RANK: Record<PictureRelation, number> = { same: 0, crop: 1, mirrored: 2, rotated: 3, contains: 4 };

function relationOf(query: QueryHash, window: number): PictureRelation {
  switch (query.source) {
    case 'whole':
    case 'trimmed':
      return window < 0 ? 'same' : 'crop';
    case 'mirrored':
      return 'mirrored';
    case 'rotated':
    case 'straightened':
      return 'rotated';
    case 'region':
      return 'contains';
  }
}
