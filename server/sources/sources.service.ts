// Suppliers as the archive knows them from credits and source URLs (server/credits/sources.ts):
// the list with counts, and one supplier's page (its images, how many held up, the findings that
// contradict its credit, first and last seen, the platforms and accounts it posts from). Image
// records are read through the port below (the images repository implements it).
import type { Finding } from '../provenance/findings.types';
import type { ParsedCredit } from '../credits/credit-parser';
import { SUPPLIER_KIND_LABELS, sourceKeysOf, type SourceKey, type UsageKind } from '../credits/sources';
import { NotFoundError } from '../shared/errors';

export interface SourceRecord {
  _id: unknown;
  createdAt: Date;
  declared?: { credit?: string | null; sourceUrl?: string | null; creditParts?: unknown; kind?: string | null; platform?: string | null } | null;
  status?: { value?: string | null } | null;
  provenance?: { findings?: unknown } | null;
}

export interface SourceRecords<Record extends SourceRecord> {
  sourceSummaries(): Promise<Array<{ _id: string; images: number; verified: number; disputed: number; first: Date; last: Date; creditParts?: unknown; sourceUrl?: string }>>;
  ofSource(key: string, limit: number): Promise<Record[]>;
}

export interface SourceSummary {
  key: string;
  label: string;
  kind: SourceKey['kind'];
  platform?: string;
  images: number;
  verified: number;
  disputed: number;
  firstSeen: Date;
  lastSeen: Date;
}

/** Findings that speak against a supplier's credit. */
const CONTRADICTING = new Set<string>([
  'credit.differs_from_metadata',
  'source.host_differs_from_platform',
  'source.account_differs_from_credit',
  'source.platform_not_in_credit',
  'duplicate.same_file_other_credit',
  'duplicate.near_other_credit',
  'duplicate.held_earlier',
  'capture.date_after_claim',
  'capture.modified_after_claim',
  'group.different_credits',
  'origin.frame_of_video',
  'c2pa.invalid',
  'file.ai_generated',
]);

/** How many images a source page lists. */
const PAGE_IMAGES = 200;

/** What a key names, from one record that carries it. */
function describe(key: string, creditParts: unknown, sourceUrl: string | undefined | null): Pick<SourceSummary, 'label' | 'kind' | 'platform'> {
  const found = sourceKeysOf(creditParts as ParsedCredit | undefined, sourceUrl ?? undefined).find((source) => source.key === key);
  return found ? { label: found.label, kind: found.kind, ...(found.platform ? { platform: found.platform } : {}) } : { label: key, kind: 'credit' };
}

export function createSourcesService<Record extends SourceRecord>({ records }: { records: SourceRecords<Record> }) {
  async function list(): Promise<SourceSummary[]> {
    return (await records.sourceSummaries()).map((summary) => ({
      key: summary._id,
      ...describe(summary._id, summary.creditParts, summary.sourceUrl),
      images: summary.images,
      verified: summary.verified,
      disputed: summary.disputed,
      firstSeen: summary.first,
      lastSeen: summary.last,
    }));
  }

  /** One supplier's page; 404 when no image names it. */
  async function page(key: string) {
    const images = await records.ofSource(key, PAGE_IMAGES);
    if (images.length === 0) throw new NotFoundError('The archive holds no image from this source.');
    const summary = (await list()).find((source) => source.key === key);
    const accounts = new Map<string, SourceKey>();
    const kinds = new Map<string, number>();
    const contradicting: Array<{ image: Record; finding: Finding }> = [];
    for (const image of images) {
      for (const source of sourceKeysOf(image.declared?.creditParts as ParsedCredit | undefined, image.declared?.sourceUrl ?? undefined)) {
        if (source.kind === 'account' || source.kind === 'site') accounts.set(source.key, source);
      }
      const kind = image.declared?.kind ?? 'unknown';
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
      for (const finding of ((image.provenance?.findings ?? []) as Finding[])) if (CONTRADICTING.has(finding.code)) contradicting.push({ image, finding });
    }
    const first = images[0];
    return {
      key,
      ...(summary ?? { ...describe(key, first.declared?.creditParts, first.declared?.sourceUrl), images: images.length, verified: 0, disputed: 0, firstSeen: first.createdAt, lastSeen: first.createdAt }),
      /** Newest first, at most PAGE_IMAGES. */
      records: images,
      accounts: [...accounts.values()],
      kinds: [...kinds].map(([kind, count]) => ({ kind, label: SUPPLIER_KIND_LABELS[kind as UsageKind] ?? kind, count })),
      contradicting,
    };
  }

  return { list, page };
}

export type SourcesService<Record extends SourceRecord = SourceRecord> = ReturnType<typeof createSourcesService<Record>>;
