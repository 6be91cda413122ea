// View-models of the source pages: the list of suppliers and one supplier's page.
import { SUPPLIER_KIND_LABELS, type UsageKind } from '../credits/sources';
import type { GalleryQuery } from '../images/gallery.query';
import type { SourceImageRecord } from '../images/images.repository';
import type { SourceSummary, SourcesService } from '../sources/sources.service';
import { formatDay, safeHref } from './format';
import { cardView } from './gallery.view';

const KIND_WORDS: Record<SourceSummary['kind'], string> = {
  account: 'Platform account',
  org: 'Organisation',
  agency: 'Agency',
  photographer: 'Photographer',
  site: 'Website',
  credit: 'Credit as written',
};

export function sourceListView(sources: SourceSummary[]) {
  return sources.map((source) => ({
    href: `/sources/${source.key}`,
    key: source.key,
    label: source.label,
    kind: KIND_WORDS[source.kind],
    images: source.images,
    verified: source.verified,
    disputed: source.disputed,
    firstSeen: formatDay(source.firstSeen),
    lastSeen: formatDay(source.lastSeen),
  }));
}

/** The gallery's defaults, for the cards (their credit links keep to the gallery). */
const CARD_QUERY = { page: 1, limit: 48, sort: 'newest', group: false } as unknown as GalleryQuery;

export function sourcePageView(page: Awaited<ReturnType<SourcesService<SourceImageRecord>['page']>>) {
  return {
    key: page.key,
    label: page.label,
    kind: KIND_WORDS[page.kind],
    images: page.images,
    verified: page.verified,
    disputed: page.disputed,
    firstSeen: formatDay(page.firstSeen),
    lastSeen: formatDay(page.lastSeen),
    accounts: page.accounts.map((account) => ({ href: `/sources/${account.key}`, label: account.label, current: account.key === page.key })),
    kinds: page.kinds.map((kind) => ({ ...kind, label: SUPPLIER_KIND_LABELS[kind.kind as UsageKind] ?? kind.kind, href: `/?kind=${encodeURIComponent(kind.kind)}` })),
    contradicting: page.contradicting.map(({ image, finding }) => ({ href: `/images/${String(image._id)}`, credit: image.declared?.credit ?? 'No credit', code: finding.code, message: finding.message })),
    cards: page.records.map((record) => cardView(record, CARD_QUERY)),
    sourceHref: safeHref(page.records[0]?.declared?.sourceUrl ?? undefined),
  };
}
