// Suppliers from a parsed credit and a source URL: their stable, readable keys
// ("telegram/volodymyr-zelensky", "org/office-of-the-president-of-ukraine") and the newsroom
// usage-rights kind of the picture (the categories the Guardian's Grid uses). Pure.
import type { ParsedCredit } from './credit-parser';
import { accountFromUrl, hostOf, platformById, platformForUrl } from './platforms';

export const SUPPLIER_KINDS = ['handout', 'social-media', 'agency', 'staff', 'screengrab', 'unknown'] as const;
export type UsageKind = (typeof SUPPLIER_KINDS)[number];

export const SUPPLIER_KIND_LABELS: Record<UsageKind, string> = {
  handout: 'Handout',
  'social-media': 'Social media',
  agency: 'Agency',
  staff: 'Staff or commissioned',
  screengrab: 'Screengrab',
  unknown: 'Unknown',
};

const SCREENGRAB = /\b(?:screen\s*grab|screenshot|video\s+(?:grab|still)|screengrab)\b/i;

/** The usage-rights kind a credit implies; an editor may set another per image. */
export function usageKindOf(credit: Pick<ParsedCredit, 'raw' | 'kind'> | undefined): UsageKind {
  if (!credit) return 'unknown';
  if (SCREENGRAB.test(credit.raw)) return 'screengrab';
  switch (credit.kind) {
    case 'agency':
      return 'agency';
    case 'official_handout':
      return 'handout';
    case 'platform_post':
      return 'social-media';
    // A named photographer without an agency is, in a newsroom's archive, most often its own or commissioned.
    case 'photographer':
      return 'staff';
    default:
      return /\bhandout\b|\bcourtesy\b|\bsupplied\b/i.test(credit.raw) ? 'handout' : 'unknown';
  }
}

export type SourceKind = 'account' | 'org' | 'agency' | 'photographer' | 'site' | 'credit';

export interface SourceKey {
  /** `<kind or platform>/<name>`, lower case, words joined by hyphens. */
  key: string;
  label: string;
  kind: SourceKind;
  /** For an account: the platform's display name. */
  platform?: string;
}

/** Lower case, accents dropped, runs of anything but letters and digits as one hyphen. */
export function slugOf(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/^@/, '')
    .replace(/[^\p{L}\p{N}_]+/gu, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80);
}

/** Every supplier a record names: the platform account, the organisation, the agency, the photographer, the site. */
export function sourceKeysOf(credit: ParsedCredit | undefined, sourceUrl: string | undefined): SourceKey[] {
  const keys: SourceKey[] = [];
  const add = (prefix: string, name: string | undefined, kind: SourceKind, label: string, platform?: string) => {
    const slug = name ? slugOf(name) : '';
    if (!slug || !/^[a-z0-9-]+$/.test(prefix)) return;
    const key = `${prefix}/${slug}`;
    if (!keys.some((k) => k.key === key)) keys.push({ key, label, kind, ...(platform ? { platform } : {}) });
  };
  if (credit) {
    if (credit.platformId && credit.account) add(credit.platformId, credit.account, 'account', `${credit.account} (${credit.platform ?? credit.platformId})`, credit.platform);
    if (credit.organisation) add('org', credit.organisation, 'org', credit.organisation);
    if (credit.agency) add('agency', credit.agency, 'agency', credit.agency);
    if (credit.via) add('agency', credit.via, 'agency', credit.via);
    if (credit.photographer) add('photographer', credit.photographer, 'photographer', credit.photographer);
    if (keys.length === 0 && credit.raw.trim()) add('credit', credit.raw, 'credit', credit.raw.trim());
  }
  if (sourceUrl) {
    const platform = platformForUrl(sourceUrl);
    const account = accountFromUrl(sourceUrl);
    if (platform && account) add(platform.id, account, 'account', `${account} (${platform.name})`, platform.name);
    else {
      const host = hostOf(sourceUrl)?.replace(/^www\./, '');
      if (host) add('site', host.replace(/\./g, '-'), 'site', host);
    }
  }
  return keys;
}

/** The platform's display name for an account key's prefix. */
export function platformNameOf(prefix: string): string | undefined {
  return platformById(prefix)?.name;
}
