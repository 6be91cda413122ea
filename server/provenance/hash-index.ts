// In-memory index of perceptual hashes answering "every id within Hamming distance d of this hash"
// without scanning the whole archive.
//
// Multi-index hashing (Norouzi, Punjani & Fleet, "Fast Search in Hamming Space with Multi-Index
// Hashing", CVPR 2012): the 64 bits are cut into 4 chunks of 16 bits and each chunk value is a key
// into its own table. By the pigeonhole principle, two hashes within distance d differ in at most
// ⌊d/4⌋ bits on at least one chunk, so probing every chunk value within ⌊d/4⌋ bits of the query's
// chunk, in each of the 4 tables, finds a superset of the answer; each candidate is then checked with
// an exact popcount. For d = 12 (NEAR_DUPLICATE_MAX_DISTANCE) that is 4 × (1 + 16 + 120 + 560) =
// 2,788 table probes, and with 100,000 hashes spread over 65,536 values per chunk each probe yields
// ~1.5 candidates: a few thousand popcounts instead of 100,000 (bench: p50 ~1 ms vs ~50–80 ms linear).
//
// Why not a BK-tree: at radius 10 of 64 bits a BK-tree still visits a large fraction of its nodes
// (the triangle inequality prunes little when the radius is a third of the typical distance), and
// removal needs tombstones or rebuilds. Multi-index tables stay flat, remove in O(1) and their cost
// depends on the radius, not on how the hashes happen to be distributed, except for heavy clustering
// on one chunk value, which the other three chunks dilute.
//
// Persistence is not this module's concern: hashes live on the image records, and the index is
// rebuilt at start with `HashIndex.fromEntries`.

import { hashHalves, popcount32 } from './phash';

export interface HashMatch {
  id: string;
  /** The stored hash, lowercase. */
  hash: string;
  distance: number;
}

/** One stored hash value; several ids share it when they are byte-identical or hash-identical images. */
interface Slot {
  hash: string;
  hi: number;
  lo: number;
  ids: Set<string>;
  /** Position of this slot in each chunk's bucket, so removal is a swap-with-last instead of a search. */
  bucketPositions: [number, number, number, number];
  /** Number of the last search that examined this slot: dedups candidates found via several chunks without a per-query Set. */
  seenBy: number;
}

const CHUNKS = 4;
const CHUNK_BITS = 16;
const CHUNK_VALUES = 1 << CHUNK_BITS;

export type HashIndexEntry = readonly [id: string, hash: string] | { readonly id: string; readonly hash: string };

export class HashIndex {
  /** tables[c][chunkValue] = slots whose chunk c equals chunkValue (allocated on first use). */
  private readonly tables: Array<Array<Slot[] | undefined>> = Array.from({ length: CHUNKS }, () =>
    new Array<Slot[] | undefined>(CHUNK_VALUES),
  );
  private readonly slotsByHash = new Map<string, Slot>();
  private readonly slotById = new Map<string, Slot>();
  private searches = 0;

  /** Builds an index from `[id, hash]` pairs or `{ id, hash }` records (e.g. image documents at start-up). */
  static fromEntries(entries: Iterable<HashIndexEntry>): HashIndex {
    const index = new HashIndex();
    for (const entry of entries) {
      if (Array.isArray(entry)) index.add(entry[0], entry[1]);
      else {
        const record = entry as { readonly id: string; readonly hash: string };
        index.add(record.id, record.hash);
      }
    }
    return index;
  }

  /** Number of ids held (not distinct hashes). */
  get size(): number {
    return this.slotById.size;
  }

  /** Adds or re-points `id`; an id has at most one hash, so adding it again replaces the old one. */
  add(id: string, hash: string): void {
    const [hi, lo] = hashHalves(hash);
    const normalised = hash.toLowerCase();
    const previous = this.slotById.get(id);
    if (previous !== undefined) {
      if (previous.hash === normalised) return;
      this.remove(id);
    }
    let slot = this.slotsByHash.get(normalised);
    if (slot === undefined) {
      slot = { hash: normalised, hi, lo, ids: new Set(), bucketPositions: [0, 0, 0, 0], seenBy: 0 };
      for (let c = 0; c < CHUNKS; c++) {
        const key = chunkOf(hi, lo, c);
        let bucket = this.tables[c][key];
        if (bucket === undefined) bucket = this.tables[c][key] = [];
        slot.bucketPositions[c] = bucket.length;
        bucket.push(slot);
      }
      this.slotsByHash.set(normalised, slot);
    }
    slot.ids.add(id);
    this.slotById.set(id, slot);
  }

  /** Forgets `id`; unknown ids are ignored so callers can remove unconditionally on delete. */
  remove(id: string): void {
    const slot = this.slotById.get(id);
    if (slot === undefined) return;
    this.slotById.delete(id);
    slot.ids.delete(id);
    if (slot.ids.size > 0) return;
    this.slotsByHash.delete(slot.hash);
    for (let c = 0; c < CHUNKS; c++) {
      const key = chunkOf(slot.hi, slot.lo, c);
      const bucket = this.tables[c][key]!;
      const position = slot.bucketPositions[c];
      const last = bucket.pop()!;
      if (last !== slot) {
        bucket[position] = last;
        last.bucketPositions[c] = position;
      }
      if (bucket.length === 0) this.tables[c][key] = undefined;
    }
  }

  /** The hash stored for `id`, if any. */
  get(id: string): string | undefined {
    return this.slotById.get(id)?.hash;
  }

  /** Every id whose hash is within `maxDistance` bits of `hash`, nearest first (ties by id). */
  search(hash: string, maxDistance: number): HashMatch[] {
    if (!Number.isInteger(maxDistance) || maxDistance < 0) {
      throw new RangeError(`maxDistance must be a non-negative integer, got ${maxDistance}`);
    }
    const [hi, lo] = hashHalves(hash);
    const matches: HashMatch[] = [];
    const collect = (slot: Slot): void => {
      const distance = popcount32(slot.hi ^ hi) + popcount32(slot.lo ^ lo);
      if (distance > maxDistance) return;
      for (const id of slot.ids) matches.push({ id, hash: slot.hash, distance });
    };

    const chunkRadius = Math.floor(maxDistance / CHUNKS);
    if (probesPerChunk(chunkRadius) * CHUNKS >= this.slotsByHash.size) {
      // Very wide radii (or a small index) probe more buckets than there are hashes: scan instead.
      for (const slot of this.slotsByHash.values()) collect(slot);
    } else {
      const stamp = ++this.searches;
      for (let c = 0; c < CHUNKS; c++) {
        const table = this.tables[c];
        forEachWithinBits(chunkOf(hi, lo, c), chunkRadius, (key) => {
          const bucket = table[key];
          if (bucket === undefined) return;
          for (const slot of bucket) {
            if (slot.seenBy === stamp) continue;
            slot.seenBy = stamp;
            collect(slot);
          }
        });
      }
    }
    return matches.sort((a, b) => a.distance - b.distance || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }
}

function chunkOf(hi: number, lo: number, chunk: number): number {
  const word = chunk < 2 ? hi : lo;
  return chunk % 2 === 0 ? word >>> 16 : word & 0xffff;
}

/** Σ_{k ≤ r} C(16, k): how many chunk values lie within r bits of a given one. */
function probesPerChunk(radius: number): number {
  let total = 0;
  let binomial = 1;
  for (let k = 0; k <= Math.min(radius, CHUNK_BITS); k++) {
    total += binomial;
    binomial = (binomial * (CHUNK_BITS - k)) / (k + 1);
  }
  return total;
}

/** Calls `visit` for every 16-bit value within `radius` bit flips of `value` (including itself). */
function forEachWithinBits(value: number, radius: number, visit: (key: number) => void): void {
  const flip = (current: number, fromBit: number, remaining: number): void => {
    visit(current);
    if (remaining === 0) return;
    for (let bit = fromBit; bit < CHUNK_BITS; bit++) flip(current ^ (1 << bit), bit + 1, remaining - 1);
  };
  flip(value, 0, Math.min(radius, CHUNK_BITS));
}
