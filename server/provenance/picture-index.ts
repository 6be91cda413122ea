// In-memory index of every held picture's hashes (the whole picture and its crop windows, see
// picture-hashes.ts), answering "which pictures have a hash within d bits of this one".
//
// The same multi-index hashing as hash-index.ts (4 tables keyed by 16-bit chunks, pigeonhole probing),
// but flat: one picture owns many hashes (1 + 25 crop windows), so at 100,000 pictures the index
// holds 2.6 million entries, kept in typed arrays and integer buckets rather than an object per
// hash. Removal marks a picture's entries dead; they are skipped, and dropped when the tables are
// rebuilt once more than half of the entries are dead.

import { hashHalves, popcount32 } from './phash';

export interface PictureMatch {
  id: string;
  distance: number;
  /** Which stored hash matched: -1 the whole picture, otherwise the crop window's position. */
  window: number;
}

const CHUNKS = 4;
const CHUNK_BITS = 16;
const CHUNK_VALUES = 1 << CHUNK_BITS;

export class PictureIndex {
  private hi = new Uint32Array(1024);
  private lo = new Uint32Array(1024);
  /** Owner of each entry (index into `ids`), -1 when dead. */
  private owner = new Int32Array(1024);
  private windowOf = new Int16Array(1024);
  private count = 0;
  private dead = 0;
  /** Whole-picture hashes and crop-window hashes in separate tables: a turned query is looked for among the wholes only. */
  private buckets = { whole: newTables(), windows: newTables() };
  private readonly ids: string[] = [];
  private readonly ownerOf = new Map<string, number>();
  private readonly entriesOf = new Map<number, number[]>();

  /** Number of pictures held. */
  get size(): number {
    return this.entriesOf.size;
  }

  /** Number of live hashes held. */
  get entries(): number {
    return this.count - this.dead;
  }

  /** Adds or replaces the hashes of picture `id`: its whole-picture hashes and its crop windows. */
  add(id: string, whole: string | readonly string[], windows: readonly string[] = []): void {
    this.remove(id);
    let ownerIndex = this.ownerOf.get(id);
    if (ownerIndex === undefined) {
      ownerIndex = this.ids.length;
      this.ids.push(id);
      this.ownerOf.set(id, ownerIndex);
    }
    const entries: number[] = [];
    for (const hash of typeof whole === 'string' ? [whole] : whole) entries.push(this.push(hash, ownerIndex, -1));
    windows.forEach((hash, position) => entries.push(this.push(hash, ownerIndex, position)));
    this.entriesOf.set(ownerIndex, entries);
  }

  /** Forgets picture `id`; unknown ids are ignored. */
  remove(id: string): void {
    const ownerIndex = this.ownerOf.get(id);
    if (ownerIndex === undefined) return;
    const entries = this.entriesOf.get(ownerIndex);
    if (!entries) return;
    for (const entry of entries) this.owner[entry] = -1;
    this.dead += entries.length;
    this.entriesOf.delete(ownerIndex);
    if (this.dead > 1024 && this.dead * 2 > this.count) this.compact();
  }

  has(id: string): boolean {
    const ownerIndex = this.ownerOf.get(id);
    return ownerIndex !== undefined && this.entriesOf.has(ownerIndex);
  }

  /**
   * Every picture with a hash within `maxDistance` bits of `hash`, each once with its nearest
   * hash (the whole picture preferred on a tie), nearest first.
   */
  search(hash: string, scope: 'whole' | 'all', maxDistance: number): PictureMatch[] {
    if (!Number.isInteger(maxDistance) || maxDistance < 0) throw new RangeError(`maxDistance must be a non-negative integer, got ${maxDistance}`);
    const [hi, lo] = hashHalves(hash);
    const best = new Map<number, PictureMatch>();
    const consider = (entry: number): void => {
      const owner = this.owner[entry];
      if (owner < 0) return;
      const distance = popcount32(this.hi[entry] ^ hi) + popcount32(this.lo[entry] ^ lo);
      if (distance > maxDistance) return;
      const window = this.windowOf[entry];
      const previous = best.get(owner);
      if (previous && (previous.distance < distance || (previous.distance === distance && previous.window === -1))) return;
      best.set(owner, { id: this.ids[owner], distance, window });
    };
    const chunkRadius = Math.floor(maxDistance / CHUNKS);
    if (probesPerChunk(chunkRadius) * CHUNKS >= this.count) {
      for (let entry = 0; entry < this.count; entry++) if (scope === 'all' || this.windowOf[entry] < 0) consider(entry);
    } else {
      for (const tables of scope === 'all' ? [this.buckets.whole, this.buckets.windows] : [this.buckets.whole]) {
        for (let c = 0; c < CHUNKS; c++) {
          const table = tables[c];
          for (const mask of masksWithin(chunkRadius)) {
            const bucket = table[chunkOf(hi, lo, c) ^ mask];
            if (bucket) for (const entry of bucket) consider(entry);
          }
        }
      }
    }
    return [...best.values()].sort((a, b) => a.distance - b.distance || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  private push(hash: string, ownerIndex: number, window: number): number {
    const [hi, lo] = hashHalves(hash);
    if (this.count === this.hi.length) this.grow();
    const entry = this.count++;
    this.hi[entry] = hi;
    this.lo[entry] = lo;
    this.owner[entry] = ownerIndex;
    this.windowOf[entry] = window;
    const tables = window < 0 ? this.buckets.whole : this.buckets.windows;
    for (let c = 0; c < CHUNKS; c++) (tables[c][chunkOf(hi, lo, c)] ??= []).push(entry);
    return entry;
  }

  private grow(): void {
    const size = this.hi.length * 2;
    const copy = <T extends Uint32Array | Int32Array | Int16Array>(from: T, to: T): T => (to.set(from), to);
    this.hi = copy(this.hi, new Uint32Array(size));
    this.lo = copy(this.lo, new Uint32Array(size));
    this.owner = copy(this.owner, new Int32Array(size));
    this.windowOf = copy(this.windowOf, new Int16Array(size));
  }

  /** Rebuilds the arrays and buckets without the dead entries. */
  private compact(): void {
    const live = [...this.entriesOf.entries()].map(([ownerIndex, entries]) => ({
      ownerIndex,
      hashes: entries.map((e) => ({ hi: this.hi[e], lo: this.lo[e], window: this.windowOf[e] })),
    }));
    this.count = 0;
    this.dead = 0;
    this.buckets = { whole: newTables(), windows: newTables() };
    for (const { ownerIndex, hashes } of live) {
      this.entriesOf.set(
        ownerIndex,
        hashes.map((h) => this.push(toHex(h.hi, h.lo), ownerIndex, h.window)),
      );
    }
  }
}

function toHex(hi: number, lo: number): string {
  return (hi >>> 0).toString(16).padStart(8, '0') + (lo >>> 0).toString(16).padStart(8, '0');
}

function chunkOf(hi: number, lo: number, chunk: number): number {
  switch (chunk) {
    case 0:
      return hi >>> 16;
    case 1:
      return hi & 0xffff;
    case 2:
      return lo >>> 16;
    default:
      return lo & 0xffff;
  }
}

function probesPerChunk(radius: number): number {
  let total = 0;
  let term = 1;
  for (let k = 0; k <= radius; k++) {
    total += term;
    term = (term * (CHUNK_BITS - k)) / (k + 1);
  }
  return total;
}

/** For chunk radii 0–4 (distances up to 19), every 16-bit value with at most that many bits set: XORed with a chunk, the keys to probe. */
const MASKS_WITHIN: number[][] = [0, 1, 2, 3, 4].map((radius) => {
  const masks: number[] = [];
  for (let value = 0; value < CHUNK_VALUES; value++) if (popcount32(value) <= radius) masks.push(value);
  return masks;
});

function masksWithin(radius: number): number[] {
  if (radius < MASKS_WITHIN.length) return MASKS_WITHIN[radius];
  const masks: number[] = [];
  for (let value = 0; value < CHUNK_VALUES; value++) if (popcount32(value) <= radius) masks.push(value);
  return masks;
}

function newTables(): Array<Array<number[] | undefined>> {
  return Array.from({ length: CHUNKS }, () => new Array<number[] | undefined>(CHUNK_VALUES));
}
