/**
 * Values as Great Expectations on pandas holds and compares them. A batch's columns have the stream's
 * types (./README.md, "How GX sees a batch"): text, float64 numbers, booleans, UTC timestamps to the
 * microsecond, JSON. Python then decides equality (True == 1), order (text by code point), text form
 * (str(1.0) is "1.0") and which comparisons are errors ('<' between str and int).
 */
import type { ColumnType } from '../../domain/streams/types';
import { compareInstants, parsePreciseInstant, type PreciseInstant } from './instants';

export type PyValue =
  | { readonly kind: 'str'; readonly value: string }
  /** `float`: held in a float64 column, so its text is Python's float repr ("1.0"). */
  | { readonly kind: 'num'; readonly value: number; readonly float: boolean }
  | { readonly kind: 'bool'; readonly value: boolean }
  | { readonly kind: 'time'; readonly instant: PreciseInstant }
  /** A JSON object or array: unhashable and without order in Python. */
  | { readonly kind: 'object'; readonly value: unknown };

/** A comparison Python refuses: GX reports the expectation as raising it. */
export class PythonTypeError extends Error {}

const typeName = (value: PyValue): string => ({ str: 'str', num: 'float', bool: 'bool', time: 'Timestamp', object: 'dict' })[value.kind];

/** A value as its column holds it; null when missing or when the column's type cannot take it. */
export function typedValue(type: ColumnType | undefined, raw: unknown): PyValue | null {
  if (raw === null || raw === undefined) return null;
  switch (type) {
    case 'string':
      return typeof raw === 'string' ? { kind: 'str', value: raw } : null;
    case 'number':
      return typeof raw === 'number' && Number.isFinite(raw) ? { kind: 'num', value: raw, float: true } : null;
    case 'integer':
      return typeof raw === 'number' && Number.isInteger(raw) ? { kind: 'num', value: raw, float: true } : null;
    case 'boolean':
      return typeof raw === 'boolean' ? { kind: 'bool', value: raw } : null;
    case 'timestamp':
    case 'date': {
      const instant = typeof raw === 'string' ? parsePreciseInstant(raw) : null;
      return instant ? { kind: 'time', instant } : null;
    }
    case 'json':
    case undefined:
      return untypedValue(raw);
  }
}

/** A JSON value as it comes, in a column of no declared type. */
export function untypedValue(raw: unknown): PyValue | null {
  if (raw === null || raw === undefined) return null;
  if (typeof raw === 'string') return { kind: 'str', value: raw };
  if (typeof raw === 'boolean') return { kind: 'bool', value: raw };
  if (typeof raw === 'number') return { kind: 'num', value: raw, float: !Number.isInteger(raw) };
  return { kind: 'object', value: raw };
}

const numeric = (value: PyValue): number | null =>
  value.kind === 'num' ? value.value : value.kind === 'bool' ? Number(value.value) : null;

/** Python's ==: numbers and booleans by value (True == 1), text by text, timestamps by instant. */
export function pyEquals(a: PyValue, b: PyValue): boolean {
  const [x, y] = [numeric(a), numeric(b)];
  if (x !== null && y !== null) return x === y;
  if (a.kind === 'str' && b.kind === 'str') return a.value === b.value;
  if (a.kind === 'time' && b.kind === 'time') return compareInstants(a.instant, b.instant) === 0;
  return false;
}

/** A key equal for values Python holds equal (and hashes alike); throws for an unhashable value. */
export function pyKey(value: PyValue): string {
  switch (value.kind) {
    case 'str':
      return `s${value.value}`;
    case 'num':
    case 'bool':
      return `n${numeric(value) === 0 ? 0 : numeric(value)}`;
    case 'time':
      return `t${value.instant.ms}.${value.instant.us}`;
    case 'object':
      throw new PythonTypeError(`unhashable type: '${Array.isArray(value.value) ? 'list' : 'dict'}'`);
  }
}

/**
 * A map keyed as `pyKey` keys values, without building a key text per value (it runs per row of a
 * uniqueness or set rule): text by itself, numbers and booleans by number (a Map's key equality
 * holds -0 and 0 one, and every NaN one, as pyKey does), timestamps by their instant's text.
 * Throws for an unhashable value, as pyKey does.
 */
export class PyValueMap<V> {
  private readonly texts = new Map<string, V>();
  /** Numbers and instants: a number key never equals a text one. */
  private readonly others = new Map<number | string, V>();

  get(key: PyValue): V | undefined {
    return key.kind === 'str' ? this.texts.get(key.value) : this.others.get(otherKey(key));
  }

  set(key: PyValue, value: V): void {
    if (key.kind === 'str') this.texts.set(key.value, value);
    else this.others.set(otherKey(key), value);
  }
}

function otherKey(value: Exclude<PyValue, { kind: 'str' }>): number | string {
  if (value.kind === 'time') return `${value.instant.ms}.${value.instant.us}`;
  if (value.kind === 'object') return pyKey(value);
  return value.kind === 'num' ? value.value : Number(value.value);
}

/** Text by code point, as Python orders str (JavaScript's < orders UTF-16 units). */
export function compareCodePoints(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i += 1) {
    const [x, y] = [a.codePointAt(i) ?? 0, b.codePointAt(i) ?? 0];
    if (x !== y) return x - y;
    if (x > 0xffff) i += 1;
  }
  return a.length - b.length;
}

/** Python's order of two values; throws PythonTypeError where Python's < would. */
export function pyCompare(a: PyValue, b: PyValue): number {
  const [x, y] = [numeric(a), numeric(b)];
  if (x !== null && y !== null) return x - y;
  if (a.kind === 'str' && b.kind === 'str') return compareCodePoints(a.value, b.value);
  if (a.kind === 'time' && b.kind === 'time') return compareInstants(a.instant, b.instant);
  throw new PythonTypeError(`'<' not supported between instances of '${typeName(a)}' and '${typeName(b)}'`);
}

/** Python's repr of a float: shortest round-trip digits, exponent form below 1e-4 and from 1e16. */
export function pyFloatText(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const [mantissa = '0', exponentText = '0'] = value.toExponential().split('e');
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 16) return `${mantissa}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  const sign = value < 0 ? '-' : '';
  const digits = mantissa.replace('-', '').replace('.', '');
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  const whole = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0');
  return `${sign}${whole}.${digits.slice(exponent + 1) || '0'}`;
}

/**
 * The text GX matches regexes against and measures lengths of (pandas' astype(str)); null where that
 * text depends on the rest of the column (timestamps) or is Python's repr of a dict.
 */
export function pyText(value: PyValue): string | null {
  switch (value.kind) {
    case 'str':
      return value.value;
    case 'num':
      return value.float ? pyFloatText(value.value) : String(value.value);
    case 'bool':
      return value.value ? 'True' : 'False';
    case 'time':
    case 'object':
      return null;
  }
}

/** Length in code points, as Python's len. */
export function codePointLength(text: string): number {
  let length = text.length;
  for (let i = 0; i < text.length - 1; i += 1) {
    const [high, low] = [text.charCodeAt(i), text.charCodeAt(i + 1)];
    if (high >= 0xd800 && high <= 0xdbff && low >= 0xdc00 && low <= 0xdfff) {
      length -= 1;
      i += 1;
    }
  }
  return length;
}
