/**
 * Chooses how to read a collection for a filter + sort: the _id key, a secondary index (equality
 * prefix, optional range on the next field, and/or an order that satisfies the sort), or a full
 * scan. A plan produces *candidates*; unless the plan is `exact`, the caller re-checks the whole
 * filter with mingo, so an inexact plan may over-approximate but must never miss a document.
 *
 * Equalities the driving index cannot take become *probes*: an EXISTS lookup of the document's
 * key in another index (a point lookup on that index's primary key), so `{platform, status}` with
 * an index on each is filtered inside SQLite, in the driving index's order, without decoding a
 * document. When every condition of the filter is answered by the driving ranges and the probes
 * with values whose index encoding is exact (strings, booleans, ObjectIds, dates), the plan is
 * exact: counts become `SELECT count(*)` on the index and skips an OFFSET over index rows.
 */
import { ObjectId, type Document } from 'bson';
import { encodeValue, invert, numericValue, prefixEnd, typeBracket } from './key-encoding';
import { isDocument } from './paths';
import type { CollectionInfo, IndexField, IndexInfo } from './storage';

export interface KeyRange {
  /** inclusive */
  lower?: Buffer;
  /** exclusive */
  upper?: Buffer;
}

/** An equality checked by looking the row up in another index. */
export interface Probe {
  table: string;
  /** The probe index's key for its equality fields. */
  prefix: Buffer;
  /**
   * 0: the probe key is `prefix` alone. Otherwise the probe index continues with the same fields
   * (and relative directions) as the driving key after its equality prefix, so the probe key is
   * `prefix` followed by the driving key from this 1-based byte offset.
   */
  tailFrom: number;
}

export interface Plan {
  kind: 'collscan' | 'idscan' | 'ixscan';
  index?: IndexInfo;
  indexName: string;
  /** Union of disjoint key ranges, visited in order; one unbounded range for a full index walk. */
  ranges: KeyRange[];
  descending: boolean;
  /** The scan order already satisfies the requested sort. */
  sortCovered: boolean;
  /** Multikey scans may return a document more than once. */
  dedupe: boolean;
  probes: Probe[];
  /** Ranges and probes decide the whole filter: rows need no document check. */
  exact: boolean;
}

export type SortSpec = Array<[string, 1 | -1]>;

interface Range {
  lower?: unknown;
  lowerStrict?: boolean;
  upper?: unknown;
  upperStrict?: boolean;
}

interface Predicate {
  /** Any one of these values ($eq, literal, $in): usable as an index equality. */
  eq?: unknown[];
  /** Every one of these values ($all of scalars). */
  all?: unknown[];
  range?: Range;
  /** Every condition on the path is expressed above, with values whose key encoding is exact. */
  exact: boolean;
}

interface Extracted {
  preds: Map<string, Predicate>;
  /** False when the filter has conditions the predicates do not express ($or, $expr, ...). */
  exact: boolean;
}

/** A membership condition: the path holds (one of) `values`. */
interface Atom {
  path: string;
  values: unknown[];
  covered: boolean;
}

const MAX_RANGES = 500;

export function normalizeSort(sort: unknown): SortSpec {
  if (!isDocument(sort)) return [];
  const out: SortSpec = [];
  for (const [field, dir] of Object.entries(sort)) {
    if (isDocument(dir)) continue; // {$meta: ...}: not supported, mingo/sort step will ignore
    const n = numericValue(dir);
    out.push([field, n !== undefined && n < 0 ? -1 : 1]);
  }
  return out;
}

function isIndexableScalar(v: unknown): boolean {
  if (v === null) return true;
  if (numericValue(v) !== undefined) return !Number.isNaN(numericValue(v));
  return typeof v === 'string' || typeof v === 'boolean' || v instanceof Date || v instanceof ObjectId;
}

/**
 * Values whose index key matches exactly the documents MongoDB's equality would match: strings,
 * booleans, ObjectIds, valid dates and numbers other than NaN (numbers are keyed by exact value,
 * equal across numeric types). Not null (it also matches missing fields and is subtle through
 * arrays).
 */
function isExactValue(v: unknown): boolean {
  if (numericValue(v) !== undefined) return !Number.isNaN(numericValue(v));
  return typeof v === 'string' || typeof v === 'boolean' || v instanceof ObjectId || (v instanceof Date && !Number.isNaN(v.getTime()));
}

/** Range bounds are exact for strings and dates (one type bracket, no numeric rounding). */
function isExactRangeValue(v: unknown): boolean {
  return typeof v === 'string' || (v instanceof Date && !Number.isNaN(v.getTime()));
}

function exactPath(path: string): boolean {
  // 'a.0' matches both an array position and a field named "0"; keys only know one of them.
  return !path.split('.').some((p) => p === '' || /^\d+$/.test(p));
}

/** Per-path predicates from the top level of a filter (and of a top-level $and). */
export function extractPredicates(filter: Document): Extracted {
  const preds = new Map<string, Predicate>();
  let exact = true;
  const visit = (f: Document): void => {
    for (const [key, value] of Object.entries(f)) {
      if (key === '$and' && Array.isArray(value)) {
        for (const sub of value) {
          if (isDocument(sub)) visit(sub);
          else exact = false;
        }
        continue;
      }
      if (key.startsWith('$')) {
        exact = false;
        continue;
      }
      const seen = preds.has(key);
      const pred = preds.get(key) ?? { exact: true };
      // Two conditions on one path are merged loosely for planning; mingo checks the rest.
      if (seen) pred.exact = false;
      if (!exactPath(key)) pred.exact = false;
      if (isDocument(value) && Object.keys(value).some((k) => k.startsWith('$'))) {
        for (const [op, arg] of Object.entries(value)) {
          if (op === '$eq' && isIndexableScalar(arg)) {
            pred.eq = [arg];
            if (!isExactValue(arg)) pred.exact = false;
          } else if (op === '$in' && Array.isArray(arg) && arg.length > 0 && arg.every(isIndexableScalar)) {
            if (!pred.eq) pred.eq = arg;
            else pred.exact = false;
            if (!arg.every(isExactValue)) pred.exact = false;
          } else if (op === '$all' && Array.isArray(arg) && arg.length > 0 && arg.every((v) => isIndexableScalar(v) && v !== null)) {
            pred.all = arg;
            if (!arg.every(isExactValue)) pred.exact = false;
          } else if ((op === '$gt' || op === '$gte') && isIndexableScalar(arg) && arg !== null) {
            pred.range = { ...pred.range, lower: arg, lowerStrict: op === '$gt' };
            if (!isExactRangeValue(arg)) pred.exact = false;
          } else if ((op === '$lt' || op === '$lte') && isIndexableScalar(arg) && arg !== null) {
            pred.range = { ...pred.range, upper: arg, upperStrict: op === '$lt' };
            if (!isExactRangeValue(arg)) pred.exact = false;
          } else {
            pred.exact = false;
          }
        }
      } else if (isIndexableScalar(value)) {
        pred.eq = [value];
        if (!isExactValue(value)) pred.exact = false;
      } else {
        pred.exact = false;
      }
      if (pred.eq && pred.range) pred.exact = false;
      if (pred.eq || pred.range || pred.all) preds.set(key, pred);
      else exact = false;
    }
  };
  visit(filter);
  return { preds, exact };
}

/**
 * Key bounds for a range on the field after `prefix`. Exact: $gt skips every key that starts with
 * the bound's encoding (encodings are prefix-free), $lte includes them, $lt stops before them.
 */
function rangeFor(prefix: Buffer, r: Range): KeyRange | undefined {
  const lowEnc = r.lower !== undefined ? encodeValue(r.lower) : undefined;
  const highEnc = r.upper !== undefined ? encodeValue(r.upper) : undefined;
  if (lowEnc && highEnc && lowEnc[0] !== highEnc[0]) return undefined; // different types: let mingo decide
  const bracket = typeBracket(r.lower !== undefined ? r.lower : r.upper);
  const lower = lowEnc
    ? (r.lowerStrict ? prefixEnd(Buffer.concat([prefix, lowEnc])) : Buffer.concat([prefix, lowEnc]))
    : Buffer.concat([prefix, bracket.start]);
  const upper = highEnc
    ? (r.upperStrict ? Buffer.concat([prefix, highEnc]) : prefixEnd(Buffer.concat([prefix, highEnc])))
    : Buffer.concat([prefix, bracket.end]);
  return { lower, upper };
}

interface Candidate {
  plan: Plan;
  score: number;
  eqCount: number;
  usedRange: boolean;
  bounded: boolean;
}

function atomsOf(preds: Map<string, Predicate>): Atom[] {
  const atoms: Atom[] = [];
  for (const [path, p] of preds) {
    if (p.eq) atoms.push({ path, values: p.eq, covered: false });
    for (const v of p.all ?? []) atoms.push({ path, values: [v], covered: false });
  }
  return atoms;
}

function planForIndex(fields: IndexField[], index: IndexInfo | undefined, preds: Map<string, Predicate>, sort: SortSpec): Candidate {
  const multikey = index?.multikey ?? false;
  const dir0 = fields[0].dir;
  let prefixes: Buffer[] = [Buffer.alloc(0)];
  let eqCount = 0;
  for (const f of fields) {
    const p = preds.get(f.path);
    const values = p?.eq ?? (p?.all ? [p.all[0]] : undefined);
    if (!values) break;
    // One key per distinct value: `$in: ['a', 'a']` (or 1 and 1.0, which encode alike) must not
    // visit the same range twice and return its documents twice.
    const distinct = new Map<string, Buffer>();
    for (const v of values) {
      const enc = encodeValue(v);
      distinct.set(enc.toString('hex'), f.dir === dir0 ? enc : invert(enc));
    }
    const next: Buffer[] = [];
    for (const prefix of prefixes) {
      for (const key of distinct.values()) next.push(Buffer.concat([prefix, key]));
    }
    if (next.length > MAX_RANGES) break;
    prefixes = next;
    eqCount++;
  }
  let ranges: KeyRange[] = prefixes.map((p) => (p.length ? { lower: p, upper: prefixEnd(p) } : {}));
  let usedRange = false;
  const rangeField = fields[eqCount];
  const rp = rangeField ? preds.get(rangeField.path) : undefined;
  if (rp?.range && !multikey && rangeField.dir === dir0 && prefixes.length === 1) {
    const r = rangeFor(prefixes[0], rp.range);
    if (r) {
      ranges = [r];
      usedRange = true;
    }
  }
  // Sort coverage: after the equality prefix the sort must walk the remaining index fields in
  // index order (or exactly reversed), optionally ending with _id as a tie-breaker.
  let sortCovered = sort.length === 0;
  let descending = false;
  if (sort.length > 0 && !multikey && prefixes.length === 1) {
    const rest = fields.slice(eqCount);
    const eqFields = new Set(fields.slice(0, eqCount).map((f) => f.path));
    const effective = sort.filter(([p]) => !eqFields.has(p));
    if (effective.length === 0) {
      sortCovered = true;
    } else {
      const first = effective[0];
      const fi = rest.findIndex((f) => f.path === first[0]);
      if (fi === 0) {
        const flip = first[1] !== rest[0].dir;
        let ok = true;
        let i = 0;
        for (; i < effective.length && i < rest.length; i++) {
          const [p, d] = effective[i];
          if (p !== rest[i].path || (flip ? -d : d) !== rest[i].dir) { ok = false; break; }
        }
        // k is ascending in the first index field, so a scan direction is relative to dir0.
        const scanDesc = (flip ? -dir0 : dir0) < 0;
        if (ok && i < effective.length) {
          const tail = effective.slice(i);
          const isIdTail = tail.length === 1 && tail[0][0] === '_id' && index !== undefined && i === rest.length;
          ok = isIdTail && (index.unique || (tail[0][1] < 0) === scanDesc);
        }
        if (ok) {
          sortCovered = true;
          descending = scanDesc;
        }
      }
    }
  }
  let score = eqCount * 4 + (usedRange ? 2 : 0) + (sortCovered && sort.length > 0 ? 1 : 0);
  if (index === undefined || (index.unique && eqCount === fields.length)) score += 3;
  if (ranges.length > 1 && sort.length > 0) sortCovered = false;
  return {
    score,
    eqCount,
    usedRange,
    bounded: eqCount > 0 || usedRange,
    plan: {
      kind: index ? 'ixscan' : 'idscan',
      index,
      indexName: index ? index.name : '_id_',
      ranges,
      descending,
      sortCovered,
      // A multikey index holds one key per distinct combination of values, so a single range that
      // fixes every field returns each document once.
      dedupe: multikey && !(eqCount === fields.length && prefixes.length === 1),
      probes: [],
      exact: false,
    },
  };
}

/** Marks what the driving plan answers, adds probes for the rest, and decides exactness. */
function completePlan(c: Candidate, extracted: Extracted, indexes: IndexInfo[]): void {
  const { plan } = c;
  const preds = extracted.preds;
  const atoms = atomsOf(preds);
  const fields = plan.index?.fields ?? (plan.kind === 'idscan' ? [{ path: '_id', dir: 1 as const }] : []);
  // Atoms taken by the equality prefix (the first atom of each prefix field, as planForIndex did).
  for (const f of fields.slice(0, c.eqCount)) {
    const atom = atoms.find((a) => a.path === f.path);
    if (atom) atom.covered = true;
  }
  const rangePath = c.usedRange ? fields[c.eqCount].path : undefined;
  // The driving key is a fixed-length equality prefix followed by these fields (for tail probes).
  const tail = plan.kind === 'ixscan' && plan.ranges.length === 1 && !c.usedRange ? fields.slice(c.eqCount) : undefined;
  const tailFrom = tail ? (plan.ranges[0].lower?.length ?? 0) + 1 : 0;
  const dir0 = fields[0]?.dir ?? 1;
  for (const atom of atoms) {
    if (atom.covered || atom.values.length !== 1) continue;
    for (const ix of indexes) {
      // The driving index itself qualifies too: `$all: [a, b]` drives by a and probes b.
      if (ix.sparse || ix.partial || ix.fields[0].path !== atom.path) continue;
      const parts: Buffer[] = [];
      const used: Atom[] = [];
      for (let j = 0; j < ix.fields.length; j++) {
        const f = ix.fields[j];
        const a = j === 0 ? atom : atoms.find((x) => x.path === f.path && x.values.length === 1);
        if (!a) break;
        const enc = encodeValue(a.values[0]);
        parts.push(f.dir === ix.fields[0].dir ? enc : invert(enc));
        used.push(a);
      }
      let probe: Probe | undefined;
      for (let j = parts.length; j >= 1 && !probe; j--) {
        const rest = ix.fields.slice(j);
        if (rest.length === 0) probe = { table: ix.table, prefix: Buffer.concat(parts.slice(0, j)), tailFrom: 0 };
        else if (tail && rest.length === tail.length && rest.every((f, t) => f.path === tail[t].path && (f.dir === ix.fields[0].dir) === (tail[t].dir === dir0))) {
          probe = { table: ix.table, prefix: Buffer.concat(parts.slice(0, j)), tailFrom };
        }
        if (probe) for (const a of used.slice(0, j)) a.covered = true;
      }
      if (probe) {
        plan.probes.push(probe);
        break;
      }
    }
  }
  let exact = extracted.exact && atoms.every((a) => a.covered);
  for (const [path, p] of preds) {
    if (!p.exact) exact = false;
    if (p.range && path !== rangePath) exact = false;
  }
  plan.exact = exact;
}

export interface PlanContext {
  /** Documents in the collection. */
  total: number;
  /** Index rows in the plan's ranges, counted up to `cap` (cached by the caller). */
  estimate(plan: Plan, cap: number): number;
}

const ESTIMATE_CAP = 20_000;

export interface PlanOptions {
  hint?: unknown;
  /** Rows the caller wants (skip + limit); undefined = all of them (count, update, distinct). */
  want?: number;
}

export function choosePlan(coll: CollectionInfo | undefined, filter: Document, sort: SortSpec, options: PlanOptions = {}, ctx?: PlanContext): Plan {
  const extracted = extractPredicates(filter);
  const collscan: Plan = {
    kind: 'collscan', indexName: '', ranges: [{}], descending: false, sortCovered: sort.length === 0, dedupe: false, probes: [], exact: false,
  };
  if (!coll) return collscan;
  // Sparse and partial indexes do not hold every document, so they cannot answer arbitrary queries.
  const usable = coll.indexes.filter((ix) => !ix.sparse && !ix.partial);
  const useful = (c: Candidate) => c.bounded || (c.plan.sortCovered && sort.length > 0);
  const candidates: Candidate[] = [];
  const idCandidate = planForIndex([{ path: '_id', dir: 1 }], undefined, extracted.preds, sort);
  if (useful(idCandidate)) candidates.push(idCandidate);
  for (const index of usable) {
    const c = planForIndex(index.fields, index, extracted.preds, sort);
    if (useful(c)) candidates.push(c);
  }
  candidates.push({ plan: collscan, score: 0, eqCount: 0, usedRange: false, bounded: false });
  for (const c of candidates) completePlan(c, extracted, usable);
  if (typeof options.hint === 'string' || isDocument(options.hint)) {
    const hint = options.hint;
    const hinted = candidates.find((c) => (typeof hint === 'string' ? c.plan.indexName === hint : JSON.stringify(c.plan.index?.spec.key ?? { _id: 1 }) === JSON.stringify(hint)));
    if (hinted) return hinted.plan;
  }
  if (!ctx || candidates.length === 1) {
    candidates.sort((a, b) => b.score - a.score);
    return candidates[0].plan;
  }
  // Cost in "probe units": an index row checked inside SQLite costs ~1, a document decoded and
  // matched with mingo ~10. Bounded ranges are counted (capped, cached); their smallest count
  // bounds the number of matches, which says how far a sort-ordered walk goes to fill the page.
  const N = Math.max(1, ctx.total);
  const rowsOf = new Map<Candidate, number>();
  let matches = N;
  for (const c of candidates) {
    const rows = c.bounded ? ctx.estimate(c.plan, ESTIMATE_CAP) : N;
    rowsOf.set(c, rows);
    if (c.bounded && c.eqCount > 0 && c.plan.ranges.length === 1) matches = Math.min(matches, rows);
  }
  const want = options.want;
  const cost = (c: Candidate): number => {
    const rows = rowsOf.get(c)!;
    const perRow = c.plan.exact ? 1 + 0.5 * c.plan.probes.length : 10;
    if (sort.length > 0 && !c.plan.sortCovered) return rows * perRow + Math.min(rows, matches) * 12;
    const scanned = want === undefined ? rows : Math.min(rows, (want * rows) / Math.max(1, Math.min(matches, rows)));
    return scanned * perRow;
  };
  candidates.sort((a, b) => cost(a) - cost(b) || b.score - a.score);
  return candidates[0].plan;
}
