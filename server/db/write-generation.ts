// A counter that changes after every write, so readers can key caches on it: a cached read is only
// reused while no write has happened since it was made. One instance per kind of data, made in
// server/services.ts and handed to the repository that writes it and to the caches that read it
// (no module state: two archives in one process do not share counters).
//
// Several app instances on one database learn of each other's writes through a shared signal
// (createSharedGenerations): every write also bumps a small per-kind document, which each instance
// reads at most once a second; a change it did not make moves its own counter on.
import type { GenerationsRepository } from './generations.repository';

export interface WriteGeneration {
  /** The current generation; changes after each write, this instance's or (with a signal) another's. */
  value(): number;
  /**
   * Runs a write and bumps the generation after it, also when it fails: a failed write (an
   * unordered insertMany, say) may still have changed some documents. Bumped after, not before,
   * so a read made while the write was under way is never kept under the new generation.
   */
  after<T>(write: () => Promise<T>): Promise<T>;
  /** How many times another instance's writes moved this generation on (0 without a signal). */
  remoteChanges(): number;
}

export function createWriteGeneration(announce?: () => Promise<void>): WriteGeneration & { bumpFromRemote(): void } {
  let generation = 0;
  let remote = 0;
  return {
    value: () => generation,
    remoteChanges: () => remote,
    async after(write) {
      try {
        return await write();
      } finally {
        generation++;
        await announce?.();
      }
    },
    bumpFromRemote() {
      generation++;
      remote++;
    },
  };
}

/** How often the shared signal is read: caches then learn of another instance's write within about this long. */
export const SIGNAL_POLL_MS = 1000;

/**
 * Write generations for these kinds, shared between the app instances on one database. Polling
 * starts with `start()` (it needs the connection) and ends with `stop()`.
 */
export function createSharedGenerations<K extends string>(kinds: readonly K[], repository: GenerationsRepository, options: { pollMs?: number } = {}) {
  // The last shared count seen per kind; undefined until the first read.
  const seen = new Map<K, number | undefined>(kinds.map((kind) => [kind, undefined]));
  const generations = {} as Record<K, ReturnType<typeof createWriteGeneration>>;
  for (const kind of kinds) {
    generations[kind] = createWriteGeneration(async () => {
      try {
        const count = await repository.increment(kind);
        // Our own bump, with nothing from elsewhere in between: no need to drop the caches again.
        const last = seen.get(kind);
        if (last !== undefined && count === last + 1) seen.set(kind, count);
      } catch {
        // The write itself succeeded; without the signal other instances fall back on their caches' age limits.
      }
    });
  }
  let timer: NodeJS.Timeout | undefined;
  let polling: Promise<void> | undefined;

  async function poll(): Promise<void> {
    const counts = await repository.read([...kinds]);
    for (const kind of kinds) {
      const count = counts.get(kind) ?? 0;
      const last = seen.get(kind);
      seen.set(kind, count);
      if (last !== undefined && count !== last) generations[kind].bumpFromRemote();
    }
  }

  return {
    generations: generations as Record<K, WriteGeneration>,
    /** Reads the signal now (and then every pollMs); resolves after the first read. */
    async start(): Promise<void> {
      if (timer) return;
      await poll().catch(() => undefined);
      timer = setInterval(() => {
        // At most one read at a time: a slow database does not pile reads up.
        polling ??= poll()
          .catch(() => undefined)
          .finally(() => (polling = undefined));
      }, options.pollMs ?? SIGNAL_POLL_MS);
      timer.unref();
    },
    async stop(): Promise<void> {
      clearInterval(timer);
      timer = undefined;
      await polling;
    },
  };
}
