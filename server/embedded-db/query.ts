/**
 * Executes a plan: streams candidate rows from SQLite in chunks (keyset continuation, so no SQLite
 * iterator stays open between getMore calls), applies the full filter with mingo unless the plan
 * is exact, and falls back to an in-memory sort only when the plan's order does not satisfy the
 * sort. Exact plans read index rows only and fetch a document's bytes just for the rows returned,
 * so skips and counts never touch documents.
 */
import type { Document } from 'bson';
import { encodeEmptyArray, encodeValue, invert } from './key-encoding';
import { EMPTY_ARRAY, MISSING, valuesAtPath } from './paths';
import { choosePlan, normalizeSort, type KeyRange, type Plan, type PlanContext, type SortSpec } from './planner';
import { StoredRow, type CollectionInfo, type Storage } from './storage';
import { compileQuery } from './match';

export interface FindSpec {
  filter?: Document;
  sort?: Document;
  skip?: number;
  limit?: number;
  hint?: unknown;
}

const FIRST_CHUNK = 16;
const MAX_CHUNK = 1024;

export function compileFilter(filter: Document | undefined): ((doc: Document) => boolean) | undefined {
  if (!filter || Object.keys(filter).length === 0) return undefined;
  const match = compileQuery(filter);
  return (doc) => match(doc);
}

interface Position {
  k: Buffer | number;
  id: Buffer;
}

interface IndexRow {
  rid: number;
  k: Buffer | number;
  id: Buffer;
  doc?: Buffer;
}

/** SQL pieces of a plan's row source: table expression and the key, id and rid columns. */
function source(coll: CollectionInfo, plan: Plan, withDoc: boolean): { from: string; k: string; id: string; rid: string; doc: string } {
  if (plan.kind === 'ixscan') {
    const ix = plan.index!;
    return {
      from: withDoc ? `${ix.table} x JOIN ${coll.table} c ON c.rid = x.rid` : `${ix.table} x`,
      k: 'x.k', id: 'x.id', rid: 'x.rid', doc: 'c.doc',
    };
  }
  return { from: `${coll.table} c`, k: plan.kind === 'idscan' ? 'c.id' : 'c.rid', id: 'c.id', rid: 'c.rid', doc: 'c.doc' };
}

/** WHERE clause for one range of a plan: key bounds, keyset continuation, probes. */
function conditions(plan: Plan, src: { k: string; id: string }, range: KeyRange, after: Position | undefined): { where: string; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  const cmp = plan.descending ? '<' : '>';
  if (plan.kind !== 'collscan') {
    if (range.lower) { where.push(`${src.k} >= ?`); params.push(range.lower); }
    if (range.upper) { where.push(`${src.k} < ?`); params.push(range.upper); }
  }
  if (after) {
    if (plan.kind !== 'ixscan' || plan.index!.unique) { where.push(`${src.k} ${cmp} ?`); params.push(after.k); }
    else { where.push(`(${src.k}, ${src.id}) ${cmp} (?, ?)`); params.push(after.k, after.id); }
  }
  for (const p of plan.probes) {
    // A point lookup on the probe index's primary key (k, id).
    const key = p.tailFrom === 0 ? '?' : `CAST(? || substr(${src.k}, ${p.tailFrom}) AS BLOB)`;
    where.push(`EXISTS (SELECT 1 FROM ${p.table} p WHERE p.k = ${key} AND p.id = ${src.id})`);
    params.push(p.prefix);
  }
  return { where: where.length ? ` WHERE ${where.join(' AND ')}` : '', params };
}

function orderBy(plan: Plan, src: { k: string; id: string }): string {
  const dir = plan.descending ? 'DESC' : 'ASC';
  if (plan.kind === 'collscan') return `${src.k}`;
  return plan.kind === 'ixscan' && !plan.index!.unique ? `${src.k} ${dir}, ${src.id} ${dir}` : `${src.k} ${dir}`;
}

/**
 * Rows of one range in plan order, starting after `after`. `first` sizes the first chunk (the
 * rows the caller expects to need); later chunks grow geometrically.
 */
function* scanRange(storage: Storage, coll: CollectionInfo, plan: Plan, range: KeyRange, withDoc: boolean, first: number, after?: Position): Generator<IndexRow> {
  const src = source(coll, plan, withDoc);
  const cols = `${src.rid} AS rid, ${src.k} AS k, ${src.id} AS id${withDoc ? `, ${src.doc} AS doc` : ''}`;
  let chunk = Math.max(1, Math.min(first, MAX_CHUNK));
  let cursor = after;
  for (;;) {
    const { where, params } = conditions(plan, src, range, cursor);
    params.push(chunk);
    const rows = storage.all<IndexRow>(`SELECT ${cols} FROM ${src.from}${where} ORDER BY ${orderBy(plan, src)} LIMIT ?`, params);
    yield* rows;
    if (rows.length < chunk) return;
    const last = rows[rows.length - 1];
    cursor = { k: last.k, id: last.id };
    chunk = Math.min(chunk * 4, MAX_CHUNK);
  }
}

/** The position of the `n`-th row (1-based) of a range, found on the index alone. */
function positionAt(storage: Storage, coll: CollectionInfo, plan: Plan, range: KeyRange, n: number): Position | undefined {
  const src = source(coll, plan, false);
  const { where, params } = conditions(plan, src, range, undefined);
  params.push(n - 1);
  return storage.get<Position>(`SELECT ${src.k} AS k, ${src.id} AS id FROM ${src.from}${where} ORDER BY ${orderBy(plan, src)} LIMIT 1 OFFSET ?`, params);
}

/** Number of index rows (documents, for multikey indexes) matching a plan's ranges and probes. */
function countRange(storage: Storage, coll: CollectionInfo, plan: Plan, range: KeyRange, cap?: number): number {
  const src = source(coll, plan, false);
  const { where, params } = conditions(plan, src, range, undefined);
  if (cap !== undefined) {
    params.push(cap);
    return storage.get<{ n: number }>(`SELECT count(*) AS n FROM (SELECT 1 FROM ${src.from}${where} LIMIT ?)`, params)!.n;
  }
  const what = plan.dedupe ? `DISTINCT ${src.rid}` : '*';
  return storage.get<{ n: number }>(`SELECT count(${what}) AS n FROM ${src.from}${where}`, params)!.n;
}

function rangeKey(plan: Plan): string {
  return plan.ranges.map((r) => `${r.lower?.toString('hex') ?? ''}-${r.upper?.toString('hex') ?? ''}`).join(',');
}

/** Planner statistics from the index tables, cached until the collection changes. */
export function planContext(storage: Storage, coll: CollectionInfo): PlanContext {
  return {
    // Read only when the planner weighs several candidates: a lookup by _id after a write must
    // not count the whole collection.
    get total() {
      return storage.count(coll);
    },
    estimate: (plan, cap) =>
      storage.cached(coll, `est:${plan.index?.table ?? plan.kind}:${rangeKey(plan)}:${cap}`, () => {
        let n = 0;
        // Estimates ignore probes: they size the driving range.
        const bare: Plan = { ...plan, probes: [] };
        for (const r of plan.ranges) {
          n += countRange(storage, coll, bare, r, cap - n);
          if (n >= cap) break;
        }
        return n;
      }),
  };
}

/** Raw candidate rows of a plan, in plan order, with their documents. */
export function* scanPlan(storage: Storage, coll: CollectionInfo, plan: Plan, first = FIRST_CHUNK): Generator<StoredRow> {
  const seen = plan.dedupe ? new Set<number>() : undefined;
  for (const range of plan.ranges) {
    for (const row of scanRange(storage, coll, plan, range, true, first)) {
      if (seen) {
        if (seen.has(row.rid)) continue;
        seen.add(row.rid);
      }
      yield new StoredRow(row.rid, row.doc!);
    }
  }
}

/** Rows of an exact plan after `skip`, skipping on the index without reading documents. */
function* scanExact(storage: Storage, coll: CollectionInfo, plan: Plan, skip: number, want: number): Generator<StoredRow> {
  const seen = plan.dedupe ? new Set<number>() : undefined;
  for (const range of plan.ranges) {
    let after: Position | undefined;
    if (skip > 0 && !seen) {
      // One OFFSET query on the index finds where the page starts; when the range is shorter than
      // the skip, its count says how much skip is left for the next range.
      after = positionAt(storage, coll, plan, range, skip);
      if (!after) {
        skip -= countRange(storage, coll, plan, range);
        continue;
      }
      skip = 0;
    }
    for (const row of scanRange(storage, coll, plan, range, true, seen ? Math.max(FIRST_CHUNK, skip + want) : want, after)) {
      if (seen) {
        if (seen.has(row.rid)) continue;
        seen.add(row.rid);
      }
      if (skip > 0) { skip--; continue; }
      yield new StoredRow(row.rid, row.doc!);
    }
  }
}

/** Order-preserving sort key with MongoDB array semantics (min element ascending, max descending). */
export function sortKey(doc: Document, sort: SortSpec): Buffer {
  const parts: Buffer[] = [];
  for (const [path, dir] of sort) {
    const { values } = valuesAtPath(doc, path);
    let best: Buffer | undefined;
    for (const v of values) {
      const enc = v === EMPTY_ARRAY ? encodeEmptyArray() : encodeValue(v === MISSING ? null : v);
      if (!best || (dir > 0 ? Buffer.compare(enc, best) < 0 : Buffer.compare(enc, best) > 0)) best = enc;
    }
    parts.push(dir > 0 ? best! : invert(best!));
  }
  return Buffer.concat(parts);
}

export function sortRows<T extends { doc: Document }>(rows: T[], sort: SortSpec): T[] {
  if (sort.length === 0) return rows;
  const keyed = rows.map((r) => ({ r, k: sortKey(r.doc, sort) }));
  keyed.sort((a, b) => Buffer.compare(a.k, b.k));
  return keyed.map((x) => x.r);
}

export function planFor(storage: Storage, coll: CollectionInfo, spec: FindSpec): { plan: Plan; sort: SortSpec } {
  const sort = normalizeSort(spec.sort);
  const skip = Math.max(0, spec.skip ?? 0);
  const want = spec.limit && spec.limit > 0 ? skip + spec.limit : undefined;
  return { plan: choosePlan(coll, spec.filter ?? {}, sort, { hint: spec.hint, want }, planContext(storage, coll)), sort };
}

/**
 * Matching rows for a find-like request, honouring sort, skip and limit. Lazily streams when the
 * plan order satisfies the sort; otherwise matches are collected and sorted in memory.
 */
export function* findRows(storage: Storage, coll: CollectionInfo | undefined, spec: FindSpec): Generator<StoredRow> {
  const filter = spec.filter ?? {};
  // Compiled before looking at the collection: a bad filter is an error even when there is no data.
  const match = compileFilter(filter);
  if (!coll) return;
  const { plan, sort } = planFor(storage, coll, spec);
  let skip = Math.max(0, spec.skip ?? 0);
  let remaining = spec.limit && spec.limit > 0 ? spec.limit : Infinity;
  if (remaining === 0) return;
  const ordered = plan.sortCovered || sort.length === 0;
  if (ordered && plan.exact) {
    for (const row of scanExact(storage, coll, plan, skip, Math.min(remaining, MAX_CHUNK))) {
      yield row;
      if (--remaining <= 0) return;
    }
    return;
  }
  const first = ordered && remaining !== Infinity ? Math.max(FIRST_CHUNK, skip + remaining) : FIRST_CHUNK;
  const source = scanPlan(storage, coll, plan, first);
  const check = plan.exact ? undefined : match;
  if (ordered) {
    for (const row of source) {
      if (check && !check(row.doc)) continue;
      if (skip > 0) { skip--; continue; }
      yield row;
      if (--remaining <= 0) return;
    }
    return;
  }
  const matched: StoredRow[] = [];
  for (const row of source) if (!check || check(row.doc)) matched.push(row);
  const sorted = sortRows(matched, sort);
  for (let i = skip; i < sorted.length && remaining > 0; i++, remaining--) yield sorted[i];
}

/**
 * Number of documents matching a filter (after skip, up to limit). Exact plans are counted on the
 * index tables; an empty filter uses the collection's cached count.
 */
export function countMatches(storage: Storage, coll: CollectionInfo | undefined, filter: Document, skip = 0, limit = 0, hint?: unknown): number {
  compileFilter(filter);
  if (!coll) return 0;
  let total: number;
  if (Object.keys(filter).length === 0) {
    total = storage.count(coll);
  } else {
    const { plan } = planFor(storage, coll, { filter, hint });
    if (plan.exact && (!plan.dedupe || plan.ranges.length === 1)) {
      // With a limit, counting stops at skip + limit rows (the capped form counts rows, so it is
      // only used where a row is a document).
      const cap = limit > 0 && !plan.dedupe ? skip + limit : undefined;
      total = 0;
      for (const r of plan.ranges) {
        total += countRange(storage, coll, plan, r, cap === undefined ? undefined : cap - total);
        if (cap !== undefined && total >= cap) break;
      }
    } else {
      // findRows applies skip and limit itself and stops there.
      let n = 0;
      for (const _row of findRows(storage, coll, { filter, hint, skip, limit })) n++;
      return n;
    }
  }
  total = Math.max(0, total - skip);
  return limit > 0 ? Math.min(limit, total) : total;
}

export function explainPlan(storage: Storage, coll: CollectionInfo | undefined, spec: FindSpec): Plan | undefined {
  return coll ? planFor(storage, coll, spec).plan : undefined;
}
