/** A Python pattern as the parser reads it and the writer writes it out. */

export class PythonRegexError extends Error {}

export type Range = readonly [number, number];

/** The classes Python's `\d \s \w` stand for: Unicode, or ASCII under the `a` flag. */
export type Category = 'digit' | 'space' | 'word';

/** What one position matches: code points listed and categories, possibly negated. */
export interface CharSet {
  negated: boolean;
  ranges: Range[];
  categories: { category: Category; negated: boolean; ascii: boolean }[];
}

export type Node =
  | { kind: 'set'; set: CharSet; foldCase: boolean }
  | { kind: 'seq'; items: Node[] }
  | { kind: 'alt'; branches: Node[] }
  | { kind: 'group'; index: number | null; body: Node }
  | { kind: 'look'; behind: boolean; negate: boolean; body: Node }
  | { kind: 'atomic'; body: Node }
  | { kind: 'repeat'; body: Node; min: number; max: number; mode: 'greedy' | 'lazy' | 'possessive' }
  | { kind: 'backref'; index: number }
  | { kind: 'assert'; at: Anchor; ascii: boolean };

export type Anchor = 'stringStart' | 'stringEnd' | 'end' | 'lineStart' | 'lineEnd' | 'boundary' | 'nonBoundary';

export interface Flags {
  ignoreCase: boolean;
  multiline: boolean;
  dotAll: boolean;
  verbose: boolean;
  ascii: boolean;
}

export const MAX_REPEAT = 4_294_967_295;
export const MAX_CODE_POINT = 0x10ffff;

/** Widths in code points, as Python's getwidth() (a look-behind must have one); a reference is as wide as its group. */
export function width(node: Node, groupWidth: (index: number) => [number, number]): [number, number] {
  switch (node.kind) {
    case 'set':
      return [1, 1];
    case 'seq':
      return node.items.reduce<[number, number]>(
        (sum, item) => {
          const [lo, hi] = width(item, groupWidth);
          return [sum[0] + lo, Math.min(sum[1] + hi, MAX_REPEAT)];
        },
        [0, 0],
      );
    case 'alt': {
      const widths = node.branches.map((branch) => width(branch, groupWidth));
      return [Math.min(...widths.map(([lo]) => lo)), Math.max(...widths.map(([, hi]) => hi))];
    }
    case 'group':
    case 'atomic':
      return width(node.body, groupWidth);
    case 'repeat': {
      const [lo, hi] = width(node.body, groupWidth);
      return [lo * node.min, Math.min(hi * node.max, MAX_REPEAT)];
    }
    case 'backref':
      return groupWidth(node.index);
    case 'look':
    case 'assert':
      return [0, 0];
  }
}
