// Appends to and reads each image's hash-chained change log (entries in history.model.ts,
// hashing and verification in history-chain.ts).
import mongoose from 'mongoose';
import type { Actor } from '../accounts/principal';
import { hashEntry, verifyChain, type HistoryAccount, type HistoryChange, type HistoryEntryType } from './history-chain';
import type { HistoryEntryRecord } from './history.model';
import type { HistoryRepository } from './history.repository';

type ObjectId = mongoose.Types.ObjectId;

export interface NewHistoryEntry {
  type: HistoryEntryType;
  actor: Actor;
  changes: HistoryChange[];
  reason?: string;
}

export interface HistoryEntryView {
  seq: number;
  type: string;
  actor: string;
  /** Absent on entries written before accounts: their actor is a declared, unverified name. */
  account?: HistoryAccount;
  /** 'declared': a name the client gave before accounts existed, not verified. */
  identity: 'account' | 'script' | 'declared';
  at: Date;
  changes: HistoryChange[];
  reason?: string;
  prevHash: string | null;
  hash: string;
}

const APPEND_ATTEMPTS = 5;

/** The entry body as hashed: exactly the fields stored, in a fixed shape. */
function bodyOf(entry: Pick<HistoryEntryRecord, 'image' | 'seq' | 'type' | 'actor' | 'account' | 'at' | 'changes' | 'reason' | 'prevHash'>) {
  return {
    imageId: String(entry.image),
    seq: entry.seq,
    type: entry.type as HistoryEntryType,
    actor: entry.actor,
    account: accountOf(entry.account),
    at: entry.at,
    changes: entry.changes as HistoryChange[],
    reason: entry.reason ?? undefined,
    prevHash: entry.prevHash ?? null,
  };
}

export function createHistoryService({ repository }: { repository: HistoryRepository }) {
  async function append(imageId: ObjectId, entry: NewHistoryEntry): Promise<HistoryEntryView> {
    // Two writers racing for the same seq: the unique (image, seq) index lets one win; the other retries.
    for (let attempt = 1; ; attempt++) {
      const last = await repository.last(imageId);
      const body = {
        image: imageId,
        seq: last ? last.seq + 1 : 0,
        type: entry.type,
        actor: entry.actor.name,
        account: historyAccountOf(entry.actor),
        at: new Date(),
        changes: entry.changes.map((change) => ({
          field: change.field,
          from: change.from ?? null,
          to: change.to ?? null,
          ...(change.received !== undefined ? { received: change.received } : {}),
        })),
        reason: entry.reason,
        prevHash: last?.hash ?? null,
      };
      const hash = hashEntry(bodyOf(body));
      try {
        return toView(await repository.insert({ ...body, hash }));
      } catch (error) {
        if ((error as { code?: unknown }).code !== 11000 || attempt >= APPEND_ATTEMPTS) throw error;
      }
    }
  }

  async function list(imageId: ObjectId): Promise<{ entries: HistoryEntryView[]; chainValid: boolean; brokenAt?: number; reason?: string }> {
    const entries = await repository.entriesOf(imageId);
    const verdict = verifyChain(entries.map((entry) => ({ ...bodyOf(entry), hash: entry.hash })));
    return { entries: entries.map(toView), chainValid: verdict.valid, brokenAt: verdict.brokenAt, reason: verdict.reason };
  }

  async function removeAll(imageId: ObjectId): Promise<void> {
    await repository.removeAllOf([imageId]);
  }

  /** Removes the history of images that have no record (written just before a record a crash prevented). */
  async function removeOrphans(isImage: (id: ObjectId) => boolean): Promise<number> {
    const orphans = (await repository.owners()).filter((owner) => !isImage(owner));
    return orphans.length > 0 ? repository.removeAllOf(orphans) : 0;
  }

  return { append, list, removeAll, removeOrphans };
}

/** The stored account of an entry, without the fields a database adds or leaves empty. */
function accountOf(stored: HistoryEntryRecord['account']): HistoryAccount | undefined {
  if (!stored) return undefined;
  const account: HistoryAccount = { name: stored.name, via: stored.via as HistoryAccount['via'] };
  if (stored.id) account.id = stored.id;
  if (stored.email) account.email = stored.email;
  if (stored.tokenName) account.tokenName = stored.tokenName;
  return account;
}

function historyAccountOf(actor: Actor): HistoryAccount {
  return accountOf({ id: actor.accountId, email: actor.email, name: actor.name, via: actor.via, tokenName: actor.tokenName })!;
}

function toView(entry: HistoryEntryRecord): HistoryEntryView {
  return {
    seq: entry.seq,
    type: entry.type,
    actor: entry.actor,
    account: accountOf(entry.account),
    identity: !entry.account ? 'declared' : entry.account.via === 'script' ? 'script' : 'account',
    at: entry.at,
    changes: entry.changes as HistoryChange[],
    reason: entry.reason ?? undefined,
    prevHash: entry.prevHash ?? null,
    hash: entry.hash,
  };
}

export type HistoryService = ReturnType<typeof createHistoryService>;
