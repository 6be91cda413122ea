// In-memory index of every held picture's hashes (the whole picture and its crop windows, see
// picture-hashes.ts), answering "which pictures have a hash within d bits of this one".
//
// The same multi-index hashing as hash-index.ts (the 64 bits cut into 4 chunks of 16 bits, one
// table per chunk, pigeonhole probing), but flat: one picture owns many hashes (1–2 whole, 52 crop
// windows), so at 100,000 pictures the index holds 5.3 million entries, kept in typed arrays rather
// than an object per hash. Whole-picture hashes and crop windows have tables of their own, so a
// turned or region query (compared with whole pictures only) skips the windows, 50 times as many.
// Removal marks a picture's entries dead; they are skipped, and dropped when the tables are rebuilt
// once more than half are dead.

import { hashHalves, popcount32 } from './phash';

export interface PictureMatch {
  id: string;
  distance: number;
  /** Which stored hash matched: -1 the whole picture, otherwise the crop window's position. */
  window: number;
}

/** Chunk widths of each table set, most significant bits first; they add up to 64. */
const WHOLE_LAYOUT = [16, 16, 16, 16];
const WINDOW_LAYOUT = [16, 16, 16, 16];

export class PictureIndex {
  private hi = new Uint32Array(1024);
  private lo = new Uint32Array(1024);
  /** Owner of each entry (index into `ids`), -1 when dead. */
  private owner = new Int32Array(1024);
  private windowOf = new Int16Array(1024);
  private count = 0;
  private dead = 0;
  /** Whole-picture hashes and crop-window hashes in separate tables: a turned query is looked for among the wholes only. */
  private buckets = { whole: new ChunkTables(WHOLE_LAYOUT), windows: new ChunkTables(WINDOW_LAYOUT) };
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
    const consider = (entry: number, distance: number): void => {
      const owner = this.owner[entry];
      if (owner < 0) return;
      const window = this.windowOf[entry];
      const previous = best.get(owner);
      if (previous && (previous.distance < distance || (previous.distance === distance && previous.window === -1))) return;
      best.set(owner, { id: this.ids[owner], distance, window });
    };
    if (this.buckets.whole.probes(maxDistance) + (scope === 'all' ? this.buckets.windows.probes(maxDistance) : 0) >= this.count) {
      for (let entry = 0; entry < this.count; entry++) {
        if (scope !== 'all' && this.windowOf[entry] >= 0) continue;
        const distance = popcount32(this.hi[entry] ^ hi) + popcount32(this.lo[entry] ^ lo);
        if (distance <= maxDistance) consider(entry, distance);
      }
    } else {
      this.buckets.whole.probe(hi, lo, maxDistance, this.hashes, consider);
      if (scope === 'all') this.buckets.windows.probe(hi, lo, maxDistance, this.hashes, consider);
    }
    return [...best.values()].sort((a, b) => a.distance - b.distance || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  private readonly hashes: EntryHashes = { hiOf: (entry) => this.hi[entry], loOf: (entry) => this.lo[entry] };

  private push(hash: string, ownerIndex: number, window: number): number {
    const [hi, lo] = hashHalves(hash);
    if (this.count === this.hi.length) this.grow();
    const entry = this.count++;
    this.hi[entry] = hi;
    this.lo[entry] = lo;
    this.owner[entry] = ownerIndex;
    this.windowOf[entry] = window;
    (window < 0 ? this.buckets.whole : this.buckets.windows).insert(hi, lo, entry);
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
    this.buckets = { whole: new ChunkTables(WHOLE_LAYOUT), windows: new ChunkTables(WINDOW_LAYOUT) };
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

/** The hash of any entry, by its number. */
interface EntryHashes {
  hiOf(entry: number): number;
  loOf(entry: number): number;
}

/**
 * One table per chunk of the 64 bits; a hash is filed under each of its chunk values. Each table is
 * kept compact: entries sorted by key in one typed array with their hashes beside them and an offset
 * per key, so a bucket is one sequential sweep (an array per bucket and a look-up of each entry's
 * hash cost a cache miss per candidate); plus a small map of the entries added since it was last
 * built, folded in at the next search once it grows past a quarter of the rest.
 */
class ChunkTables {
  private readonly shifts: number[];
  /** Per chunk: entries sorted by key with their hashes beside them, so a bucket is read in one sequential sweep. */
  private built: Array<{ offsets: Uint32Array; entries: Uint32Array; hi: Uint32Array; lo: Uint32Array }>;
  private pending: Array<Map<number, number[]>>;
  private pendingCount = 0;
  private builtCount = 0;

  constructor(private readonly layout: number[]) {
    let offset = 0;
    this.shifts = layout.map((bits) => {
      offset += bits;
      return 64 - offset;
    });
    this.built = layout.map(() => ({ offsets: new Uint32Array(0), entries: new Uint32Array(0), hi: new Uint32Array(0), lo: new Uint32Array(0) }));
    this.pending = layout.map(() => new Map());
  }

  /** Chunk `c` of the hash: `layout[c]` bits, counted from the most significant end. */
  private key(hi: number, lo: number, c: number): number {
    const bits = this.layout[c];
    const shift = this.shifts[c];
    if (shift >= 32) return (hi >>> (shift - 32)) & (2 ** bits - 1);
    if (shift + bits <= 32) return (lo >>> shift) & (2 ** bits - 1);
    // A chunk across the two words (chunks are at most 31 bits wide).
    return (((hi << (32 - shift)) | (lo >>> shift)) >>> 0) & (2 ** bits - 1);
  }

  /** Files `entry`, whose hash is hi, lo (in the pending map until the next search folds it in). */
  insert(hi: number, lo: number, entry: number): void {
    for (let c = 0; c < this.layout.length; c++) {
      const key = this.key(hi, lo, c);
      const bucket = this.pending[c].get(key);
      if (bucket) bucket.push(entry);
      else this.pending[c].set(key, [entry]);
    }
    this.pendingCount++;
  }

  /** Folds the pending entries into the compact tables (a counting sort by key). */
  private rebuild(hashes: EntryHashes): void {
    for (let c = 0; c < this.layout.length; c++) {
      const size = 2 ** this.layout[c];
      const old = this.built[c];
      const all = new Uint32Array(old.entries.length + this.pendingCount);
      all.set(old.entries);
      let n = old.entries.length;
      for (const bucket of this.pending[c].values()) for (const entry of bucket) all[n++] = entry;
      const keys = new Uint32Array(all.length);
      const offsets = new Uint32Array(size + 1);
      for (let i = 0; i < all.length; i++) {
        keys[i] = this.key(hashes.hiOf(all[i]), hashes.loOf(all[i]), c);
        offsets[keys[i] + 1]++;
      }
      for (let k = 0; k < size; k++) offsets[k + 1] += offsets[k];
      const cursor = offsets.slice(0, size);
      const entries = new Uint32Array(all.length);
      const his = new Uint32Array(all.length);
      const los = new Uint32Array(all.length);
      for (let i = 0; i < all.length; i++) {
        const at = cursor[keys[i]]++;
        entries[at] = all[i];
        his[at] = hashes.hiOf(all[i]);
        los[at] = hashes.loOf(all[i]);
      }
      this.built[c] = { offsets, entries, hi: his, lo: los };
      this.pending[c] = new Map();
    }
    this.builtCount += this.pendingCount;
    this.pendingCount = 0;
  }

  /** How many keys a search of radius `maxDistance` probes. */
  probes(maxDistance: number): number {
    const radius = Math.floor(maxDistance / this.layout.length);
    return this.layout.reduce((sum, bits) => sum + masksWithin(bits, radius).length, 0);
  }

  /**
   * Every entry within `maxDistance` bits of the query, with its distance (an entry may be reported
   * once per chunk it shares): the pigeonhole bound finds each on some chunk within ⌊d / chunks⌋ bits.
   */
  probe(hi: number, lo: number, maxDistance: number, hashes: EntryHashes, visit: (entry: number, distance: number) => void): void {
    // Folded in at the first search after they pile up, not on insert: the start-up scan adds
    // every record before anyone searches, and pays for one sort instead of one per growth step.
    if (this.pendingCount > Math.max(4096, this.builtCount / 4)) this.rebuild(hashes);
    const radius = Math.floor(maxDistance / this.layout.length);
    for (let c = 0; c < this.layout.length; c++) {
      const built = this.built[c];
      const { offsets, entries } = built;
      const his = built.hi;
      const los = built.lo;
      const pending = this.pending[c];
      const key = this.key(hi, lo, c);
      for (const mask of masksWithin(this.layout[c], radius)) {
        const probe = key ^ mask;
        if (offsets.length > 0) {
          for (let i = offsets[probe], end = offsets[probe + 1]; i < end; i++) {
            const distance = popcount32(his[i] ^ hi) + popcount32(los[i] ^ lo);
            if (distance <= maxDistance) visit(entries[i], distance);
          }
        }
        if (pending.size > 0) {
          const bucket = pending.get(probe);
          if (bucket) {
            for (const entry of bucket) {
              const distance = popcount32(hashes.hiOf(entry) ^ hi) + popcount32(hashes.loOf(entry) ^ lo);
              if (distance <= maxDistance) visit(entry, distance);
            }
          }
        }
      }
    }
  }
}

/** Every value of `bits` bits with at most `radius` bits set: XORed with a chunk, the keys to probe. */
function masksOf(bits: number, radius: number): number[] {
  const out: number[] = [0];
  const extend = (value: number, from: number, left: number): void => {
    if (left === 0) return;
    for (let bit = from; bit < bits; bit++) {
      out.push(value | (1 << bit));
      extend(value | (1 << bit), bit + 1, left - 1);
    }
  };
  extend(0, 0, radius);
  return out;
}

/** The masks of the layouts above for radii 0–4 (distances up to 19 on 4 chunks, 14 on 3), made once as constants. */
const MASKS: ReadonlyMap<string, number[]> = new Map(
  [...new Set([...WHOLE_LAYOUT, ...WINDOW_LAYOUT])].flatMap((bits) => [0, 1, 2, 3, 4].map((radius) => [`${bits}/${radius}`, masksOf(bits, radius)] as const)),
);

function masksWithin(bits: number, radius: number): number[] {
  return MASKS.get(`${bits}/${radius}`) ?? masksOf(bits, radius);
}
