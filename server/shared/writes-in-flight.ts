// Counts writes under way (ingests, edits) so shutdown can let them finish before the database
// closes. The HTTP server's close() waits for connections, not handlers: a client that hangs up
// mid-upload ends its connection while its ingest is still writing files and records.
export interface WritesInFlight {
  /** Runs `write`, counted until it settles. */
  track<T>(write: () => Promise<T>): Promise<T>;
  /** Resolves once no write is under way, or after `timeoutMs`; true if they all finished. */
  settled(timeoutMs: number): Promise<boolean>;
  readonly count: number;
}

export function createWritesInFlight(): WritesInFlight {
  let count = 0;
  let waiters: Array<() => void> = [];
  return {
    async track(write) {
      count++;
      try {
        return await write();
      } finally {
        count--;
        if (count === 0) {
          for (const wake of waiters) wake();
          waiters = [];
        }
      }
    },
    settled(timeoutMs) {
      if (count === 0) return Promise.resolve(true);
      return new Promise((resolve) => {
        const timer = setTimeout(() => resolve(false), timeoutMs);
        waiters.push(() => {
          clearTimeout(timer);
          resolve(true);
        });
      });
    },
    get count() {
      return count;
    },
  };
}
