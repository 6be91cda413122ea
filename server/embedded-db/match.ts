/**
 * MongoDB's query language evaluated over documents with exact BSON types (see values.ts):
 * implicit array traversal along dotted paths, comparisons inside one type bracket in MongoDB's
 * order (numbers exactly across Int32/Long/Double/Decimal128, BinData by length, subtype, bytes),
 * `$type` by BSON type, bit tests on numbers and BinData, DBRef fields (`$ref`, `$id`, `$db`) as
 * ordinary paths. Unknown operators are an error when the filter is compiled, before any document
 * is read, so an empty or missing collection answers like a full one.
 *
 * A match can also report the array position it matched at (the first array along the path), which
 * is what the positional `$` of updates and projections refers to.
 */
import { BSONRegExp, DBRef, type Document } from 'bson';
import { Aggregator } from 'mingo';
import { MongoCommandError } from './errors';
import { isDocument } from './paths';
import { promote } from './promote';
import { encodeValue } from './key-encoding';
import { binaryBytes, bsonTypeName, exactNumber, numberKind, toBigIntExact, toDouble, TYPE_CODES } from './values';

/** Where a match happened: the index in the first array along the matched path. */
export interface MatchDetails {
  arrayIndex?: number;
}

export type Matcher = (doc: unknown, details?: MatchDetails) => boolean;

const MISSING = Symbol('missing');
type Value = unknown;

interface PathCondition {
  leaf: LeafTest;
  negate: boolean;
  /** For $not: the conditions it negates. */
  inner?: PathCondition[];
}

interface LeafTest {
  /** Applied to the value at the path (MISSING when absent). */
  test: (v: Value) => boolean;
  /** Also applied to each element when the value is an array (most operators); not $size, $exists... */
  expand: boolean;
  /** $elemMatch: the position of the matching element in the array value (-1: none). */
  position?: (v: Value) => number;
}

function badValue(msg: string): MongoCommandError {
  return new MongoCommandError('BadValue', msg);
}

/** A document's own field (DBRefs are documents {$ref, $id, $db, ...} for queries). */
function field(container: unknown, name: string): Value {
  if (container instanceof DBRef) {
    if (name === '$ref') return container.collection;
    if (name === '$id') return container.oid;
    if (name === '$db') return container.db ?? MISSING;
    const extra = (container.fields as Document | undefined) ?? {};
    return Object.prototype.hasOwnProperty.call(extra, name) ? extra[name] : MISSING;
  }
  if (!isDocument(container)) return MISSING;
  return Object.prototype.hasOwnProperty.call(container, name) ? (container as Document)[name] : MISSING;
}

function isDocLike(v: unknown): boolean {
  return isDocument(v) || v instanceof DBRef;
}

/**
 * True when `leaf` holds for the value(s) `path` reaches from `value`. `top` is whether no array
 * has been crossed yet (only the first array's position is recorded).
 */
function matchPath(value: Value, parts: string[], i: number, leaf: LeafTest, details: MatchDetails | undefined, top: boolean): boolean {
  if (i === parts.length) {
    if (leaf.position) {
      const k = leaf.position(value);
      if (k >= 0 && details && top) details.arrayIndex = k;
      return k >= 0;
    }
    if (leaf.test(value)) return true;
    if (leaf.expand && Array.isArray(value)) {
      for (let k = 0; k < value.length; k++) {
        if (leaf.test(value[k])) {
          if (details && top) details.arrayIndex = k;
          return true;
        }
      }
    }
    return false;
  }
  const part = parts[i];
  if (Array.isArray(value)) {
    if (/^\d+$/.test(part)) {
      const idx = Number(part);
      if (idx < value.length && matchPath(value[idx], parts, i + 1, leaf, details, top)) return true;
    }
    let sawDocument = false;
    for (let k = 0; k < value.length; k++) {
      const el = value[k];
      if (!isDocLike(el)) continue;
      sawDocument = true;
      if (matchPath(el, parts, i, leaf, details, false)) {
        if (details && top) details.arrayIndex = k;
        return true;
      }
    }
    // An array with no documents holds no such field.
    return !sawDocument && !/^\d+$/.test(part) ? leaf.test(MISSING) : false;
  }
  if (isDocLike(value)) return matchPath(field(value, part), parts, i + 1, leaf, details, top);
  return leaf.test(MISSING);
}

function toRegExp(v: RegExp | BSONRegExp): RegExp {
  if (v instanceof RegExp) return v;
  const flags = [...v.options].filter((f) => 'imsu'.includes(f)).join('');
  return new RegExp(v.pattern, flags);
}

function isRegex(v: unknown): v is RegExp | BSONRegExp {
  return v instanceof RegExp || v instanceof BSONRegExp;
}

function regexTest(re: RegExp, v: Value): boolean {
  if (typeof v === 'string') {
    re.lastIndex = 0;
    return re.test(v);
  }
  // A stored regex equal to the pattern also matches (MongoDB compares them as values).
  if (isRegex(v)) {
    const r = toRegExp(v);
    return r.source === re.source && r.flags === re.flags;
  }
  return false;
}

/** Equality as `{a: x}` and `$eq` mean it: null also matches missing; a regex matches strings. */
function equalsTest(target: unknown): (v: Value) => boolean {
  if (isRegex(target)) {
    const re = toRegExp(target);
    return (v) => regexTest(re, v);
  }
  if (target === null || target === undefined) return (v) => v === MISSING || v === null || v === undefined;
  const key = encodeValue(target);
  return (v) => v !== MISSING && encodeValue(v).equals(key);
}

function isNaNValue(v: unknown): boolean {
  const x = numberKind(v) ? exactNumber(v) : undefined;
  return x?.special === 'nan';
}

function compareTest(op: '$gt' | '$gte' | '$lt' | '$lte', target: unknown): (v: Value) => boolean {
  if (target === null || target === undefined) {
    // Only equality with null is in range for $gte/$lte null.
    return op === '$gte' || op === '$lte' ? equalsTest(null) : () => false;
  }
  const key = encodeValue(target);
  const targetNaN = isNaNValue(target);
  return (v) => {
    if (v === MISSING || v === undefined) return false;
    const enc = encodeValue(v);
    // Comparisons stay inside the target's type bracket (the key's first byte).
    if (enc[0] !== key[0]) return false;
    // NaN is only ever equal to NaN in comparisons.
    if (targetNaN || isNaNValue(v)) return targetNaN && isNaNValue(v) && (op === '$gte' || op === '$lte');
    const c = Buffer.compare(enc, key);
    switch (op) {
      case '$gt': return c > 0;
      case '$gte': return c >= 0;
      case '$lt': return c < 0;
      default: return c <= 0;
    }
  };
}

function typeTest(arg: unknown): (v: Value) => boolean {
  const specs = Array.isArray(arg) ? arg : [arg];
  if (specs.length === 0) throw badValue('$type must match at least one type');
  const names = new Set<string>();
  for (const s of specs) {
    if (typeof s === 'string') {
      if (s === 'number') {
        for (const n of ['int', 'long', 'double', 'decimal']) names.add(n);
        continue;
      }
      if (!(s in TYPE_CODES)) throw badValue(`Unknown type name alias: ${s}`);
      names.add(s);
      continue;
    }
    const code = toDouble(s);
    const name = Object.entries(TYPE_CODES).find(([, c]) => c === code)?.[0];
    if (code === undefined || !Number.isInteger(code) || !name) throw badValue(`Invalid numerical type code: ${String(s)}`);
    names.add(name);
  }
  return (v) => v !== MISSING && names.has(bsonTypeName(v) ?? '');
}

/** Bit positions from a $bits* argument: a bitmask number, an array of positions, or BinData. */
function bitPositions(arg: unknown, op: string): number[] {
  if (Array.isArray(arg)) {
    return arg.map((p) => {
      const n = toDouble(p);
      if (n === undefined || !Number.isInteger(n) || n < 0) throw badValue(`bit positions must be an integer >= 0, but got: ${String(p)}`);
      return n;
    });
  }
  const bytes = binaryBytes(arg);
  if (bytes) return bitsOfBytes(bytes);
  const mask = toBigIntExact(arg);
  if (mask === undefined || mask < 0n) throw badValue(`${op} takes an Array, a number, or a BinData but received: ${String(arg)}`);
  const out: number[] = [];
  for (let i = 0; mask >> BigInt(i) > 0n; i++) if ((mask >> BigInt(i)) & 1n) out.push(i);
  return out;
}

function bitsOfBytes(bytes: Buffer): number[] {
  const out: number[] = [];
  for (let i = 0; i < bytes.length; i++) for (let b = 0; b < 8; b++) if (bytes[i] & (1 << b)) out.push(i * 8 + b);
  return out;
}

/** A value's bit at a position: integers as 64-bit two's complement (sign-extended), BinData little-endian. */
function bitReader(v: Value): ((pos: number) => boolean) | undefined {
  const bytes = binaryBytes(v);
  if (bytes) return (pos) => pos < bytes.length * 8 && (bytes[pos >> 3] & (1 << (pos & 7))) !== 0;
  if (!numberKind(v) || numberKind(v) === 'decimal') return undefined;
  const n = toBigIntExact(v);
  if (n === undefined || n < -(2n ** 63n) || n >= 2n ** 63n) return undefined;
  const u = BigInt.asUintN(64, n);
  return (pos) => (pos >= 64 ? n < 0n : ((u >> BigInt(pos)) & 1n) === 1n);
}

function bitsTest(op: string, arg: unknown): (v: Value) => boolean {
  const positions = bitPositions(arg, op);
  return (v) => {
    const bit = bitReader(v);
    if (!bit) return false;
    switch (op) {
      case '$bitsAllSet': return positions.every(bit);
      case '$bitsAnySet': return positions.some(bit);
      case '$bitsAllClear': return positions.every((p) => !bit(p));
      default: return positions.some((p) => !bit(p));
    }
  };
}

function modTest(arg: unknown): (v: Value) => boolean {
  if (!Array.isArray(arg) || arg.length !== 2) throw badValue('malformed mod, needs to be an array of two numbers');
  const [d, r] = arg.map((x) => toDouble(x));
  if (d === undefined || r === undefined || !Number.isFinite(d) || !Number.isFinite(r)) throw badValue('malformed mod, divisor and remainder must be numbers');
  const divisor = BigInt(Math.trunc(d));
  const remainder = BigInt(Math.trunc(r));
  if (divisor === 0n) throw badValue('divisor cannot be 0');
  return (v) => {
    if (!numberKind(v)) return false;
    const exact = toBigIntExact(v);
    const n = exact ?? (Number.isFinite(toDouble(v)!) ? BigInt(Math.trunc(toDouble(v)!)) : undefined);
    return n !== undefined && n % divisor === remainder;
  };
}

/** `{$ref, $id, $db}` keys: a DBRef's fields, which MongoDB treats as field names, not operators. */
function isDbRefKey(k: string): boolean {
  return k === '$ref' || k === '$id' || k === '$db';
}

/** An object whose first key is an operator (other than a DBRef field): `{$gt: 1}`, not `{a: 1}`. */
export function isOperatorObject(v: unknown): v is Document {
  if (!isDocument(v)) return false;
  const first = Object.keys(v)[0];
  return first !== undefined && first.startsWith('$') && !isDbRefKey(first);
}

/** The leaf tests of an operator object on one path: `{$gt: 1, $lt: 5}` -> two tests, all must hold. */
function compileOperators(ops: Document, path: string): PathCondition[] {
  const out: PathCondition[] = [];
  const keys = Object.keys(ops);
  for (const op of keys) {
    const arg = ops[op];
    switch (op) {
      case '$eq':
        out.push({ leaf: { test: equalsTest(arg), expand: true }, negate: false });
        break;
      case '$ne':
        out.push({ leaf: { test: equalsTest(arg), expand: true }, negate: true });
        break;
      case '$gt': case '$gte': case '$lt': case '$lte':
        if (isRegex(arg)) throw badValue(`Can't have RegEx as arg to predicate over field '${path}'.`);
        out.push({ leaf: { test: compareTest(op, arg), expand: true }, negate: false });
        break;
      case '$in': case '$nin': {
        if (!Array.isArray(arg)) throw badValue(`${op} needs an array`);
        for (const x of arg) if (isOperatorObject(x)) throw badValue(`cannot nest $ under ${op}`);
        const tests = arg.map(equalsTest);
        out.push({ leaf: { test: (v) => tests.some((t) => t(v)), expand: true }, negate: op === '$nin' });
        break;
      }
      case '$exists':
        out.push({ leaf: { test: (v) => v !== MISSING, expand: false }, negate: !truthy(arg) });
        break;
      case '$type':
        out.push({ leaf: { test: typeTest(arg), expand: true }, negate: false });
        break;
      case '$size': {
        const n = toDouble(arg);
        if (n === undefined || !Number.isInteger(n)) throw badValue('$size needs a number');
        out.push({ leaf: { test: (v) => Array.isArray(v) && v.length === n, expand: false }, negate: false });
        break;
      }
      case '$all': {
        if (!Array.isArray(arg)) throw badValue('$all needs an array');
        if (arg.length === 0) {
          out.push({ leaf: { test: () => false, expand: false }, negate: false });
          break;
        }
        for (const x of arg) {
          if (isDocument(x) && Object.keys(x)[0] === '$elemMatch') out.push(...compileOperators(x, path));
          else if (isOperatorObject(x)) throw badValue('no $ expressions in $all');
          else out.push({ leaf: { test: equalsTest(x), expand: true }, negate: false });
        }
        break;
      }
      case '$elemMatch': {
        // `{$ref, $id}` arrives decoded as a DBRef: its fields are the element query.
        const criteria = arg instanceof DBRef ? (arg.toJSON() as Document) : arg;
        if (!isDocument(criteria)) throw badValue('$elemMatch needs an Object');
        const test = elemMatcher(criteria);
        const position = (v: Value) => (Array.isArray(v) ? v.findIndex((el) => test(el)) : -1);
        out.push({ leaf: { test: (v) => position(v) >= 0, position, expand: false }, negate: false });
        break;
      }
      case '$regex': {
        const options = typeof ops.$options === 'string' ? ops.$options : '';
        let re: RegExp;
        try {
          re = isRegex(arg) ? new RegExp(toRegExp(arg).source, options || toRegExp(arg).flags) : new RegExp(String(arg), [...options].filter((f) => 'imsu'.includes(f)).join(''));
        } catch (err) {
          throw badValue(`Regular expression is invalid: ${(err as Error).message}`);
        }
        out.push({ leaf: { test: (v) => regexTest(re, v), expand: true }, negate: false });
        break;
      }
      case '$options':
        if (!('$regex' in ops)) throw badValue('$options needs a $regex');
        break;
      case '$mod':
        out.push({ leaf: { test: modTest(arg), expand: true }, negate: false });
        break;
      case '$bitsAllSet': case '$bitsAnySet': case '$bitsAllClear': case '$bitsAnyClear':
        out.push({ leaf: { test: bitsTest(op, arg), expand: true }, negate: false });
        break;
      case '$not': {
        if (isRegex(arg)) {
          const re = toRegExp(arg);
          out.push({ leaf: { test: (v) => regexTest(re, v), expand: true }, negate: true });
          break;
        }
        if (!isDocument(arg) || Object.keys(arg).length === 0 || !isOperatorObject(arg)) throw badValue('$not needs a regex or a document');
        // $not negates the whole inner condition (every inner test on the path).
        out.push({ leaf: { test: () => true, expand: false }, negate: true, inner: compileOperators(arg, path) });
        break;
      }
      case '$comment':
        break;
      case '$near': case '$nearSphere': case '$geoWithin': case '$geoIntersects': case '$within':
        throw new MongoCommandError('NotImplemented', `${op} (geospatial queries) is not supported by the embedded server`);
      case '$text': case '$where': case '$jsonSchema': case '$expr':
        throw badValue(`unknown operator: ${op}`);
      default:
        throw badValue(`unknown operator: ${op}`);
    }
  }
  return out;
}

function truthy(v: unknown): boolean {
  if (typeof v === 'boolean') return v;
  const n = toDouble(v);
  if (n !== undefined) return n !== 0;
  return v !== null && v !== undefined;
}

function evalCondition(doc: unknown, parts: string[], c: PathCondition, details: MatchDetails | undefined): boolean {
  if (c.inner) return !c.inner.every((x) => evalCondition(doc, parts, x, undefined));
  const hit = matchPath(doc, parts, 0, c.leaf, c.negate ? undefined : details, true);
  return c.negate ? !hit : hit;
}

/** `$elemMatch` on an element: operators on the element itself, or a query on an element document. */
function elemMatcher(criteria: Document): (el: unknown) => boolean {
  const keys = Object.keys(criteria);
  const valueForm = keys.length > 0 && keys.every((k) => k.startsWith('$') && !isDbRefKey(k) && k !== '$and' && k !== '$or' && k !== '$nor' && k !== '$expr' && k !== '$where');
  if (valueForm) {
    const conds = compileOperators(criteria, '');
    return (el) => conds.every((c) => evalCondition(el, [], c, undefined));
  }
  const q = compileQuery(criteria);
  return (el) => isDocLike(el) && q(el);
}

function expectClauses(op: string, v: unknown): Document[] {
  if (!Array.isArray(v) || v.length === 0) throw badValue(`${op} must be a nonempty array`);
  for (const x of v) if (!isDocument(x)) throw badValue(`${op} argument's entries must be objects`);
  return v as Document[];
}

/** Compiles a filter document. Throws BadValue (code 2) for malformed filters and unknown operators. */
export function compileQuery(filter: Document): Matcher {
  const parts: Matcher[] = [];
  for (const key of Object.keys(filter)) {
    const value = filter[key];
    if (key.startsWith('$') && !isDbRefKey(key)) {
      switch (key) {
        case '$and': {
          const subs = expectClauses(key, value).map(compileQuery);
          parts.push((d, det) => subs.every((s) => s(d, det)));
          break;
        }
        case '$or': {
          const subs = expectClauses(key, value).map(compileQuery);
          parts.push((d, det) => subs.some((s) => s(d, det)));
          break;
        }
        case '$nor': {
          const subs = expectClauses(key, value).map(compileQuery);
          parts.push((d) => !subs.some((s) => s(d)));
          break;
        }
        case '$comment':
          break;
        case '$expr':
          parts.push(exprMatcher(value));
          break;
        case '$text':
          throw new MongoCommandError('NotImplemented', '$text queries are not supported by the embedded server (no text indexes); use $regex instead');
        case '$where':
          throw new MongoCommandError('NotImplemented', '$where (server-side JavaScript) is not supported by the embedded server');
        case '$jsonSchema':
          throw new MongoCommandError('NotImplemented', '$jsonSchema is not supported by the embedded server');
        default:
          throw badValue(`unknown top level operator: ${key}. If you have a field name that starts with a '$' symbol, consider using $getField or $setField.`);
      }
      continue;
    }
    const path = key.split('.');
    const conds: PathCondition[] = isOperatorObject(value) ? compileOperators(value, key) : [{ leaf: { test: equalsTest(value), expand: true }, negate: false }];
    parts.push((d, det) => conds.every((c) => evalCondition(d, path, c, det)));
  }
  return (doc, details) => parts.every((p) => p(doc, details));
}

/** `$expr` is an aggregation expression: evaluated by mingo on a JS-number view of the document. */
function exprMatcher(expr: unknown): Matcher {
  let agg: Aggregator;
  try {
    agg = new Aggregator([{ $match: { $expr: promote(expr) } }]);
  } catch (err) {
    throw badValue((err as Error).message);
  }
  return (doc) => {
    try {
      return agg.run([promote(doc) as Document]).length > 0;
    } catch (err) {
      throw badValue((err as Error).message);
    }
  };
}

