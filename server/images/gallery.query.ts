// The gallery's filters and sort orders, read from a query string and turned into a MongoDB query.
// Pure. Every filter here is served by an index declared in server/images/image.model.ts.
import mongoose from 'mongoose';
import { VERIFICATION_STATUSES, type VerificationStatus } from './image.model';
import { creditKeyOf, keywordsOf } from './declared';
import { BadRequestError } from '../shared/errors';

export const SORTS = ['newest', 'oldest', 'captured'] as const;
export type GallerySort = (typeof SORTS)[number];

export interface GalleryQuery {
  q?: string;
  credit?: string;
  platform?: string;
  article?: string;
  status?: VerificationStatus;
  gps?: boolean;
  sort: GallerySort;
  page: number;
  limit: number;
}

export const DEFAULT_PAGE_SIZE = 48;
export const MAX_PAGE_SIZE = 100;
const MAX_PAGE = 10_000;

function single(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new BadRequestError(`The parameter "${name}" must be given once.`);
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed.slice(0, 500);
}

function positiveInt(value: unknown, name: string, fallback: number, max: number): number {
  const text = single(value, name);
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new BadRequestError(`The parameter "${name}" must be a whole number of at least 1.`);
  return Math.min(Number(text), max);
}

export function parseGalleryQuery(raw: Record<string, unknown>, defaultLimit = DEFAULT_PAGE_SIZE): GalleryQuery {
  const status = single(raw.status, 'status');
  if (status !== undefined && !(VERIFICATION_STATUSES as readonly string[]).includes(status)) {
    throw new BadRequestError(`The parameter "status" must be one of: ${VERIFICATION_STATUSES.join(', ')}.`);
  }
  const sort = single(raw.sort, 'sort') ?? 'newest';
  if (!(SORTS as readonly string[]).includes(sort)) throw new BadRequestError(`The parameter "sort" must be one of: ${SORTS.join(', ')}.`);
  const gps = single(raw.gps, 'gps');
  if (gps !== undefined && !['yes', 'no', 'true', 'false', '1', '0'].includes(gps)) {
    throw new BadRequestError('The parameter "gps" must be yes or no.');
  }
  const article = single(raw.article, 'article');
  if (article !== undefined && !mongoose.isObjectIdOrHexString(article)) throw new BadRequestError('The parameter "article" must be an article id.');
  return {
    q: single(raw.q, 'q'),
    credit: single(raw.credit, 'credit'),
    platform: single(raw.platform, 'platform')?.toLowerCase(),
    article,
    status: status as VerificationStatus | undefined,
    gps: gps === undefined ? undefined : ['yes', 'true', '1'].includes(gps),
    sort: sort as GallerySort,
    page: positiveInt(raw.page, 'page', 1, MAX_PAGE),
    limit: positiveInt(raw.limit, 'limit', defaultLimit, MAX_PAGE_SIZE),
  };
}

export function galleryFilter(query: GalleryQuery): Record<string, unknown> {
  const filter: Record<string, unknown> = {};
  if (query.credit) filter['declared.creditKey'] = creditKeyOf(query.credit);
  if (query.platform) filter['declared.platform'] = query.platform;
  if (query.article) filter['uses.article'] = new mongoose.Types.ObjectId(query.article);
  if (query.status) filter['status.value'] = query.status;
  if (query.gps !== undefined) filter.hasGps = query.gps;
  if (query.q) {
    const words = keywordsOf(query.q);
    // A search with no usable word (e.g. "-") matches nothing rather than everything.
    filter.keywords = words.length > 0 ? { $all: words } : { $in: [] };
  }
  return filter;
}

export function gallerySort(sort: GallerySort): Record<string, 1 | -1> {
  switch (sort) {
    case 'oldest':
      return { createdAt: 1, _id: 1 };
    case 'captured':
      return { 'embedded.capturedAt': -1, _id: -1 };
    default:
      return { createdAt: -1, _id: -1 };
  }
}

/** The query string for a gallery view, for links that keep every filter but change one thing. */
export function galleryQueryString(query: GalleryQuery, change: Partial<GalleryQuery> = {}): string {
  const merged = { ...query, ...change };
  const params = new URLSearchParams();
  if (merged.q) params.set('q', merged.q);
  if (merged.credit) params.set('credit', merged.credit);
  if (merged.platform) params.set('platform', merged.platform);
  if (merged.article) params.set('article', merged.article);
  if (merged.status) params.set('status', merged.status);
  if (merged.gps !== undefined) params.set('gps', merged.gps ? 'yes' : 'no');
  if (merged.sort !== 'newest') params.set('sort', merged.sort);
  if (merged.limit !== DEFAULT_PAGE_SIZE) params.set('limit', String(merged.limit));
  if (merged.page > 1) params.set('page', String(merged.page));
  const text = params.toString();
  return text ? `?${text}` : '';
}
