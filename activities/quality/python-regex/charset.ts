/** A character set (code points and Python's `\d \s \w`) written as the contents of a JavaScript `v` class. */
import type { Category, CharSet, Range } from './tree';

/** Code points Python's `\s` matches (str.isspace) and, under `a`, ASCII's. */
const PY_SPACE: Range[] = [
  [0x09, 0x0d],
  [0x1c, 0x20],
  [0x85, 0x85],
  [0xa0, 0xa0],
  [0x1680, 0x1680],
  [0x2000, 0x200a],
  [0x2028, 0x2029],
  [0x202f, 0x202f],
  [0x205f, 0x205f],
  [0x3000, 0x3000],
];
const ASCII_SPACE: Range[] = [
  [0x09, 0x0d],
  [0x20, 0x20],
];

const hex = (code: number): string => `\\u{${code.toString(16)}}`;
/** A code point written so that it means itself anywhere in a `v` pattern, inside a class or not. */
const literal = (code: number): string => (/[A-Za-z0-9]/.test(String.fromCodePoint(code)) ? String.fromCodePoint(code) : hex(code));
export const rangesSource = (ranges: readonly Range[]): string =>
  ranges.map(([lo, hi]) => (lo === hi ? literal(lo) : `${literal(lo)}-${literal(hi)}`)).join('');

/** A category as the contents of a `v` class. */
export function categorySource(category: Category, ascii: boolean): string {
  switch (category) {
    case 'digit':
      return ascii ? '0-9' : '\\p{Nd}';
    case 'space':
      return rangesSource(ascii ? ASCII_SPACE : PY_SPACE);
    case 'word':
      return ascii ? 'A-Za-z0-9_' : '\\p{L}\\p{N}_';
  }
}

export const categoryClass = (c: CharSet['categories'][number]): string =>
  `[${c.negated ? '^' : ''}${categorySource(c.category, c.ascii)}]`;

export function normalise(ranges: readonly Range[]): Range[] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const [lo, hi] of sorted) {
    const last = merged.at(-1);
    if (last && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
    else merged.push([lo, hi]);
  }
  return merged;
}

export const inRanges = (ranges: readonly Range[], code: number): boolean => ranges.some(([lo, hi]) => code >= lo && code <= hi);

/** The set as a class, without case folding. */
export function classSource(set: CharSet): string {
  return `[${set.negated ? '^' : ''}${rangesSource(normalise(set.ranges))}${set.categories.map(categoryClass).join('')}]`;
}
