/**
 * find projections on documents with exact BSON types: inclusion and exclusion (dotted paths through
 * arrays of documents), `$slice` (which keeps the projection's mode: alone or with exclusions it
 * returns every other field), `$elemMatch` (an inclusion of the first matching element, operator
 * conditions included) and the positional `a.$` (the element the filter matched). Projections with
 * aggregation expressions are computed by mingo on a JS-number view (see promote.ts).
 */
import type { Document } from 'bson';
import { Aggregator } from 'mingo';
import { MongoCommandError } from './errors';
import { compileQuery, isOperatorObject, type MatchDetails } from './match';
import { isDocument } from './paths';
import { defineField, promote, restoreExact } from './promote';
import { toDouble } from './values';

type Projector = (doc: Document) => Document;

interface Spec {
  mode: 'include' | 'exclude';
  includeId: boolean;
  /** Inclusion or exclusion tree of plain paths. */
  tree: Tree;
  slices: Array<{ parts: string[]; skip: number; limit?: number }>;
  elemMatches: Array<{ field: string; test: (el: unknown) => boolean }>;
  positional?: { parts: string[] };
}

type Tree = Map<string, true | Tree>;

function badValue(msg: string): MongoCommandError {
  return new MongoCommandError('BadValue', msg);
}

function flag(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  const n = toDouble(v);
  return n === undefined ? undefined : n !== 0;
}

function addPath(tree: Tree, parts: string[], full: string): void {
  let node = tree;
  for (let i = 0; i < parts.length; i++) {
    const existing = node.get(parts[i]);
    if (i === parts.length - 1) {
      if (existing !== undefined) throw new MongoCommandError('BadValue', `Path collision at ${full}`);
      node.set(parts[i], true);
      return;
    }
    if (existing === true) throw new MongoCommandError('BadValue', `Path collision at ${full}`);
    let next = existing;
    if (!next) {
      next = new Map();
      node.set(parts[i], next);
    }
    node = next;
  }
}

/**
 * A projector for `projection`, or undefined when the projection needs mingo (expressions).
 * `filter` is the query, for the positional projection.
 */
export function compileProjection(projection: Document, filter: Document): Projector | undefined {
  const spec: Spec = { mode: 'include', includeId: true, tree: new Map(), slices: [], elemMatches: [] };
  let includes = 0;
  let excludes = 0;
  for (const [path, value] of Object.entries(projection)) {
    if (path.endsWith('.$')) {
      if (flag(value) !== true) throw badValue(`positional projection cannot be used with exclusion`);
      if (spec.positional) throw badValue('Cannot specify more than one positional projection per query.');
      const parts = path.slice(0, -2).split('.');
      spec.positional = { parts };
      includes++;
      continue;
    }
    if (path.includes('$')) throw badValue(`FieldPath field names may not start with '$'. Consider using $getField or $setField.`);
    if (isOperatorObject(value)) {
      const op = Object.keys(value)[0];
      if (op === '$slice' && Object.keys(value).length === 1) {
        const arg = value.$slice;
        const parts = path.split('.');
        if (Array.isArray(arg)) {
          const [s, l] = arg.map((x) => toDouble(x));
          if (arg.length !== 2 || s === undefined || l === undefined || !Number.isInteger(s) || !Number.isInteger(l)) throw badValue('$slice only supports numbers and [skip, limit] arrays');
          if (l <= 0) throw badValue(`$slice limit must be positive`);
          spec.slices.push({ parts, skip: s, limit: l });
        } else {
          const n = toDouble(arg);
          if (n === undefined || !Number.isInteger(n)) return undefined; // expression form: mingo
          spec.slices.push({ parts, skip: n >= 0 ? 0 : n, limit: n >= 0 ? n : undefined });
        }
        continue;
      }
      if (op === '$elemMatch' && Object.keys(value).length === 1) {
        if (path.includes('.')) throw badValue('Cannot use $elemMatch projection on a nested field.');
        if (!isDocument(value.$elemMatch)) throw badValue('elemMatch: Invalid argument, object required.');
        const m = compileQuery({ x: { $elemMatch: value.$elemMatch } });
        spec.elemMatches.push({ field: path, test: (el) => m({ x: [el] }) });
        includes++;
        continue;
      }
      if (op === '$meta') throw new MongoCommandError('NotImplemented', '$meta projections are not supported by the embedded server (no text search)');
      return undefined;
    }
    const f = flag(value);
    if (f === undefined) return undefined; // a literal or expression: mingo computes it
    if (path === '_id') {
      spec.includeId = f;
      continue;
    }
    addPath(spec.tree, path.split('.'), path);
    if (f) includes++;
    else excludes++;
  }
  if (includes > 0 && excludes > 0) throw new MongoCommandError('Location31254', `Cannot do exclusion on field in inclusion projection`);
  spec.mode = includes > 0 ? 'include' : 'exclude';
  if (spec.mode === 'include' && spec.tree.has('_id')) spec.includeId = false;
  const match = spec.positional ? compileQuery(filter) : undefined;
  return (doc) => project(doc, spec, match);
}

function project(doc: Document, spec: Spec, match: ((d: unknown, det?: MatchDetails) => boolean) | undefined): Document {
  let out: Document;
  if (spec.mode === 'include') {
    out = {};
    for (const k of Object.keys(doc)) {
      if (k === '_id' && spec.includeId) {
        out._id = doc._id;
        continue;
      }
      const rule = spec.tree.get(k);
      if (rule === true) defineField(out, k, doc[k]);
      else if (rule) {
        const sub = includeSub(doc[k], rule);
        if (sub !== undefined) defineField(out, k, sub);
      }
    }
    // $slice under inclusion slices a field that is included, or includes it sliced.
    for (const s of spec.slices) {
      if (!hasPath(out, s.parts)) copyPath(doc, out, s.parts);
    }
  } else {
    out = excludeSub(doc, spec.tree) as Document;
    if (!spec.includeId) delete out._id;
  }
  for (const s of spec.slices) slicePath(out, s.parts, 0, s.skip, s.limit);
  if (spec.positional && match) {
    const details: MatchDetails = {};
    match(doc, details);
    const [first, ...rest] = spec.positional.parts;
    const arr = rest.length === 0 ? doc[first] : undefined;
    if (rest.length > 0) throw badValue('positional projection on a nested field is not supported by the embedded server');
    if (Array.isArray(arr)) {
      if (details.arrayIndex === undefined || details.arrayIndex >= arr.length) {
        throw badValue('Executor error during find command :: caused by :: positional operator \'.$\' requires corresponding field in query specifier');
      }
      defineField(out, first, [arr[details.arrayIndex]]);
    }
  }
  for (const em of spec.elemMatches) {
    const arr = doc[em.field];
    delete out[em.field];
    if (!Array.isArray(arr)) continue;
    const hit = arr.find((el) => em.test(el));
    if (hit !== undefined) defineField(out, em.field, [hit]);
  }
  return out;
}

function includeSub(v: unknown, tree: Tree): unknown {
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    for (const el of v) {
      if (Array.isArray(el)) out.push(includeSub(el, tree));
      else if (isDocument(el)) out.push(includeSub(el, tree));
    }
    return out;
  }
  if (!isDocument(v)) return undefined;
  const out: Document = {};
  for (const k of Object.keys(v)) {
    const rule = tree.get(k);
    if (rule === true) defineField(out, k, v[k]);
    else if (rule) {
      const sub = includeSub(v[k], rule);
      if (sub !== undefined) defineField(out, k, sub);
    }
  }
  return out;
}

function excludeSub(v: unknown, tree: Tree): unknown {
  if (Array.isArray(v)) return v.map((el) => (isDocument(el) || Array.isArray(el) ? excludeSub(el, tree) : el));
  if (!isDocument(v)) return v;
  const out: Document = {};
  for (const k of Object.keys(v)) {
    const rule = tree.get(k);
    if (rule === true) continue;
    defineField(out, k, rule ? excludeSub(v[k], rule) : v[k]);
  }
  return out;
}

function hasPath(doc: Document, parts: string[]): boolean {
  let cur: unknown = doc;
  for (const p of parts) {
    if (!isDocument(cur) || !Object.prototype.hasOwnProperty.call(cur, p)) return false;
    cur = cur[p];
  }
  return true;
}

function copyPath(from: Document, to: Document, parts: string[]): void {
  let src: unknown = from;
  let dst: Document = to;
  for (let i = 0; i < parts.length; i++) {
    if (!isDocument(src) || !Object.prototype.hasOwnProperty.call(src, parts[i])) return;
    const next = src[parts[i]];
    if (i === parts.length - 1) {
      defineField(dst, parts[i], next);
      return;
    }
    if (!isDocument(next)) return;
    if (!isDocument(dst[parts[i]])) defineField(dst, parts[i], {});
    dst = dst[parts[i]] as Document;
    src = next;
  }
}

function slicePath(v: unknown, parts: string[], i: number, skip: number, limit: number | undefined): void {
  if (Array.isArray(v)) {
    for (const el of v) slicePath(el, parts, i, skip, limit);
    return;
  }
  if (!isDocument(v) || !Object.prototype.hasOwnProperty.call(v, parts[i])) return;
  if (i < parts.length - 1) return slicePath(v[parts[i]], parts, i + 1, skip, limit);
  const arr = v[parts[i]];
  if (!Array.isArray(arr)) return;
  const start = skip < 0 ? Math.max(0, arr.length + skip) : Math.min(skip, arr.length);
  v[parts[i]] = limit === undefined ? arr.slice(start) : arr.slice(start, start + limit);
}

/** Projections with expressions: mingo's `$project` on a JS-number view; untouched values stay exact. */
export function expressionProjector(projection: Document): Projector {
  let agg: Aggregator;
  try {
    agg = new Aggregator([{ $project: promote(projection) as Document }]);
  } catch (err) {
    throw new MongoCommandError('BadValue', (err as Error).message);
  }
  return (doc) => {
    try {
      return restoreExact(doc, agg.run([promote(doc) as Document])[0] ?? {}) as Document;
    } catch (err) {
      throw new MongoCommandError('BadValue', (err as Error).message);
    }
  };
}
