/**
 * Chooses how to read a collection for a filter + sort: the _id key, a secondary index (equality
 * prefix, optional range on the next field, and/or an order that satisfies the sort), or a full
 * scan. The plan only produces *candidates*; the caller always re-checks the whole filter with
 * mingo, so a plan may over-approximate but must never miss a matching document.
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
}

export type SortSpec = Array<[string, 1 | -1]>;

interface Predicate {
  eq?: unknown[];
  range?: { lower?: unknown; upper?: unknown };
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

/** Per-path predicates from the top level of a filter (and of a top-level $and). */
export function extractPredicates(filter: Document): Map<string, Predicate> {
  const preds = new Map<string, Predicate>();
  const visit = (f: Document): void => {
    for (const [key, value] of Object.entries(f)) {
      if (key === '$and' && Array.isArray(value)) {
        for (const sub of value) if (isDocument(sub)) visit(sub);
        continue;
      }
      if (key.startsWith('$')) continue;
      const pred = preds.get(key) ?? {};
      if (isDocument(value) && Object.keys(value).some((k) => k.startsWith('$'))) {
        for (const [op, arg] of Object.entries(value)) {
          if (op === '$eq' && isIndexableScalar(arg)) pred.eq = [arg];
          else if (op === '$in' && Array.isArray(arg) && arg.length > 0 && arg.every(isIndexableScalar)) {
            if (!pred.eq) pred.eq = arg;
          } else if ((op === '$gt' || op === '$gte') && isIndexableScalar(arg) && arg !== null) {
            pred.range = { ...pred.range, lower: arg };
          } else if ((op === '$lt' || op === '$lte') && isIndexableScalar(arg) && arg !== null) {
            pred.range = { ...pred.range, upper: arg };
          }
        }
      } else if (isIndexableScalar(value)) {
        pred.eq = [value];
      }
      if (pred.eq || pred.range) preds.set(key, pred);
    }
  };
  visit(filter);
  return preds;
}

function rangeFor(r: { lower?: unknown; upper?: unknown }): KeyRange | undefined {
  const lowEnc = r.lower !== undefined ? encodeValue(r.lower) : undefined;
  const highEnc = r.upper !== undefined ? encodeValue(r.upper) : undefined;
  if (lowEnc && highEnc && lowEnc[0] !== highEnc[0]) return undefined; // different types: let mingo decide
  const bracket = typeBracket(r.lower !== undefined ? r.lower : r.upper);
  // Bounds are inclusive even for $gt/$lt: the residual mingo filter removes the boundary itself.
  return { lower: lowEnc ?? bracket.start, upper: highEnc ? prefixEnd(highEnc) : bracket.end };
}

interface Candidate {
  plan: Plan;
  score: number;
}

function planForIndex(fields: IndexField[], index: IndexInfo | undefined, preds: Map<string, Predicate>, sort: SortSpec): Candidate | undefined {
  const multikey = index?.multikey ?? false;
  const dir0 = fields[0].dir;
  let prefixes: Buffer[] = [Buffer.alloc(0)];
  let eqCount = 0;
  for (const f of fields) {
    const p = preds.get(f.path);
    if (!p?.eq) break;
    const next: Buffer[] = [];
    for (const prefix of prefixes) {
      for (const v of p.eq) {
        const enc = encodeValue(v);
        next.push(Buffer.concat([prefix, f.dir === dir0 ? enc : invert(enc)]));
      }
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
    const r = rangeFor(rp.range);
    if (r) {
      const prefix = prefixes[0];
      ranges = [{
        lower: Buffer.concat([prefix, r.lower ?? Buffer.alloc(0)]),
        upper: r.upper ? Buffer.concat([prefix, r.upper]) : prefix.length ? prefixEnd(prefix) : undefined,
      }];
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
  if (eqCount === 0 && !usedRange && !(sortCovered && sort.length > 0)) return undefined;
  let score = eqCount * 4 + (usedRange ? 2 : 0) + (sortCovered && sort.length > 0 ? 1 : 0);
  if (index === undefined || (index.unique && eqCount === fields.length)) score += 3;
  if (ranges.length > 1 && sort.length > 0) sortCovered = false;
  return {
    score,
    plan: {
      kind: index ? 'ixscan' : 'idscan',
      index,
      indexName: index ? index.name : '_id_',
      ranges,
      descending,
      sortCovered,
      dedupe: multikey,
    },
  };
}

export function choosePlan(coll: CollectionInfo | undefined, filter: Document, sort: SortSpec, hint?: unknown): Plan {
  const collscan: Plan = { kind: 'collscan', indexName: '', ranges: [{}], descending: false, sortCovered: sort.length === 0, dedupe: false };
  if (!coll) return collscan;
  const preds = extractPredicates(filter);
  const candidates: Candidate[] = [];
  const idCandidate = planForIndex([{ path: '_id', dir: 1 }], undefined, preds, sort);
  if (idCandidate) candidates.push(idCandidate);
  for (const index of coll.indexes) {
    // Sparse and partial indexes do not hold every document, so they cannot answer arbitrary queries.
    if (index.sparse || index.partial) continue;
    const c = planForIndex(index.fields, index, preds, sort);
    if (c) candidates.push(c);
  }
  if (typeof hint === 'string' || isDocument(hint)) {
    const hinted = candidates.find((c) => (typeof hint === 'string' ? c.plan.indexName === hint : JSON.stringify(c.plan.index?.spec.key ?? { _id: 1 }) === JSON.stringify(hint)));
    if (hinted) return hinted.plan;
  }
  candidates.sort((a, b) => b.score - a.score);
  return candidates[0]?.plan ?? collscan;
}
