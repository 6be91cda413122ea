/**
 * MongoDB update documents applied to documents with exact BSON types: operator updates (with
 * MongoDB's numeric result types, its errors for fields of the wrong type and for paths that
 * cannot be created, positional `$`, `$[]` and `$[id]` with arrayFilters, and its conflict rule:
 * two paths conflict only when one is a prefix of the other), replacements, pipeline updates (run
 * by mingo on a JS-number view; unchanged values keep their exact type), upsert seeding, and _id
 * immutability. Field names are always set as own data properties, `__proto__` included.
 */
import { BSONRegExp, Decimal128, Double, Int32, Long, ObjectId, serialize as bsonSerialize, Timestamp, type Document } from 'bson';
import { Aggregator } from 'mingo';
import { MongoCommandError } from './errors';
import { extractEqualities } from './filter-utils';
import { compileQuery, isOperatorObject, type MatchDetails, type Matcher } from './match';
import { isDocument, setPath } from './paths';
import { defineField, promote, restoreExact } from './promote';
import { bsonTypeName, compareValues, exactNumber, numberKind, toBigIntExact, toDouble, valuesEqual, type NumberKind } from './values';

const SUPPORTED_OPERATORS = new Set([
  '$set', '$unset', '$inc', '$push', '$pull', '$addToSet', '$setOnInsert', '$pop', '$pullAll',
  '$min', '$max', '$mul', '$rename', '$currentDate', '$bit',
]);

export type UpdateSpec = Document | Document[];

export function isOperatorUpdate(u: UpdateSpec): boolean {
  return !Array.isArray(u) && Object.keys(u).some((k) => k.startsWith('$'));
}

export function validateUpdate(u: unknown): UpdateSpec {
  if (Array.isArray(u)) {
    if (!u.every(isDocument)) throw new MongoCommandError('FailedToParse', 'Each element of the update pipeline must be an object');
    return u as Document[];
  }
  if (!isDocument(u)) throw new MongoCommandError('FailedToParse', 'Update argument must be either an object or an array');
  const keys = Object.keys(u);
  const ops = keys.filter((k) => k.startsWith('$'));
  if (ops.length > 0 && ops.length !== keys.length) {
    throw new MongoCommandError('FailedToParse', `Unknown modifier: ${keys.find((k) => !k.startsWith('$'))}. Expected a valid update modifier or pipeline-style update specified as an array`);
  }
  for (const op of ops) {
    if (!SUPPORTED_OPERATORS.has(op)) throw new MongoCommandError('FailedToParse', `Unknown modifier: ${op}. Expected a valid update modifier or pipeline-style update specified as an array`);
    if (!isDocument(u[op])) throw new MongoCommandError('FailedToParse', `Modifiers operate on fields but we found type ${typeof u[op]} instead.`);
  }
  return u;
}

export interface UpdateOptions {
  /** The statement's filter, for the positional `$` (the array position it matched). */
  query?: Document;
  arrayFilters?: Document[];
  isInsert?: boolean;
}

/**
 * Returns the updated document (a new object; `doc` is not modified) and whether it changed (its
 * BSON bytes differ, so a changed Binary subtype or numeric type counts).
 */
export function applyUpdate(doc: Document, u: UpdateSpec, opts: UpdateOptions): { doc: Document; changed: boolean } {
  const before = serialize(doc);
  let out: Document;
  if (Array.isArray(u)) {
    let res: Document[];
    try {
      res = new Aggregator(promote(u) as Document[], {}).run([promote(doc) as Document]);
    } catch (err) {
      throw new MongoCommandError('BadValue', (err as Error).message);
    }
    out = restoreExact(doc, res[0] ?? {}) as Document;
    if (doc._id !== undefined && out._id === undefined) out = { _id: doc._id, ...out };
  } else if (!isOperatorUpdate(u)) {
    if (u._id !== undefined && doc._id !== undefined && !valuesEqualStrict(u._id, doc._id)) throw immutableId(doc);
    out = {};
    if (doc._id !== undefined) out._id = doc._id;
    for (const k of Object.keys(u)) if (k !== '_id' || doc._id === undefined) defineField(out, k, copy(u[k]));
  } else {
    out = copy(doc) as Document;
    applyOperators(out, u, opts);
  }
  if (doc._id !== undefined && !valuesEqualStrict(out._id, doc._id)) throw immutableId(doc);
  if (out._id !== undefined && Object.keys(out)[0] !== '_id') {
    const reordered: Document = { _id: out._id };
    for (const k of Object.keys(out)) if (k !== '_id') defineField(reordered, k, out[k]);
    out = reordered;
  }
  const after = serialize(out);
  return { doc: out, changed: !before.equals(after) };
}

/** The document an upsert starts from: equality fields of the query, then the update applied. */
export function buildUpsertDocument(query: Document, u: UpdateSpec, arrayFilters?: Document[]): Document {
  let seed: Document = {};
  if (isOperatorUpdate(u) || Array.isArray(u)) {
    for (const [path, value] of extractEqualities(query)) setPath(seed, path, copy(value));
  }
  if (seed._id === undefined && !Array.isArray(u) && !isOperatorUpdate(u) && u._id !== undefined) seed._id = u._id;
  if (seed._id === undefined) seed = { _id: new ObjectId(), ...seed };
  const { doc } = applyUpdate(seed, u, { arrayFilters, isInsert: true });
  return doc;
}

// ---- operator updates ----------------------------------------------------------------------

interface Entry {
  op: string;
  path: string;
  parts: string[];
  arg: unknown;
}

function badValue(msg: string): MongoCommandError {
  return new MongoCommandError('BadValue', msg);
}

function applyOperators(doc: Document, u: Document, opts: UpdateOptions): void {
  const entries: Entry[] = [];
  for (const op of Object.keys(u)) {
    if (op === '$setOnInsert' && !opts.isInsert) {
      // Still validated and conflict-checked, never applied.
      for (const path of Object.keys(u[op] as Document)) checkPath(path, op);
      continue;
    }
    for (const path of Object.keys(u[op] as Document)) {
      checkPath(path, op);
      const arg = (u[op] as Document)[path];
      entries.push({ op: op === '$setOnInsert' ? '$set' : op, path, parts: path.split('.'), arg });
      if (op === '$rename') {
        if (typeof arg !== 'string' || arg.length === 0) throw badValue(`The 'to' field for $rename must be a string: ${path}: ${String(arg)}`);
        checkPath(arg, op);
        if (arg === path) throw badValue(`The source and target field for $rename must differ: ${path}: "${arg}"`);
        if (path.includes('$') || arg.includes('$')) throw badValue('The source and target field for $rename must not contain a positional operator');
      }
    }
  }
  checkConflicts(entries);
  for (const e of entries) validateArgument(e);
  const filters = compileArrayFilters(opts.arrayFilters, entries);
  let position: number | undefined;
  if (entries.some((e) => e.parts.includes('$'))) {
    const details: MatchDetails = {};
    if (opts.query && Object.keys(opts.query).length > 0) compileQuery(opts.query)(doc, details);
    position = details.arrayIndex;
  }
  // MongoDB applies updates in field-name order (numeric parts numerically), whatever the order given.
  const ordered = [...entries].sort((a, b) => comparePaths(a.parts, b.parts));
  const ctx: ApplyContext = { doc, position, filters };
  for (const e of ordered) applyEntry(ctx, e);
}

function comparePaths(a: string[], b: string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] === b[i]) continue;
    const na = /^\d+$/.test(a[i]);
    const nb = /^\d+$/.test(b[i]);
    if (na && nb) return Number(a[i]) - Number(b[i]);
    return a[i] < b[i] ? -1 : 1;
  }
  return a.length - b.length;
}

function checkPath(path: string, op: string): void {
  if (path === '') throw badValue(`An empty update path is not valid.`);
  const parts = path.split('.');
  if (parts.some((p) => p === '')) throw badValue(`The update path '${path}' contains an empty field name, which is not allowed.`);
  if (path === '_id' || path.startsWith('_id.')) {
    if (op !== '$set' && op !== '$setOnInsert') throw new MongoCommandError('ImmutableField', `Performing an update on the path '_id' would modify the immutable field '_id'`);
  }
  for (const p of parts) {
    if (p.startsWith('$') && p !== '$' && p !== '$[]' && !/^\$\[[a-z][a-zA-Z0-9]*\]$/.test(p)) {
      throw badValue(`The dollar ($) prefixed field '${p}' in '${path}' is not allowed in the context of an update's replacement document. Consider using an aggregation pipeline with $replaceWith.`);
    }
  }
}

/** Paths conflict when one equals or is a prefix of another (siblings under `$` do not). */
function checkConflicts(entries: Entry[]): void {
  const targets: Array<{ parts: string[]; path: string }> = [];
  for (const e of entries) {
    targets.push({ parts: e.parts, path: e.path });
    if (e.op === '$rename') targets.push({ parts: String(e.arg).split('.'), path: String(e.arg) });
  }
  for (let i = 0; i < targets.length; i++) {
    for (let j = i + 1; j < targets.length; j++) {
      const a = targets[i].parts;
      const b = targets[j].parts;
      const n = Math.min(a.length, b.length);
      let prefix = true;
      for (let k = 0; k < n; k++) if (a[k] !== b[k]) { prefix = false; break; }
      if (prefix) {
        throw new MongoCommandError('ConflictingUpdateOperators', `Updating the path '${targets[j].path}' would create a conflict at '${a.length <= b.length ? targets[i].path : targets[j].path}'`);
      }
    }
  }
}

function describe(v: unknown): string {
  try {
    return JSON.stringify(promote(v)) ?? String(v);
  } catch {
    return String(v);
  }
}

function validateArgument(e: Entry): void {
  switch (e.op) {
    case '$inc': case '$mul':
      if (!numberKind(e.arg)) throw new MongoCommandError('TypeMismatch', `Cannot ${e.op === '$inc' ? 'increment' : 'multiply'} with non-numeric argument: {${e.path}: ${describe(e.arg)}}`);
      break;
    case '$pop': {
      const n = toDouble(e.arg);
      if (n !== 1 && n !== -1) throw new MongoCommandError('FailedToParse', `$pop expects 1 or -1, found: ${describe(e.arg)}`);
      break;
    }
    case '$pullAll':
      if (!Array.isArray(e.arg)) throw badValue(`$pullAll requires an array argument but was given a ${bsonTypeName(e.arg)}`);
      break;
    case '$currentDate': {
      const ok = typeof e.arg === 'boolean' || (isDocument(e.arg) && (e.arg.$type === 'date' || e.arg.$type === 'timestamp') && Object.keys(e.arg).length === 1);
      if (!ok) throw badValue(`The '$type' string field is required to be 'date' or 'timestamp': {$currentDate: {field : {$type: 'date'}}}`);
      break;
    }
    case '$bit': {
      if (!isDocument(e.arg) || Object.keys(e.arg).length === 0) throw badValue(`The $bit modifier is not compatible with a ${bsonTypeName(e.arg)}. You must pass in an embedded document: {$bit: {field: {and/or/xor: #}}`);
      for (const [k, v] of Object.entries(e.arg)) {
        if (k !== 'and' && k !== 'or' && k !== 'xor') throw badValue(`The $bit modifier only supports 'and', 'or', and 'xor', not '${k}' which is an unknown operator: {${k}: ${describe(v)}}`);
        const kind = numberKind(v);
        if (kind !== 'int' && kind !== 'long') throw badValue(`The $bit modifier field must be an Integer(32/64 bit); a '${bsonTypeName(v)}' is not supported here: {${k}: ${describe(v)}}`);
      }
      break;
    }
    case '$push': case '$addToSet':
      if (isDocument(e.arg) && '$each' in e.arg && !Array.isArray(e.arg.$each)) throw badValue(`The argument to $each in ${e.op} must be an array but it was of type: ${bsonTypeName(e.arg.$each)}`);
      break;
  }
}

/** arrayFilters by identifier; each tests an element wrapped as `{<id>: element}`. */
function compileArrayFilters(arrayFilters: Document[] | undefined, entries: Entry[]): Map<string, Matcher> {
  const out = new Map<string, Matcher>();
  for (const f of arrayFilters ?? []) {
    const keys = Object.keys(f);
    if (keys.length === 0) throw new MongoCommandError('FailedToParse', 'Cannot use an expression without a top-level field name in arrayFilters');
    const ids = new Set(keys.map((k) => k.split('.')[0]));
    if (ids.size !== 1) throw new MongoCommandError('FailedToParse', `Error parsing array filter :: caused by :: Expected a single top-level field name, found '${[...ids][0]}' and '${[...ids][1]}'`);
    const id = [...ids][0];
    if (out.has(id)) throw new MongoCommandError('FailedToParse', `Found multiple array filters with the same top-level field name ${id}`);
    out.set(id, compileQuery(f));
  }
  const used = new Set<string>();
  for (const e of entries) {
    for (const p of e.parts) {
      const m = /^\$\[([a-zA-Z0-9]+)\]$/.exec(p);
      if (!m) continue;
      if (!out.has(m[1])) throw badValue(`No array filter found for identifier '${m[1]}' in path '${e.path}'`);
      used.add(m[1]);
    }
  }
  for (const id of out.keys()) if (!used.has(id)) throw new MongoCommandError('FailedToParse', `The array filter for identifier '${id}' was not used in the update ${describe(entries.map((e) => e.path))}`);
  return out;
}

interface ApplyContext {
  doc: Document;
  position?: number;
  filters: Map<string, Matcher>;
}

/** A concrete place an update writes to: a document field or an array slot. */
interface Target {
  parent: Document | unknown[];
  key: string;
  path: string;
}

const CREATING = new Set(['$set', '$inc', '$mul', '$min', '$max', '$currentDate', '$push', '$addToSet', '$bit']);

function getField(parent: Document | unknown[], key: string): unknown {
  if (Array.isArray(parent)) return /^\d+$/.test(key) ? parent[Number(key)] : undefined;
  return Object.prototype.hasOwnProperty.call(parent, key) ? parent[key] : undefined;
}

function setField(parent: Document | unknown[], key: string, value: unknown): void {
  if (Array.isArray(parent)) {
    const idx = Number(key);
    while (parent.length < idx) parent.push(null);
    parent[idx] = value;
  } else {
    defineField(parent, key, value);
  }
}

/** Expands positional parts and walks (creating documents where the operator creates fields). */
function resolveTargets(ctx: ApplyContext, e: Entry, create: boolean): Target[] {
  const out: Target[] = [];
  const walk = (container: Document | unknown[], i: number, prefix: string): void => {
    const part = e.parts[i];
    let keys: string[];
    if (part === '$' || part === '$[]' || part.startsWith('$[')) {
      if (!Array.isArray(container)) {
        if (part === '$') throw badValue(`The positional operator did not find the match needed from the query.`);
        throw badValue(`Cannot apply array updates to non-array element ${prefix}: ${describe(container)}`);
      }
      if (part === '$') {
        if (ctx.position === undefined || ctx.position >= container.length) throw badValue('The positional operator did not find the match needed from the query.');
        keys = [String(ctx.position)];
      } else if (part === '$[]') {
        keys = container.map((_, k) => String(k));
      } else {
        const filter = ctx.filters.get(part.slice(2, -1))!;
        const id = part.slice(2, -1);
        keys = container.flatMap((el, k) => (filter({ [id]: el }) ? [String(k)] : []));
      }
    } else {
      keys = [part];
    }
    for (const key of keys) {
      const path = prefix ? `${prefix}.${key}` : key;
      if (Array.isArray(container) && !/^\d+$/.test(key)) {
        if (!create) continue;
        throw new MongoCommandError('PathNotViable', `Cannot create field '${key}' in element {${prefix}: ${describe(container)}}`);
      }
      if (i === e.parts.length - 1) {
        out.push({ parent: container, key, path });
        continue;
      }
      let next = getField(container, key);
      if (next === undefined || (next === null && Array.isArray(container) && create)) {
        if (!create) continue;
        next = {};
        setField(container, key, next);
      }
      if (Array.isArray(next) || isDocument(next)) {
        walk(next as Document | unknown[], i + 1, path);
        continue;
      }
      if (!create) continue;
      throw new MongoCommandError('PathNotViable', `Cannot create field '${e.parts[i + 1]}' in element {${key}: ${describe(next)}}`);
    }
  };
  walk(ctx.doc, 0, '');
  return out;
}

function applyEntry(ctx: ApplyContext, e: Entry): void {
  if (e.op === '$rename') return applyRename(ctx, e);
  for (const t of resolveTargets(ctx, e, CREATING.has(e.op))) applyAt(ctx, e, t);
}

function docId(ctx: ApplyContext): string {
  return `{_id: ${describe(ctx.doc._id)}}`;
}

function applyAt(ctx: ApplyContext, e: Entry, t: Target): void {
  const exists = Array.isArray(t.parent) ? Number(t.key) < t.parent.length : Object.prototype.hasOwnProperty.call(t.parent, t.key);
  const current = exists ? getField(t.parent, t.key) : undefined;
  switch (e.op) {
    case '$set':
      setField(t.parent, t.key, copy(e.arg));
      return;
    case '$unset':
      if (!exists) return;
      if (Array.isArray(t.parent)) t.parent[Number(t.key)] = null;
      else delete (t.parent as Document)[t.key];
      return;
    case '$inc': case '$mul': {
      if (!exists) {
        setField(t.parent, t.key, e.op === '$inc' ? copy(e.arg) : zeroOf(e.arg));
        return;
      }
      if (!numberKind(current)) {
        throw new MongoCommandError('TypeMismatch', `Cannot apply ${e.op} to a value of non-numeric type. ${docId(ctx)} has the field '${t.key}' of non-numeric type ${bsonTypeName(current)}`);
      }
      setField(t.parent, t.key, arithmetic(e.op === '$inc' ? 'add' : 'mul', current, e.arg));
      return;
    }
    case '$min': case '$max': {
      if (!exists) {
        setField(t.parent, t.key, copy(e.arg));
        return;
      }
      const c = compareValues(e.arg, current);
      if ((e.op === '$min' && c < 0) || (e.op === '$max' && c > 0)) setField(t.parent, t.key, copy(e.arg));
      return;
    }
    case '$currentDate': {
      const ts = isDocument(e.arg) && e.arg.$type === 'timestamp';
      setField(t.parent, t.key, ts ? new Timestamp({ t: Math.floor(Date.now() / 1000), i: 1 }) : new Date());
      return;
    }
    case '$push':
      return push(ctx, e, t, exists, current);
    case '$addToSet': {
      const values = isDocument(e.arg) && '$each' in e.arg ? (e.arg.$each as unknown[]) : [e.arg];
      if (!exists) {
        const arr: unknown[] = [];
        for (const v of values) if (!arr.some((x) => valuesEqual(x, v))) arr.push(copy(v));
        setField(t.parent, t.key, arr);
        return;
      }
      if (!Array.isArray(current)) throw badValue(`Cannot apply $addToSet to non-array field. Field named '${t.key}' has non-array type ${bsonTypeName(current)}`);
      for (const v of values) if (!current.some((x) => valuesEqual(x, v))) current.push(copy(v));
      return;
    }
    case '$pop': {
      if (!exists || current === null) return;
      if (!Array.isArray(current)) throw badValue(`Path '${t.path}' contains an element of non-array type '${bsonTypeName(current)}'`);
      if (toDouble(e.arg) === 1) current.pop();
      else current.shift();
      return;
    }
    case '$pull': case '$pullAll': {
      if (!exists) return;
      if (!Array.isArray(current)) throw badValue(`Cannot apply ${e.op} to a non-array value`);
      const remove = e.op === '$pullAll' ? (v: unknown) => (e.arg as unknown[]).some((x) => valuesEqual(x, v)) : pullCondition(e.arg);
      const kept = current.filter((v) => !remove(v));
      if (kept.length !== current.length) setField(t.parent, t.key, kept);
      return;
    }
    case '$bit': {
      const base = exists ? current : zeroOf((Object.values(e.arg as Document)[0]));
      const kind = numberKind(base);
      if (kind !== 'int' && kind !== 'long') throw badValue(`Cannot apply $bit to a value of non-integral type. ${docId(ctx)} has the field '${t.key}' of non-integer type ${bsonTypeName(base)}`);
      let n = toBigIntExact(base)!;
      let resultKind: NumberKind = kind;
      for (const [op, v] of Object.entries(e.arg as Document)) {
        const m = toBigIntExact(v)!;
        if (numberKind(v) === 'long') resultKind = 'long';
        n = op === 'and' ? n & m : op === 'or' ? n | m : n ^ m;
      }
      setField(t.parent, t.key, resultKind === 'long' ? Long.fromBigInt(BigInt.asIntN(64, n)) : new Int32(Number(BigInt.asIntN(32, n))));
      return;
    }
  }
}

function push(ctx: ApplyContext, e: Entry, t: Target, exists: boolean, current: unknown): void {
  const mods = isDocument(e.arg) && '$each' in e.arg ? e.arg : undefined;
  if (mods) {
    for (const k of Object.keys(mods)) {
      if (!['$each', '$slice', '$sort', '$position'].includes(k)) throw badValue(`Unrecognized clause in $push: ${k}`);
    }
  }
  const values = (mods ? (mods.$each as unknown[]) : [e.arg]).map(copy);
  let arr: unknown[];
  if (!exists) arr = [];
  else if (Array.isArray(current)) arr = current;
  else throw badValue(`The field '${t.path}' must be an array but is of type ${bsonTypeName(current)} in document ${docId(ctx)}`);
  let at = arr.length;
  if (mods?.$position !== undefined) {
    const p = toDouble(mods.$position);
    if (p === undefined || !Number.isInteger(p)) throw badValue(`The value for $position must be an integer value, not of type: ${bsonTypeName(mods.$position)}`);
    at = p < 0 ? Math.max(0, arr.length + p) : Math.min(p, arr.length);
  }
  arr.splice(at, 0, ...values);
  if (mods?.$sort !== undefined) sortArray(arr, mods.$sort);
  if (mods?.$slice !== undefined) {
    const n = toDouble(mods.$slice);
    if (n === undefined || !Number.isInteger(n)) throw badValue(`The value for $slice must be an integer value but was given type: ${bsonTypeName(mods.$slice)}`);
    const sliced = n >= 0 ? arr.slice(0, n) : arr.slice(Math.max(0, arr.length + n));
    arr.length = 0;
    arr.push(...sliced);
  }
  if (!exists) setField(t.parent, t.key, arr);
}

function sortArray(arr: unknown[], spec: unknown): void {
  const dir = toDouble(spec);
  if (dir === 1 || dir === -1) {
    arr.sort((a, b) => dir * compareValues(a, b));
    return;
  }
  if (!isDocument(spec) || Object.keys(spec).length === 0) throw badValue('The $sort is invalid: use 1/-1 to sort the whole element, or {field:1/-1} to sort embedded fields');
  const fields = Object.entries(spec).map(([f, d]) => [f.split('.'), toDouble(d) === -1 ? -1 : 1] as const);
  const at = (v: unknown, parts: readonly string[]): unknown => {
    let cur = v;
    for (const p of parts) cur = isDocument(cur) && Object.prototype.hasOwnProperty.call(cur, p) ? cur[p] : undefined;
    return cur ?? null;
  };
  arr.sort((a, b) => {
    for (const [parts, d] of fields) {
      const c = compareValues(at(a, parts), at(b, parts));
      if (c !== 0) return d * c;
    }
    return 0;
  });
}

/** What `$pull` removes: elements equal to a value, matching operators, or matching a query. */
function pullCondition(arg: unknown): (v: unknown) => boolean {
  if (isOperatorObject(arg) && !['$and', '$or', '$nor'].includes(Object.keys(arg)[0])) {
    const m = compileQuery({ v: arg });
    return (v) => m({ v });
  }
  if (isDocument(arg)) {
    // A document is a query on the elements (field order and extra fields do not matter).
    const m = compileQuery(arg);
    return (v) => isDocument(v) && m(v);
  }
  if (arg instanceof RegExp || arg instanceof BSONRegExp) {
    const m = compileQuery({ v: arg });
    return (v) => m({ v });
  }
  return (v) => valuesEqual(v, arg);
}

function applyRename(ctx: ApplyContext, e: Entry): void {
  const from = resolveTargets(ctx, e, false);
  if (from.length === 0) return;
  const src = from[0];
  if (Array.isArray(src.parent)) throw badValue(`The source field cannot be an array element, '${e.path}' in doc with _id: ${describe(ctx.doc._id)} has an array field called '${e.parts[e.parts.length - 2]}'`);
  if (!Object.prototype.hasOwnProperty.call(src.parent, src.key)) return;
  const value = (src.parent as Document)[src.key];
  const toEntry: Entry = { op: '$set', path: String(e.arg), parts: String(e.arg).split('.'), arg: value };
  const to = resolveTargets(ctx, toEntry, true);
  if (to.some((t) => Array.isArray(t.parent))) throw badValue(`The destination field cannot be an array element, '${toEntry.path}' in doc with _id: ${describe(ctx.doc._id)}`);
  delete (src.parent as Document)[src.key];
  for (const t of to) setField(t.parent, t.key, value);
}

// ---- numbers -------------------------------------------------------------------------------

const RANK: Record<NumberKind, number> = { int: 0, long: 1, double: 2, decimal: 3 };

function zeroOf(v: unknown): unknown {
  switch (numberKind(v)) {
    case 'long': return Long.fromNumber(0);
    case 'double': return new Double(0);
    case 'decimal': return Decimal128.fromString('0');
    default: return new Int32(0);
  }
}

/** MongoDB's $inc/$mul result types: the wider operand type; int32 overflow widens to long. */
function arithmetic(op: 'add' | 'mul', a: unknown, b: unknown): unknown {
  const ka = numberKind(a)!;
  const kb = numberKind(b)!;
  const kind = RANK[ka] >= RANK[kb] ? ka : kb;
  if (kind === 'decimal') return decimalArithmetic(op, a, b);
  if (kind === 'double') {
    const x = toDouble(a)!;
    const y = toDouble(b)!;
    return new Double(op === 'add' ? x + y : x * y);
  }
  const x = toBigIntExact(a)!;
  const y = toBigIntExact(b)!;
  const r = op === 'add' ? x + y : x * y;
  if (kind === 'int' && r >= -(2n ** 31n) && r < 2n ** 31n) return new Int32(Number(r));
  if (r >= -(2n ** 63n) && r < 2n ** 63n) return Long.fromBigInt(r);
  throw badValue(`Failed to apply ${op === 'add' ? '$inc' : '$mul'} operations to current value (${String(x)}) for document ${'{...}'}: integer overflow`);
}

/** Exact decimal arithmetic on coefficient/exponent pairs, rounded to Decimal128's 34 digits. */
function decimalArithmetic(op: 'add' | 'mul', a: unknown, b: unknown): Decimal128 {
  const parse = (v: unknown): { c: bigint; e: number } | undefined => {
    // A double joins decimal arithmetic by its shortest decimal form, as MongoDB converts it.
    const x = numberKind(v) === 'double' ? exactNumber(Decimal128.fromString(String(toDouble(v)))) : exactNumber(v);
    if (!x || (x.special && x.special !== 'zero')) return undefined;
    if (x.special === 'zero') return { c: 0n, e: 0 };
    const c = BigInt(x.digits) * (x.negative ? -1n : 1n);
    return { c, e: x.exp - x.digits.length };
  };
  const pa = parse(a);
  const pb = parse(b);
  if (!pa || !pb) {
    const fa = toDouble(a)!;
    const fb = toDouble(b)!;
    return Decimal128.fromString(String(op === 'add' ? fa + fb : fa * fb));
  }
  let c: bigint;
  let e: number;
  if (op === 'mul') {
    c = pa.c * pb.c;
    e = pa.e + pb.e;
  } else {
    e = Math.min(pa.e, pb.e);
    c = pa.c * 10n ** BigInt(pa.e - e) + pb.c * 10n ** BigInt(pb.e - e);
  }
  const s = `${c < 0n ? '-' : ''}${(c < 0n ? -c : c).toString()}E${e}`;
  return Decimal128.fromStringWithRounding(s);
}

// ---- helpers -------------------------------------------------------------------------------

function serialize(doc: Document): Buffer {
  const u8 = bsonSerialize(doc);
  return Buffer.from(u8.buffer, u8.byteOffset, u8.byteLength);
}

function immutableId(doc: Document): MongoCommandError {
  return new MongoCommandError('ImmutableField', `Performing an update on the path '_id' would modify the immutable field '_id'`, {
    errInfo: { _id: doc._id },
  });
}

/** Same BSON bytes (type and value): `_id: 1` and `_id: 1.0` are different _ids to keep. */
function valuesEqualStrict(a: unknown, b: unknown): boolean {
  return serialize({ v: a }).equals(serialize({ v: b }));
}

/** A deep copy of documents and arrays (BSON value objects are immutable and shared). */
export function copy<T>(v: T): T {
  if (Array.isArray(v)) return v.map(copy) as T;
  if (isDocument(v)) {
    const out: Document = {};
    for (const k of Object.keys(v)) defineField(out, k, copy(v[k]));
    return out as T;
  }
  return v;
}
