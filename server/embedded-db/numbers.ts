/**
 * Numbers as BSON types: which type a value has, and its exact value as a decimal, so Int32, Long,
 * Double and Decimal128 compare (and are keyed) by value without rounding through a double.
 */
import { Decimal128, Double, Int32, Long } from 'bson';

export type NumberKind = 'int' | 'long' | 'double' | 'decimal';

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/** The BSON numeric type a value has (JS numbers as bson serializes them), or undefined. */
export function numberKind(v: unknown): NumberKind | undefined {
  if (typeof v === 'number') return Number.isInteger(v) && v >= INT32_MIN && v <= INT32_MAX && !Object.is(v, -0) ? 'int' : 'double';
  if (v instanceof Int32) return 'int';
  if (v instanceof Double) return 'double';
  if (v instanceof Long || typeof v === 'bigint') return 'long';
  if (v instanceof Decimal128) return 'decimal';
  return undefined;
}

export function isNumeric(v: unknown): boolean {
  return numberKind(v) !== undefined;
}

/**
 * A finite number as an exact decimal: value = sign * 0.D1D2D3... * 10^exp with no trailing
 * zeros in `digits`. Non-finite values and zero are marked by `special`.
 */
export interface ExactNumber {
  special?: 'nan' | '-inf' | 'zero' | '+inf';
  negative: boolean;
  digits: string;
  exp: number;
}

const ZERO: ExactNumber = { special: 'zero', negative: false, digits: '', exp: 0 };

function fromIntegerString(negative: boolean, s: string, pointShift = 0): ExactNumber {
  // s: decimal digits of the coefficient; the value is s * 10^pointShift.
  const trimmed = s.replace(/^0+/, '');
  if (trimmed === '') return ZERO;
  const digits = trimmed.replace(/0+$/, '');
  return { negative, digits, exp: trimmed.length + pointShift };
}

function fromDouble(d: number): ExactNumber {
  if (Number.isNaN(d)) return { special: 'nan', negative: false, digits: '', exp: 0 };
  if (d === Infinity) return { special: '+inf', negative: false, digits: '', exp: 0 };
  if (d === -Infinity) return { special: '-inf', negative: true, digits: '', exp: 0 };
  if (d === 0) return ZERO;
  const negative = d < 0;
  const a = Math.abs(d);
  if (Number.isInteger(a)) return fromIntegerString(negative, BigInt(a).toString());
  // a = mantissa * 2^e (e < 0) = mantissa * 5^-e * 10^e: exact in decimal.
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, a);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let mantissa = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e: number;
  if (biased === 0) e = -1074;
  else {
    mantissa |= 1n << 52n;
    e = biased - 1075;
  }
  while (e < 0 && (mantissa & 1n) === 0n) {
    mantissa >>= 1n;
    e++;
  }
  if (e >= 0) return fromIntegerString(negative, (mantissa << BigInt(e)).toString());
  return fromIntegerString(negative, (mantissa * 5n ** BigInt(-e)).toString(), e);
}

function fromDecimal(v: Decimal128): ExactNumber {
  const s = v.toString();
  if (s === 'NaN' || s === '-NaN') return { special: 'nan', negative: false, digits: '', exp: 0 };
  if (s === 'Infinity') return { special: '+inf', negative: false, digits: '', exp: 0 };
  if (s === '-Infinity') return { special: '-inf', negative: true, digits: '', exp: 0 };
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:E([+-]\d+))?$/.exec(s);
  if (!m) return { special: 'nan', negative: false, digits: '', exp: 0 };
  const frac = m[3] ?? '';
  return fromIntegerString(m[1] === '-', m[2] + frac, Number(m[4] ?? 0) - frac.length);
}

export function exactNumber(v: unknown): ExactNumber | undefined {
  if (typeof v === 'number') return fromDouble(v);
  if (v instanceof Int32 || v instanceof Double) return fromDouble(v.valueOf());
  if (typeof v === 'bigint') return v === 0n ? ZERO : fromIntegerString(v < 0n, (v < 0n ? -v : v).toString());
  if (v instanceof Long) return exactNumber(v.toBigInt());
  if (v instanceof Decimal128) return fromDecimal(v);
  return undefined;
}

/** The value as a JS number (rounded for Longs beyond 2^53 and most Decimal128s). */
export function toDouble(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Int32 || v instanceof Double) return v.valueOf();
  if (v instanceof Long) return Number(v.toBigInt());
  if (v instanceof Decimal128) return Number.parseFloat(v.toString());
  return undefined;
}

/** The value as a bigint when it is an integer of an integral type (int, long) or an integral double. */
export function toBigIntExact(v: unknown): bigint | undefined {
  if (typeof v === 'bigint') return v;
  if (v instanceof Long) return v.toBigInt();
  const d = typeof v === 'number' ? v : v instanceof Int32 || v instanceof Double ? v.valueOf() : undefined;
  if (d !== undefined && Number.isInteger(d)) return BigInt(d);
  return undefined;
}

