// What a principal may see of a record: anonymous visitors get no original file, GPS rounded to
// 2 decimals (about 1 km), and display names instead of the history's email addresses. Pure.
import { can } from './authorization';
import type { Principal } from './principal';

/** Decimals anonymous visitors see of a position: 0.01° is about 1.1 km of latitude. */
export const PUBLIC_GPS_DECIMALS = 2;

export function roundCoordinate(value: number): number {
  const factor = 10 ** PUBLIC_GPS_DECIMALS;
  return Math.round(value * factor) / factor;
}

/** Coordinates written with more decimals than a public position may have. */
const PRECISE_NUMBER = /-?\d+\.\d{3,}/g;

function roundNumbersIn(text: string): string {
  return text.replace(PRECISE_NUMBER, (number) => roundCoordinate(Number(number)).toFixed(PUBLIC_GPS_DECIMALS));
}

type Gps = { latitude?: number | null; longitude?: number | null; altitude?: number | null };

export function publicGps(gps: Gps | undefined | null): { latitude: number; longitude: number; rounded: true } | undefined {
  if (!gps || typeof gps.latitude !== 'number' || typeof gps.longitude !== 'number') return undefined;
  return { latitude: roundCoordinate(gps.latitude), longitude: roundCoordinate(gps.longitude), rounded: true };
}

interface FindingLike {
  code?: string;
  message?: string;
  evidence?: ReadonlyArray<{ value?: unknown }>;
}

/** The GPS finding quotes the position: rounded for those who may not see it exactly. */
export function findingsFor<T extends FindingLike>(principal: Principal, findings: readonly T[]): T[] {
  if (can(principal, 'seeOriginals')) return [...findings];
  return findings.map((finding) =>
    finding.code === 'privacy.gps_present'
      ? {
          ...finding,
          message: roundNumbersIn(finding.message ?? ''),
          evidence: (finding.evidence ?? []).map((item) => ({ ...item, value: typeof item.value === 'string' ? roundNumbersIn(item.value) : item.value })),
        }
      : finding,
  );
}

interface ImageJsonLike {
  original: { url: string | null; uploadName: string | null };
  embedded: { gps?: Gps | null };
  provenance: { findings?: unknown[] } & Record<string, unknown>;
}

export function imageJsonFor<T extends ImageJsonLike>(principal: Principal, json: T): T {
  if (can(principal, 'seeOriginals')) return json;
  const gps = publicGps(json.embedded.gps);
  return {
    ...json,
    original: { url: null, uploadName: null, note: 'Sign in to get the original file.' },
    embedded: { ...json.embedded, gps },
    provenance: { ...json.provenance, findings: findingsFor(principal, (json.provenance.findings ?? []) as FindingLike[]) },
  };
}

interface HistoryLike<E> {
  entries: E[];
}

export function historyFor<E extends { account?: { email?: string } }, T extends HistoryLike<E>>(principal: Principal, history: T): T {
  if (can(principal, 'seeActorEmails')) return history;
  return {
    ...history,
    entries: history.entries.map((entry) => {
      if (!entry.account) return entry;
      const { email: _email, ...account } = entry.account;
      return { ...entry, account };
    }),
  };
}
