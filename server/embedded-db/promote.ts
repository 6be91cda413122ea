/**
 * A JS-number view of exact BSON values, for the parts that run on mingo (aggregation pipelines,
 * `$expr`, pipeline-style updates): Int32/Double become numbers, Longs numbers (rounded beyond
 * 2^53), Decimal128 numbers (rounded), BSON regexes JS RegExps. The stored data is never replaced
 * by this view except where such a computation produced a new value.
 */
import { BSONRegExp, Decimal128, Double, Int32, Long, serialize, type Document } from 'bson';
import { isDocument } from './paths';

export function promote(v: unknown): unknown {
  if (v instanceof Int32 || v instanceof Double) return v.valueOf();
  if (v instanceof Long) return Number(v.toBigInt());
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Decimal128) return Number.parseFloat(v.toString());
  if (v instanceof BSONRegExp) {
    try {
      return new RegExp(v.pattern, [...v.options].filter((f) => 'imsu'.includes(f)).join(''));
    } catch {
      return v;
    }
  }
  if (Array.isArray(v)) return v.map(promote);
  if (isDocument(v)) {
    const out: Document = {};
    for (const k of Object.keys(v)) defineField(out, k, promote(v[k]));
    return out;
  }
  return v;
}

/**
 * `computed` with every value that is unchanged from `original` (by its promoted form) replaced
 * by the original exact value, so a mingo computation only changes the types of what it changed.
 */
export function restoreExact(original: unknown, computed: unknown): unknown {
  if (isDocument(original) && isDocument(computed)) {
    const out: Document = {};
    for (const k of Object.keys(computed)) {
      const has = Object.prototype.hasOwnProperty.call(original, k);
      defineField(out, k, has ? restoreExact(original[k], computed[k]) : computed[k]);
    }
    return out;
  }
  if (Array.isArray(original) && Array.isArray(computed) && original.length === computed.length) {
    return computed.map((c, i) => restoreExact(original[i], c));
  }
  if (isDocument(computed) || Array.isArray(computed)) return computed;
  return sameBytes(promote(original), computed) ? original : computed;
}

function sameBytes(a: unknown, b: unknown): boolean {
  try {
    return Buffer.from(serialize({ v: a })).equals(Buffer.from(serialize({ v: b })));
  } catch {
    return false;
  }
}

/** Sets an own field, also one named `__proto__` (which must stay data, never a prototype). */
export function defineField(obj: Document, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
  else obj[key] = value;
}
