// View-model of the gallery page: cards, pagination and filter choices. Pure functions of the
// query and the card projection, so the page costs one list query and one template render.
import { SUPPLIER_KIND_LABELS, SUPPLIER_KINDS } from '../credits/sources';
import { platformById, PLATFORMS } from '../credits/platforms';
import type { ImageRecord } from '../images/image.model';
import { VERIFICATION_STATUSES } from '../images/image.types';
import { derivativeUrl } from '../images/images.serialize';
import { provenanceBadge, statusBadge, type BadgeView } from './badges';
import { formatDay, formatInteger, isoString, trimText } from './format';
import { galleryQueryString, SORTS, type GalleryQuery } from '../images/gallery.query';

export interface CardView {
  id: string;
  href: string;
  caption: string;
  /** The full caption, for the image's alt text. */
  alt: string;
  credit?: string;
  creditHref?: string;
  platform?: string;
  platformHref?: string;
  badge: BadgeView;
  /** Only a ruling (verified/disputed) is shown on a card; "unverified" would be noise on most. */
  status?: BadgeView;
  thumbnailUrl?: string;
  srcset?: string;
  width?: number;
  height?: number;
  createdDay?: string;
  createdIso?: string;
  /** Files held of this picture when the gallery shows one card per group (2 or more). */
  copies?: number;
  copiesHref?: string;
}

/** The card image is shown in a box about 240–320 CSS px wide, so the browser picks 400w on most screens. */
export const CARD_SIZES = '(max-width: 480px) 50vw, (max-width: 900px) 33vw, 280px';

export function platformName(id: string | undefined | null): string | undefined {
  if (!id) return undefined;
  return platformById(id)?.name ?? id;
}

/** Thumbnail (400w) and display (1600w) candidates; a small original has one file for both, listed once. */
export function srcsetOf(thumbUrl?: string, thumbWidth?: number | null, displayUrl?: string, displayWidth?: number | null): string {
  const candidates: string[] = [];
  if (thumbUrl && thumbWidth) candidates.push(`${thumbUrl} ${thumbWidth}w`);
  if (displayUrl && displayWidth && displayUrl !== thumbUrl && displayWidth !== thumbWidth) candidates.push(`${displayUrl} ${displayWidth}w`);
  return candidates.join(', ');
}

type CardRecord = Pick<ImageRecord, '_id' | 'declared' | 'derivatives' | 'file' | 'status' | 'provenance' | 'createdAt'> & Partial<Pick<ImageRecord, 'group'>>;

export function cardView(image: CardRecord, query: GalleryQuery): CardView {
  const id = String(image._id);
  const caption = image.declared?.caption ?? '';
  const credit = image.declared?.credit ?? undefined;
  const thumb = image.derivatives?.thumbnail;
  const display = image.derivatives?.display;
  const thumbUrl = derivativeUrl(thumb?.file);
  const displayUrl = derivativeUrl(display?.file);
  const srcset = srcsetOf(thumbUrl, thumb?.width, displayUrl, display?.width);
  const status = image.status?.value;
  const platform = image.declared?.platform ?? undefined;
  const copies = query.group && (image.group?.size ?? 1) > 1 ? image.group!.size! : undefined;
  return {
    id,
    href: `/images/${id}`,
    ...(copies ? { copies, copiesHref: `/images/${id}#picture-group` } : {}),
    caption: trimText(caption, 140),
    alt: caption ? trimText(caption, 300) : credit ? `Image credited to ${credit}, no caption` : 'Image without a caption',
    credit,
    creditHref: credit ? `/${galleryQueryString(query, { credit, page: 1 })}` : undefined,
    platform: platformName(platform),
    platformHref: platform ? `/${galleryQueryString(query, { platform, page: 1 })}` : undefined,
    badge: provenanceBadge(image.provenance?.badge),
    status: status === 'verified' || status === 'disputed' ? statusBadge(status) : undefined,
    thumbnailUrl: thumbUrl,
    srcset: srcset || undefined,
    // The thumbnail's own size: the attributes give the browser the aspect ratio before it loads.
    width: thumb?.width ?? image.file?.width,
    height: thumb?.height ?? image.file?.height,
    createdDay: formatDay(image.createdAt),
    createdIso: isoString(image.createdAt),
  };
}

export type PageLink = { kind: 'page'; n: number; href: string; current: boolean } | { kind: 'gap' };

export interface PaginationView {
  totalPages: number;
  page: number;
  prev?: string;
  next?: string;
  links: PageLink[];
  /** "49–96 of 1,203" */
  range: string;
}

/** Page numbers around the current one, plus the first and last, with gaps between. */
export function paginationView(query: GalleryQuery, total: number): PaginationView {
  const totalPages = Math.max(1, Math.ceil(total / query.limit));
  const page = query.page;
  const href = (n: number) => `/${galleryQueryString(query, { page: n })}`;
  const wanted = new Set<number>([1, totalPages]);
  for (let n = page - 2; n <= page + 2; n++) if (n >= 1 && n <= totalPages) wanted.add(n);
  const numbers = [...wanted].sort((a, b) => a - b);
  const links: PageLink[] = [];
  numbers.forEach((n, i) => {
    if (i > 0 && n - numbers[i - 1] > 1) links.push({ kind: 'gap' });
    links.push({ kind: 'page', n, href: href(n), current: n === page });
  });
  const from = total === 0 ? 0 : Math.min(total, (page - 1) * query.limit + 1);
  const to = Math.min(total, page * query.limit);
  return {
    totalPages,
    page,
    prev: page > 1 ? href(Math.min(page - 1, totalPages)) : undefined,
    next: page < totalPages ? href(page + 1) : undefined,
    links,
    range: total === 0 ? '0 of 0' : from > total ? `none of ${formatInteger(total)}` : `${formatInteger(from)}–${formatInteger(to)} of ${formatInteger(total)}`,
  };
}

export interface Option {
  value: string;
  label: string;
  selected: boolean;
}

const SORT_LABELS: Record<(typeof SORTS)[number], string> = { newest: 'Newest first', oldest: 'Oldest first', captured: 'Capture date' };
const STATUS_LABELS: Record<(typeof VERIFICATION_STATUSES)[number], string> = { unverified: 'Unverified', verified: 'Verified', disputed: 'Disputed' };

export interface FilterView {
  q: string;
  credit: string;
  platforms: Option[];
  statuses: Option[];
  kinds: Option[];
  /** One card per picture group (true) or every file. */
  groups: Option[];
  gps: Option[];
  /** The "AI-generated or AI-edited (declared)" checkbox. */
  ai: boolean;
  sorts: Option[];
  articles: Option[];
  /** Filters in effect, each with a link that removes it. */
  active: Array<{ label: string; value: string; removeHref: string }>;
}

export function filterView(query: GalleryQuery, articles: Array<{ id: string; headline: string }>): FilterView {
  const option = (value: string, label: string, current: string | undefined): Option => ({ value, label, selected: value === (current ?? '') });
  const platforms = [...PLATFORMS].sort((a, b) => a.name.localeCompare(b.name));
  const gpsValue = query.gps === undefined ? '' : query.gps ? 'yes' : 'no';
  const remove = (change: Partial<GalleryQuery>) => `/${galleryQueryString(query, { ...change, page: 1 })}`;
  const active: FilterView['active'] = [];
  if (query.q) active.push({ label: 'Search', value: query.q, removeHref: remove({ q: undefined }) });
  if (query.credit) active.push({ label: 'Credit', value: query.credit, removeHref: remove({ credit: undefined }) });
  if (query.platform) active.push({ label: 'Platform', value: platformName(query.platform) ?? query.platform, removeHref: remove({ platform: undefined }) });
  if (query.article) {
    const headline = articles.find((article) => article.id === query.article)?.headline ?? 'one article';
    active.push({ label: 'Article', value: headline, removeHref: remove({ article: undefined }) });
  }
  if (query.status) active.push({ label: 'Status', value: STATUS_LABELS[query.status], removeHref: remove({ status: undefined }) });
  if (query.gps !== undefined) active.push({ label: 'GPS', value: query.gps ? 'has GPS' : 'no GPS', removeHref: remove({ gps: undefined }) });
  if (query.ai) active.push({ label: 'Source', value: 'AI-generated or AI-edited (declared)', removeHref: remove({ ai: undefined }) });
  if (query.kind) active.push({ label: 'Usage kind', value: SUPPLIER_KIND_LABELS[query.kind], removeHref: remove({ kind: undefined }) });
  return {
    q: query.q ?? '',
    credit: query.credit ?? '',
    platforms: [option('', 'Any platform', query.platform), ...platforms.map((p) => option(p.id, p.name, query.platform))],
    statuses: [option('', 'Any status', query.status), ...VERIFICATION_STATUSES.map((s) => option(s, STATUS_LABELS[s], query.status))],
    kinds: [option('', 'Any kind', query.kind), ...SUPPLIER_KINDS.map((k) => option(k, SUPPLIER_KIND_LABELS[k], query.kind))],
    groups: [option('1', 'One card per picture', query.group ? '1' : '0'), option('0', 'Every file', query.group ? '1' : '0')],
    gps: [option('', 'Either', gpsValue), option('yes', 'Has GPS', gpsValue), option('no', 'No GPS', gpsValue)],
    ai: Boolean(query.ai),
    sorts: SORTS.map((s) => option(s, SORT_LABELS[s], query.sort)),
    articles: [option('', 'Any article', query.article), ...articles.map((a) => option(a.id, trimText(a.headline, 70), query.article))],
    active,
  };
}
