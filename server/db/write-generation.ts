// A counter that changes after every write a repository makes, so readers can key caches on it: a
// cached read is only reused while no write has happened since it was made. One instance per kind
// of data, made in server/services.ts and handed to the repository that writes it and to the
// caches that read it (no module state: two archives in one process do not share counters).

export interface WriteGeneration {
  /** The current generation; changes after each write. */
  value(): number;
  /**
   * Runs a write and bumps the generation after it, also when it fails: a failed write (an
   * unordered insertMany, say) may still have changed some documents. Bumped after, not before,
   * so a read made while the write was under way is never kept under the new generation.
   */
  after<T>(write: () => Promise<T>): Promise<T>;
}

export function createWriteGeneration(): WriteGeneration {
  let generation = 0;
  return {
    value: () => generation,
    async after(write) {
      try {
        return await write();
      } finally {
        generation++;
      }
    },
  };
}
