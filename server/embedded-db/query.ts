/**
 * Executes a plan: streams candidate rows from SQLite in chunks (keyset continuation, so no SQLite
 * iterator stays open between getMore calls), applies the full filter with mingo, and falls back
 * to an in-memory sort only when the plan's order does not already satisfy the sort.
 */
import type { Document } from 'bson';
import { Query } from 'mingo';
import { encodeEmptyArray, encodeValue, invert } from './key-encoding';
import { EMPTY_ARRAY, MISSING, valuesAtPath } from './paths';
import { choosePlan, normalizeSort, type Plan, type SortSpec } from './planner';
import { decodeDocument, type CollectionInfo, type Storage, type StoredRow } from './storage';
import { MongoCommandError } from './errors';

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
  try {
    const q = new Query(filter);
    return (doc) => q.test(doc);
  } catch (err) {
    throw new MongoCommandError('BadValue', (err as Error).message);
  }
}

/** Raw candidate rows of a plan, in plan order. */
export function* scanPlan(storage: Storage, coll: CollectionInfo, plan: Plan): Generator<StoredRow> {
  const seen = plan.dedupe ? new Set<number>() : undefined;
  for (const range of plan.ranges) {
    let chunk = FIRST_CHUNK;
    let cursor: { k: Buffer; id: Buffer; rid: number } | undefined;
    for (;;) {
      const { sql, params } = buildSql(coll, plan, range.lower, range.upper, cursor, chunk);
      const rows = storage.readRows(sql, params);
      for (const row of rows) {
        if (seen) {
          if (seen.has(row.rid)) continue;
          seen.add(row.rid);
        }
        yield { rid: row.rid, doc: decodeDocument(row.doc), size: row.doc.length };
      }
      if (rows.length < chunk) break;
      const last = rows[rows.length - 1];
      cursor = { k: last.k, id: last.id, rid: last.rid };
      chunk = Math.min(chunk * 4, MAX_CHUNK);
    }
  }
}

function buildSql(
  coll: CollectionInfo,
  plan: Plan,
  lower: Buffer | undefined,
  upper: Buffer | undefined,
  after: { k: Buffer; id: Buffer; rid: number } | undefined,
  limit: number,
): { sql: string; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  const dir = plan.descending ? 'DESC' : 'ASC';
  const cmp = plan.descending ? '<' : '>';
  if (plan.kind === 'collscan') {
    if (after) { where.push(`rid > ?`); params.push(after.rid); }
    params.push(limit);
    return { sql: `SELECT rid, rid AS k, id, doc FROM ${coll.table}${where.length ? ' WHERE ' + where.join(' AND ') : ''} ORDER BY rid LIMIT ?`, params };
  }
  if (plan.kind === 'idscan') {
    if (lower) { where.push('id >= ?'); params.push(lower); }
    if (upper) { where.push('id < ?'); params.push(upper); }
    if (after) { where.push(`id ${cmp} ?`); params.push(after.id); }
    params.push(limit);
    return { sql: `SELECT rid, id AS k, id, doc FROM ${coll.table}${where.length ? ' WHERE ' + where.join(' AND ') : ''} ORDER BY id ${dir} LIMIT ?`, params };
  }
  const ix = plan.index!;
  if (lower) { where.push('x.k >= ?'); params.push(lower); }
  if (upper) { where.push('x.k < ?'); params.push(upper); }
  if (after) {
    if (ix.unique) { where.push(`x.k ${cmp} ?`); params.push(after.k); }
    else { where.push(`(x.k, x.id) ${cmp} (?, ?)`); params.push(after.k, after.id); }
  }
  params.push(limit);
  const order = ix.unique ? `x.k ${dir}` : `x.k ${dir}, x.id ${dir}`;
  return {
    sql: `SELECT c.rid AS rid, x.k AS k, x.id AS id, c.doc AS doc FROM ${ix.table} x JOIN ${coll.table} c ON c.rid = x.rid${where.length ? ' WHERE ' + where.join(' AND ') : ''} ORDER BY ${order} LIMIT ?`,
    params,
  };
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

/**
 * Matching rows for a find-like request, honouring sort, skip and limit. Lazily streams when the
 * plan order satisfies the sort; otherwise matches are collected and sorted in memory.
 */
export function* findRows(storage: Storage, coll: CollectionInfo | undefined, spec: FindSpec): Generator<StoredRow> {
  if (!coll) return;
  const filter = spec.filter ?? {};
  const sort = normalizeSort(spec.sort);
  const match = compileFilter(filter);
  const plan = choosePlan(coll, filter, sort, spec.hint);
  let skip = Math.max(0, spec.skip ?? 0);
  let remaining = spec.limit && spec.limit > 0 ? spec.limit : Infinity;
  if (remaining === 0) return;
  const source = scanPlan(storage, coll, plan);
  if (plan.sortCovered || sort.length === 0) {
    for (const row of source) {
      if (match && !match(row.doc)) continue;
      if (skip > 0) { skip--; continue; }
      yield row;
      if (--remaining <= 0) return;
    }
    return;
  }
  const matched: StoredRow[] = [];
  for (const row of source) if (!match || match(row.doc)) matched.push(row);
  const sorted = sortRows(matched, sort);
  for (let i = skip; i < sorted.length && remaining > 0; i++, remaining--) yield sorted[i];
}

export function explainPlan(coll: CollectionInfo | undefined, filter: Document, sort: Document | undefined): Plan | undefined {
  return coll ? choosePlan(coll, filter, normalizeSort(sort)) : undefined;
}
