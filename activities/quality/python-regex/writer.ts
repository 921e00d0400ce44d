/** Writing the parsed pattern out as a JavaScript `v` pattern that matches the same strings. */
import { foldedSource } from './case-folding';
import { categorySource, classSource } from './charset';
import { MAX_REPEAT, type Anchor, type Node } from './tree';

/** Any code point: in a `v` pattern a surrogate pair is one. */
export const ANY = '[\\u{0}-\\u{10ffff}]';
const wordClass = (ascii: boolean): string => `[${categorySource('word', ascii)}]`;

function anchorSource(at: Anchor, ascii: boolean): string {
  const word = wordClass(ascii);
  switch (at) {
    case 'stringStart':
      return '^';
    case 'stringEnd':
      return '$';
    case 'end':
      return '(?=\\u{a}?$)';
    case 'lineStart':
      return '(?:^|(?<=\\u{a}))';
    case 'lineEnd':
      return '(?=\\u{a}|$)';
    case 'boundary':
      return `(?:(?<=${word})(?!${word})|(?<!${word})(?=${word}))`;
    case 'nonBoundary':
      // Python's \B never matches in an empty string.
      return `(?!^$)(?:(?<=${word})(?=${word})|(?<!${word})(?!${word}))`;
  }
}

export class Writer {
  private groups = 0;
  private readonly numbers = new Map<number, number>();

  write(node: Node): string {
    switch (node.kind) {
      case 'set':
        return node.foldCase ? foldedSource(node.set) : classSource(node.set);
      case 'seq':
        return node.items.map((item) => this.write(item)).join('');
      case 'alt':
        return `(?:${node.branches.map((branch) => this.write(branch)).join('|')})`;
      case 'group': {
        if (node.index === null) return `(?:${this.write(node.body)})`;
        this.groups += 1;
        this.numbers.set(node.index, this.groups);
        return `(${this.write(node.body)})`;
      }
      case 'look':
        return `(?${node.behind ? '<' : ''}${node.negate ? '!' : '='}${this.write(node.body)})`;
      case 'atomic':
        return this.atomic(() => this.write(node.body));
      case 'repeat': {
        const quantified = () => `(?:${this.write(node.body)})${quantifier(node.min, node.max)}`;
        if (node.mode === 'possessive') return this.atomic(quantified);
        return `${quantified()}${node.mode === 'lazy' ? '?' : ''}`;
      }
      case 'backref':
        return `(?:\\${this.numbers.get(node.index) ?? 0})`;
      case 'assert':
        return anchorSource(node.at, node.ascii);
    }
  }

  /** An atomic group: a lookahead captures what the body matches first, and the match takes exactly that. */
  private atomic(body: () => string): string {
    this.groups += 1;
    const number = this.groups;
    return `(?:(?=(${body()}))\\${number})`;
  }
}

function quantifier(min: number, max: number): string {
  if (max >= MAX_REPEAT) return min === 0 ? '*' : min === 1 ? '+' : `{${min},}`;
  if (min === 0 && max === 1) return '?';
  return min === max ? `{${min}}` : `{${min},${max}}`;
}

/** Whether every match must begin at the string's start (`^` without MULTILINE, or `\A`, first). */
export function startsAtStart(node: Node): boolean {
  switch (node.kind) {
    case 'assert':
      return node.at === 'stringStart';
    case 'seq':
      return node.items[0] !== undefined && startsAtStart(node.items[0]);
    case 'alt':
      return node.branches.every(startsAtStart);
    case 'group':
    case 'atomic':
      return startsAtStart(node.body);
    default:
      return false;
  }
}
