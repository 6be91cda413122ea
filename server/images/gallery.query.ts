// The gallery's filters and sort orders, read from a query string (images.schemas.ts) and turned
// into a MongoDB query. Pure. Every filter here is served by an index declared in image.model.ts.
import mongoose from 'mongoose';
import { parseInput } from '../shared/input';
import { creditKeyOf, keywordsOf } from './declared';
import { GALLERY_PAGE_DEFAULTS, galleryQuerySchema, type GallerySort, type GalleryQuery, type ListingDefaults } from './images.schemas';

export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, SORTS, type GalleryQuery, type GallerySort } from './images.schemas';

// Built once per set of defaults: a zod schema is a pure value, so keeping it is no hidden state.
const schemas = new Map<ListingDefaults, ReturnType<typeof galleryQuerySchema>>();

export function parseGalleryQuery(raw: Record<string, unknown>, defaults: ListingDefaults = GALLERY_PAGE_DEFAULTS): GalleryQuery {
  let schema = schemas.get(defaults);
  if (!schema) schemas.set(defaults, (schema = galleryQuerySchema(defaults)));
  return parseInput(schema, raw);
}

export function galleryFilter(query: GalleryQuery): Record<string, unknown> {
  const filter: Record<string, unknown> = {};
  if (query.credit) filter['declared.creditKey'] = creditKeyOf(query.credit);
  if (query.platform) filter['declared.platform'] = query.platform;
  if (query.article) filter['uses.article'] = new mongoose.Types.ObjectId(query.article);
  if (query.status) filter['status.value'] = query.status;
  if (query.gps !== undefined) filter.hasGps = query.gps;
  if (query.ai) filter.aiDeclared = true;
  if (query.kind) filter['declared.kind'] = query.kind;
  // One card per picture group: its earliest-seen member; images in no group are their own card.
  if (query.group) filter.foldedIntoGroup = false;
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
  if (merged.ai) params.set('ai', 'yes');
  if (merged.kind) params.set('kind', merged.kind);
  if (!merged.group) params.set('group', '0');
  if (merged.sort !== 'newest') params.set('sort', merged.sort);
  if (merged.limit !== GALLERY_PAGE_DEFAULTS.limit) params.set('limit', String(merged.limit));
  if (merged.page > 1) params.set('page', String(merged.page));
  const text = params.toString();
  return text ? `?${text}` : '';
}
