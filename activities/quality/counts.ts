/**
 * `partial_unexpected_counts` as GX writes it (expectation.py, _format_map_output): the quoted values
 * counted (Python's Counter), then sorted by count, descending, and value. Python decides which
 * values are one (True == 1; every missing float64 value is a NaN of its own, the missing values of
 * other columns one object) and whether they can be ordered at all: a comparison Python refuses
 * leaves the field out of the result, so CPython's sort is replayed for the comparisons it makes.
 */
import { PythonTypeError, pyCompare, pyKey, type PyValue } from './values';

/** How pandas gives a missing value: a NaN float of its own (float64), a shared NaN (str), NaT, None. */
export type MissingForm = 'float-nan' | 'str-nan' | 'nat' | 'none';
export type Element = PyValue | { readonly kind: 'missing'; readonly form: MissingForm };

/** One quoted value: its JSON and what Python counts and orders (one element, or a row's tuple). */
export interface Counted {
  /** As partial_unexpected_list quotes it (a row's columns as an object, for compound uniqueness). */
  readonly shown: unknown;
  /** As partial_unexpected_counts quotes it (GX counts a row's columns as a tuple: a list). */
  readonly counted: unknown;
  readonly elements: readonly Element[];
}

/** Python's == between two elements of different rows: shared missing objects are themselves. */
function same(a: Element, b: Element): boolean {
  if (a.kind === 'missing') return b.kind === 'missing' && a.form === b.form && a.form !== 'float-nan';
  if (b.kind === 'missing') return false;
  try {
    return pyKey(a) === pyKey(b);
  } catch {
    return false;
  }
}

/** Python's < between elements; throws where Python raises. */
function less(a: Element, b: Element): boolean {
  if (a.kind !== 'missing' && b.kind !== 'missing') return pyCompare(a, b) < 0;
  const numberLike = (e: Element): boolean =>
    e.kind === 'missing' ? e.form === 'float-nan' || e.form === 'str-nan' : e.kind === 'num' || e.kind === 'bool';
  const timeLike = (e: Element): boolean => (e.kind === 'missing' ? e.form === 'nat' : e.kind === 'time');
  if ((numberLike(a) && numberLike(b)) || (timeLike(a) && timeLike(b))) return false;
  throw new PythonTypeError("'<' not supported between a missing value and another kind of value");
}

/** A key Counter would merge on; null for a value equal to nothing (it holds a float64 NaN). */
function counterKey(counted: Counted): string | null {
  const parts: string[] = [];
  for (const element of counted.elements) {
    if (element.kind !== 'missing') parts.push(pyKey(element));
    else if (element.form === 'float-nan') return null;
    else parts.push(`~${element.form}`);
  }
  return JSON.stringify(parts);
}

/** Tuple (or single value) order, as Python compares the sort keys (-count, value). */
function lessThan(a: { count: number; counted: Counted }, b: { count: number; counted: Counted }): boolean {
  if (a.count !== b.count) return a.count > b.count;
  const [x, y] = [a.counted.elements, b.counted.elements];
  for (let i = 0; i < Math.min(x.length, y.length); i += 1) {
    const [p, q] = [x[i], y[i]];
    if (p === undefined || q === undefined) break;
    if (!same(p, q)) return less(p, q);
  }
  return x.length < y.length;
}

function at<T>(items: readonly T[], index: number): T {
  const item = items[index];
  if (item === undefined) throw new RangeError(`no item ${index}`);
  return item;
}

/** CPython's list.sort for fewer than 64 items: the first run (reversed when descending), then binary insertion. */
function cpythonSort<T>(items: T[], lt: (a: T, b: T) => boolean): void {
  const n = items.length;
  if (n < 2) return;
  let run = 2;
  if (lt(at(items, 1), at(items, 0))) {
    while (run < n && lt(at(items, run), at(items, run - 1))) run += 1;
    items.splice(0, run, ...items.slice(0, run).reverse());
  } else {
    while (run < n && !lt(at(items, run), at(items, run - 1))) run += 1;
  }
  for (let start = run; start < n; start += 1) {
    const pivot = at(items, start);
    let [left, right] = [0, start];
    while (left < right) {
      const middle = left + ((right - left) >> 1);
      if (lt(pivot, at(items, middle))) right = middle;
      else left = middle + 1;
    }
    items.splice(start, 1);
    items.splice(left, 0, pivot);
  }
}

/** The field's value; undefined when Python could not sort the values (GX then leaves it out). */
export function partialUnexpectedCounts(quoted: readonly Counted[]): { value: unknown; count: number }[] | undefined {
  const tallies: { count: number; counted: Counted }[] = [];
  const byKey = new Map<string, { count: number; counted: Counted }>();
  try {
    for (const counted of quoted) {
      const key = counterKey(counted);
      const known = key === null ? undefined : byKey.get(key);
      if (known) known.count += 1;
      else {
        const tally = { count: 1, counted };
        tallies.push(tally);
        if (key !== null) byKey.set(key, tally);
      }
    }
    // Counter.most_common keeps ties in first-seen order: a stable sort by count.
    tallies.sort((a, b) => b.count - a.count);
    cpythonSort(tallies, lessThan);
  } catch (error) {
    if (error instanceof PythonTypeError) return undefined;
    throw error;
  }
  return tallies.map(({ count, counted }) => ({ value: counted.counted, count }));
}
