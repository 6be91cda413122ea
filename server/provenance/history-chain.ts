// The tamper evidence of an image's change log: each entry's hash covers its own body and the
// previous entry's hash, so editing, deleting or reordering any stored entry shows up when the
// chain is verified. Pure functions; storage lives in history.service.ts.

import { createHash } from 'node:crypto';

export type HistoryEntryType = 'created' | 'edited' | 'use_added' | 'status_set' | 'file_replaced' | 'described_image_fulfilled' | 'group_member_removed';

export interface HistoryChange {
  field: string;
  from: unknown;
  to: unknown;
  /** The text exactly as the client sent it, when the stored `to` is its normalised form (server/shared/text.ts). */
  received?: string;
}

/**
 * The authenticated author of an entry, as they were when it was written. Entries from before
 * accounts have none: their `actor` is a name the client declared, not verified.
 */
export interface HistoryAccount {
  /** The account's id; absent for a script run on the server (the demo seed). */
  id?: string;
  email?: string;
  name: string;
  via: 'session' | 'token' | 'script';
  tokenName?: string;
}

export interface HistoryEntryBody {
  imageId: string;
  /** 0 for the 'created' entry, then one more per entry. */
  seq: number;
  type: HistoryEntryType;
  /** The display name shown for the entry (declared by the client before accounts existed). */
  actor: string;
  account?: HistoryAccount;
  at: Date;
  changes: HistoryChange[];
  reason?: string;
}

export type HashableEntry = HistoryEntryBody & { prevHash: string | null };

export type HistoryEntry = HashableEntry & { hash: string };

export interface ChainVerdict {
  valid: boolean;
  /** Index (in the array given) of the first entry at which the chain does not hold. */
  brokenAt?: number;
  reason?: string;
}

/**
 * Bumped if the hashed shape ever changes, so old and new entries can never be confused.
 * Part of every hash input.
 */
const HASH_DOMAIN = 'provenance-archive/history/v1';

function canonicalValue(value: unknown, path: string): string {
  if (value === null || value === undefined) return 'null';
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new TypeError(`canonicalJson: invalid Date at ${path}`);
    return JSON.stringify(value.toISOString());
  }
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      // JSON would write NaN as null, and a hash must not make two different values equal.
      if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: non-finite number at ${path}`);
      return JSON.stringify(value);
    case 'bigint':
      return JSON.stringify(value.toString());
    case 'function':
    case 'symbol':
      throw new TypeError(`canonicalJson: cannot encode a ${typeof value} at ${path}`);
    default:
      break;
  }
  if (Array.isArray(value)) {
    return `[${value.map((item, i) => canonicalValue(item, `${path}[${i}]`)).join(',')}]`;
  }
  // Values that know their JSON form (ObjectId, Decimal128, Buffer) are encoded as that form.
  const withToJson = value as { toJSON?: () => unknown };
  if (typeof withToJson.toJSON === 'function') return canonicalValue(withToJson.toJSON(), path);
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record)
    .filter((key) => record[key] !== undefined)
    .sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalValue(record[key], `${path}.${key}`)}`).join(',')}}`;
}

/**
 * JSON with object keys sorted at every depth, Dates as ISO strings, undefined properties left out
 * (undefined in arrays as null). The same value always gives the same text, whatever the key order
 * it was built or read back with.
 */
export function canonicalJson(value: unknown): string {
  return canonicalValue(value, '$');
}

/**
 * SHA-256 (hex) of an entry's body and its link to the previous entry. Only the fields listed here
 * are hashed, so storage extras (_id, hash itself, a subdocument's _id) never change the result.
 */
export function hashEntry(entry: HashableEntry): string {
  const hashed = {
    imageId: entry.imageId,
    seq: entry.seq,
    type: entry.type,
    actor: entry.actor,
    // Left out of the hashed text when absent, so entries written before accounts hash as they did.
    account: entry.account ?? undefined,
    at: entry.at,
    changes: entry.changes.map((change) => ({ field: change.field, from: change.from ?? null, to: change.to ?? null })),
    reason: entry.reason ?? undefined,
    prevHash: entry.prevHash ?? null,
  };
  return createHash('sha256').update(HASH_DOMAIN).update('\n').update(canonicalJson(hashed)).digest('hex');
}

/** The next entry of a chain, linked to its last entry. */
export function appendEntry(chain: readonly HistoryEntry[], body: Omit<HistoryEntryBody, 'seq'>): HistoryEntry {
  const last = chain[chain.length - 1];
  const linked: HashableEntry = { ...body, seq: last ? last.seq + 1 : 0, prevHash: last ? last.hash : null };
  return { ...linked, hash: hashEntry(linked) };
}

/**
 * Checks a whole log, oldest first. It reports the first entry at which the chain fails: an entry
 * whose content no longer matches its hash, one that does not point at the entry before it
 * (a deletion, a reordering, or a hash recomputed after an edit), a gap in seq, or an entry of
 * another image. An empty log is valid.
 */
export function verifyChain(entries: readonly HistoryEntry[]): ChainVerdict {
  const imageId = entries[0]?.imageId;
  for (let index = 0; index < entries.length; index += 1) {
    const entry = entries[index]!;
    const broken = (reason: string): ChainVerdict => ({ valid: false, brokenAt: index, reason });
    if (entry.imageId !== imageId) return broken(`entry ${index} belongs to image ${entry.imageId}, not ${imageId}`);
    let expected: string;
    try {
      expected = hashEntry(entry);
    } catch (error) {
      return broken(`entry ${index} cannot be hashed: ${(error as Error).message}`);
    }
    if (expected !== entry.hash) return broken(`entry ${index} does not match its hash: its content was changed`);
    const previous = index > 0 ? entries[index - 1]! : undefined;
    const expectedPrev = previous ? previous.hash : null;
    if ((entry.prevHash ?? null) !== expectedPrev) {
      return broken(
        previous
          ? `entry ${index} does not point at entry ${index - 1}: an entry was removed, reordered or rewritten`
          : 'the first entry points at an earlier entry that is missing',
      );
    }
    const expectedSeq = previous ? previous.seq + 1 : 0;
    if (entry.seq !== expectedSeq) return broken(`entry ${index} has seq ${entry.seq}, expected ${expectedSeq}`);
    if (index === 0 && entry.type !== 'created') return broken(`the first entry is '${entry.type}', not 'created'`);
    if (index > 0 && entry.type === 'created') return broken(`entry ${index} is a second 'created' entry`);
  }
  return { valid: true };
}
