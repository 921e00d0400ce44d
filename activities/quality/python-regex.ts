/**
 * Python `re` patterns in JavaScript. Great Expectations on pandas runs a regex with Python's `re`
 * (`str.contains`, that is re.search), so a suite's regex is Python syntax and means what Python
 * makes of it: `\A`/`\Z` anchor the string, `$` also matches before a trailing newline, `.` stops
 * only at `\n`, `\w`, `\d`, `\s` and `\b` are Unicode, `(?i)` folds case Python's way, `\p{L}` is a
 * syntax error. A pattern is parsed as Python's parser (`re/_parser.py`) parses it, with its errors,
 * and written out as a JavaScript RegExp (flag `v`, no `i`, `m` or `s`) that matches the same strings;
 * what JavaScript cannot say exactly (conditionals, `\N{name}`, a case-insensitive backreference) is
 * refused with a PythonRegexError naming it. test/quality/python-regex.test.ts holds each rule against
 * Python itself.
 */

export class PythonRegexError extends Error {}

type Range = readonly [number, number];

/** The classes Python's `\d \s \w` stand for: Unicode, or ASCII under the `a` flag. */
type Category = 'digit' | 'space' | 'word';

/** What one position matches: code points listed and categories, possibly negated. */
interface CharSet {
  negated: boolean;
  ranges: Range[];
  categories: { category: Category; negated: boolean; ascii: boolean }[];
}

type Node =
  | { kind: 'set'; set: CharSet; foldCase: boolean }
  | { kind: 'seq'; items: Node[] }
  | { kind: 'alt'; branches: Node[] }
  | { kind: 'group'; index: number | null; body: Node }
  | { kind: 'look'; behind: boolean; negate: boolean; body: Node }
  | { kind: 'atomic'; body: Node }
  | { kind: 'repeat'; body: Node; min: number; max: number; mode: 'greedy' | 'lazy' | 'possessive' }
  | { kind: 'backref'; index: number }
  | { kind: 'assert'; at: Anchor; ascii: boolean };

type Anchor = 'stringStart' | 'stringEnd' | 'end' | 'lineStart' | 'lineEnd' | 'boundary' | 'nonBoundary';

interface Flags {
  ignoreCase: boolean;
  multiline: boolean;
  dotAll: boolean;
  verbose: boolean;
  ascii: boolean;
}

const MAX_REPEAT = 4_294_967_295;
const MAX_CODE_POINT = 0x10ffff;
const WHITESPACE = new Set([' ', '\t', '\n', '\r', '\v', '\f']);
const DIGITS = /^[0-9]$/;
const OCTAL = /^[0-7]$/;
const HEX = /^[0-9a-fA-F]$/;
const CONTROL_ESCAPES: Readonly<Record<string, number>> = { a: 7, f: 12, n: 10, r: 13, t: 9, v: 11 };
const CATEGORY_ESCAPES: Readonly<Record<string, { category: Category; negated: boolean }>> = {
  d: { category: 'digit', negated: false },
  D: { category: 'digit', negated: true },
  s: { category: 'space', negated: false },
  S: { category: 'space', negated: true },
  w: { category: 'word', negated: false },
  W: { category: 'word', negated: true },
};

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
const rangesSource = (ranges: readonly Range[]): string =>
  ranges.map(([lo, hi]) => (lo === hi ? literal(lo) : `${literal(lo)}-${literal(hi)}`)).join('');

/** A category as the contents of a `v` class. */
function categorySource(category: Category, ascii: boolean): string {
  switch (category) {
    case 'digit':
      return ascii ? '0-9' : '\\p{Nd}';
    case 'space':
      return rangesSource(ascii ? ASCII_SPACE : PY_SPACE);
    case 'word':
      return ascii ? 'A-Za-z0-9_' : '\\p{L}\\p{N}_';
  }
}

const categoryClass = (c: CharSet['categories'][number]): string => `[${c.negated ? '^' : ''}${categorySource(c.category, c.ascii)}]`;

function normalise(ranges: readonly Range[]): Range[] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const [lo, hi] of sorted) {
    const last = merged.at(-1);
    if (last && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
    else merged.push([lo, hi]);
  }
  return merged;
}

// ---- Case folding as Python's `re` does it ----------------------------------------------------

/** Python's re/_casefix.py (3.11): lower-case letters that also match each other under IGNORECASE. */
const EXTRA_CASES: ReadonlyMap<number, readonly number[]> = new Map([
  [105, [305]],
  [115, [383]],
  [181, [956]],
  [305, [105]],
  [383, [115]],
  [837, [953, 8126]],
  [912, [8147]],
  [944, [8163]],
  [946, [976]],
  [949, [1013]],
  [952, [977]],
  [953, [837, 8126]],
  [954, [1008]],
  [956, [181]],
  [960, [982]],
  [961, [1009]],
  [962, [963]],
  [963, [962]],
  [966, [981]],
  [976, [946]],
  [977, [952]],
  [981, [966]],
  [982, [960]],
  [1008, [954]],
  [1009, [961]],
  [1013, [949]],
  [1074, [7296]],
  [1076, [7297]],
  [1086, [7298]],
  [1089, [7299]],
  [1090, [7300, 7301]],
  [1098, [7302]],
  [1123, [7303]],
  [7296, [1074]],
  [7297, [1076]],
  [7298, [1086]],
  [7299, [1089]],
  [7300, [1090, 7301]],
  [7301, [1090, 7300]],
  [7302, [1098]],
  [7303, [1123]],
  [7304, [42571]],
  [7777, [7835]],
  [7835, [7777]],
  [8126, [837, 953]],
  [8147, [912]],
  [8163, [944]],
  [42571, [7304]],
  [64261, [64262]],
  [64262, [64261]],
]);

/** Python's simple lower-case mapping (sre_lower_unicode): one code point to one. */
function lower(code: number): number {
  if (code === 0x130) return 0x69; // İ: its full lower case is two code points, its simple one is i
  const folded = String.fromCodePoint(code).toLowerCase();
  const first = folded.codePointAt(0);
  return first !== undefined && folded.length === String.fromCodePoint(first).length ? first : code;
}

let changedByLower: Map<number, number> | null = null;
/** Every code point whose lower case is another one, with it: found once, on the first `(?i)`. */
function lowerCased(): Map<number, number> {
  if (changedByLower) return changedByLower;
  const changed = new Map<number, number>();
  for (let start = 0; start <= MAX_CODE_POINT; start += 0x1000) {
    const codes: number[] = [];
    for (let code = start; code < start + 0x1000; code += 1) if (code < 0xd800 || code > 0xdfff) codes.push(code);
    for (const found of String.fromCodePoint(...codes).matchAll(/\p{Changes_When_Lowercased}/gu)) {
      const code = found[0].codePointAt(0) ?? 0;
      const low = lower(code);
      if (low !== code) changed.set(code, low);
    }
  }
  changedByLower = changed;
  return changed;
}

const inRanges = (ranges: readonly Range[], code: number): boolean => ranges.some(([lo, hi]) => code >= lo && code <= hi);

/**
 * The class a set becomes under IGNORECASE. Python lower-cases each listed code point (adding the
 * extra cases of _casefix.py) and, matching, lower-cases the text's character before looking it up,
 * categories included: x matches when lower(x) is in the lowered set. Code points lower() keeps are
 * in or out as they are; the few it changes are decided one by one.
 */
function foldedSource(set: CharSet): string {
  const changed = lowerCased();
  const images: Range[] = [];
  for (const [code, low] of changed) if (inRanges(set.ranges, code)) images.push([low, low]);
  const lowered = (code: number): boolean => (inRanges(set.ranges, code) && !changed.has(code)) || inRanges(images, code);
  const extras: Range[] = [];
  for (const [code, others] of EXTRA_CASES) if (lowered(code)) for (const other of others) extras.push([other, other]);
  const listed = normalise([...set.ranges, ...images, ...extras]);
  const categories = set.categories.map((c) => new RegExp(`^${categoryClass(c)}$`, 'v'));
  const member = (code: number): boolean =>
    lowered(code) || inRanges(extras, code) || categories.some((pattern) => pattern.test(String.fromCodePoint(code)));
  const extra: Range[] = [];
  for (const [code, low] of changed) if (member(low)) extra.push([code, code]);
  const base = `${rangesSource(listed)}${set.categories.map(categoryClass).join('')}`;
  const changedSource = rangesSource(normalise([...changed.keys()].map((code): Range => [code, code])));
  const kept = base === '' ? '' : `[[${base}]--[${changedSource}]]`;
  return `[${set.negated ? '^' : ''}${kept}${rangesSource(normalise(extra))}]`;
}

function setSource(set: CharSet, foldCase: boolean): string {
  if (foldCase) return foldedSource(set);
  return `[${set.negated ? '^' : ''}${rangesSource(normalise(set.ranges))}${set.categories.map(categoryClass).join('')}]`;
}

// ---- Parsing, as Python's re/_parser.py ------------------------------------------------------

interface GroupInfo {
  closed: boolean;
  width: [number, number];
}

class Parser {
  private readonly chars: string[];
  private at = 0;
  private groups: GroupInfo[] = [];
  private readonly names = new Map<string, number>();
  private lookbehindDepth = 0;

  constructor(pattern: string) {
    this.chars = [...pattern];
  }

  private fail(message: string): never {
    throw new PythonRegexError(`${message} at position ${this.at}`);
  }

  private get next(): string | undefined {
    return this.chars[this.at];
  }

  private take(): string | undefined {
    const char = this.chars[this.at];
    if (char !== undefined) this.at += 1;
    return char;
  }

  private match(char: string): boolean {
    if (this.chars[this.at] !== char) return false;
    this.at += 1;
    return true;
  }

  private until(terminator: string, what: string): string {
    let text = '';
    for (;;) {
      const char = this.take();
      if (char === undefined) this.fail(`missing ${terminator}, unterminated ${what}`);
      if (char === terminator) break;
      text += char;
    }
    if (text === '') this.fail(`missing ${what}`);
    return text;
  }

  parse(): Node {
    const flags: Flags = { ignoreCase: false, multiline: false, dotAll: false, verbose: false, ascii: false };
    // Global flags lead the pattern: read them first, since `x` changes how the rest is read.
    for (;;) {
      const start = this.at;
      if (!(this.match('(') && this.match('?'))) {
        this.at = start;
        break;
      }
      const added = this.readFlags();
      if (added === null || !this.match(')')) {
        this.at = start;
        break;
      }
      if (Object.keys(added.off).length > 0) this.fail('missing :');
      Object.assign(flags, added.on);
    }
    const body = this.alternation(flags);
    if (this.at < this.chars.length) this.fail(this.next === ')' ? 'unbalanced parenthesis' : 'unexpected end');
    return body;
  }

  /** `aiLmsux` then optionally `-imsx`: null when the text is no flag group. */
  private readFlags(): { on: Partial<Flags>; off: Partial<Flags> } | null {
    const on: Partial<Flags> = {};
    const off: Partial<Flags> = {};
    const set = (into: Partial<Flags>, char: string, value: boolean): boolean => {
      if (char === 'i') into.ignoreCase = value;
      else if (char === 'm') into.multiline = value;
      else if (char === 's') into.dotAll = value;
      else if (char === 'x') into.verbose = value;
      else if (char === 'a' && value) into.ascii = true;
      else if (char === 'u' && value) into.ascii = false;
      else if (char === 'L') this.fail("bad inline flags: cannot use 'L' flag with a str pattern");
      else return false;
      return true;
    };
    let any = false;
    while (this.next !== undefined && set(on, this.next, true)) {
      this.at += 1;
      any = true;
    }
    if (this.match('-')) {
      let turnedOff = false;
      while (this.next !== undefined && 'imsx'.includes(this.next)) {
        set(off, this.next, false);
        this.at += 1;
        turnedOff = true;
      }
      if (!turnedOff) this.fail('missing flag');
      any = true;
    }
    return any ? { on, off } : null;
  }

  private skipVerbose(flags: Flags): void {
    if (!flags.verbose) return;
    for (;;) {
      const char = this.next;
      if (char !== undefined && WHITESPACE.has(char)) this.at += 1;
      else if (char === '#') {
        while (this.next !== undefined && this.next !== '\n') this.at += 1;
      } else return;
    }
  }

  private alternation(flags: Flags): Node {
    const branches: Node[] = [this.sequence(flags)];
    while (this.match('|')) branches.push(this.sequence(flags));
    return branches.length === 1 && branches[0] ? branches[0] : { kind: 'alt', branches };
  }

  private sequence(flags: Flags): Node {
    const items: Node[] = [];
    for (;;) {
      this.skipVerbose(flags);
      const char = this.next;
      if (char === undefined || char === '|' || char === ')') break;
      if ('*+?{'.includes(char)) {
        if (this.quantify(items)) continue;
      }
      this.at += 1;
      const item = this.atom(char, flags);
      if (item) items.push(item);
    }
    return items.length === 1 && items[0] ? items[0] : { kind: 'seq', items };
  }

  /** Applies a quantifier to the last item; false when `{` turns out to be a literal. */
  private quantify(items: Node[]): boolean {
    const start = this.at;
    const char = this.take();
    let min = 0;
    let max = MAX_REPEAT;
    if (char === '+') min = 1;
    else if (char === '?') max = 1;
    else if (char === '{') {
      if (this.next === '}') {
        this.at = start;
        return false;
      }
      let lo = '';
      let hi = '';
      while (this.next !== undefined && DIGITS.test(this.next)) lo += this.take();
      if (this.match(',')) {
        while (this.next !== undefined && DIGITS.test(this.next)) hi += this.take();
      } else hi = lo;
      if (!this.match('}')) {
        this.at = start;
        return false;
      }
      if (lo) min = Number(lo);
      if (hi) max = Number(hi);
      if (min > MAX_REPEAT || max > MAX_REPEAT) this.fail('the repetition number is too large');
      if (max < min) this.fail('min repeat greater than max repeat');
    }
    const last = items.at(-1);
    if (!last || last.kind === 'assert') this.fail('nothing to repeat');
    if (last.kind === 'repeat') this.fail('multiple repeat');
    const mode = this.match('?') ? 'lazy' : this.match('+') ? 'possessive' : 'greedy';
    items[items.length - 1] = { kind: 'repeat', body: last, min, max, mode };
    return true;
  }

  private atom(char: string, flags: Flags): Node | null {
    switch (char) {
      case '.':
        return {
          kind: 'set',
          set: { negated: !flags.dotAll, ranges: flags.dotAll ? [[0, MAX_CODE_POINT]] : [[10, 10]], categories: [] },
          foldCase: false,
        };
      case '^':
        return { kind: 'assert', at: flags.multiline ? 'lineStart' : 'stringStart', ascii: flags.ascii };
      case '$':
        return { kind: 'assert', at: flags.multiline ? 'lineEnd' : 'end', ascii: flags.ascii };
      case '[':
        return { kind: 'set', set: this.characterClass(flags), foldCase: flags.ignoreCase };
      case '(':
        return this.group(flags);
      case '\\':
        return this.escape(flags);
      default: {
        const code = char.codePointAt(0) ?? 0;
        return { kind: 'set', set: { negated: false, ranges: [[code, code]], categories: [] }, foldCase: flags.ignoreCase };
      }
    }
  }

  private group(flags: Flags): Node | null {
    if (!this.match('?')) return this.capture(flags, null);
    const char = this.take();
    switch (char) {
      case 'P': {
        if (this.match('<')) {
          const name = this.until('>', 'group name');
          if (!/^[\p{ID_Start}_][\p{ID_Continue}]*$/u.test(name)) this.fail(`bad character in group name '${name}'`);
          if (this.names.has(name)) this.fail(`redefinition of group name '${name}'`);
          return this.capture(flags, name);
        }
        if (this.match('=')) {
          const name = this.until(')', 'group name');
          const index = this.names.get(name);
          if (index === undefined) this.fail(`unknown group name '${name}'`);
          return this.backref(index, flags);
        }
        return this.fail(`unknown extension ?P${this.next ?? ''}`);
      }
      case ':':
        return this.nonCapture(flags);
      case '#':
        while (this.next !== ')') {
          if (this.take() === undefined) this.fail('missing ), unterminated comment');
        }
        this.at += 1;
        return null;
      case '=':
      case '!':
        return this.lookaround(flags, false, char === '!');
      case '<': {
        const kind = this.take();
        if (kind !== '=' && kind !== '!') return this.fail(`unknown extension ?<${kind ?? ''}`);
        return this.lookaround(flags, true, kind === '!');
      }
      case '>': {
        const body = this.alternation(flags);
        if (!this.match(')')) this.fail('missing ), unterminated subpattern');
        return { kind: 'atomic', body };
      }
      case '(':
        throw new PythonRegexError('conditional groups (?(…)…|…) have no JavaScript equivalent');
      default: {
        this.at -= 1;
        const changed = this.readFlags();
        if (changed === null) return this.fail(`unknown extension ?${char ?? ''}`);
        // Global flags lead the pattern and were read before it: anywhere else they are an error.
        if (this.match(')')) this.fail('global flags not at the start of the expression');
        if (!this.match(':')) this.fail('missing :');
        return this.nonCapture({ ...flags, ...changed.on, ...changed.off });
      }
    }
  }

  private capture(flags: Flags, name: string | null): Node {
    const index = this.groups.length + 1;
    this.groups.push({ closed: false, width: [0, 0] });
    if (name !== null) this.names.set(name, index);
    const body = this.alternation(flags);
    if (!this.match(')')) this.fail('missing ), unterminated subpattern');
    const info = this.groups[index - 1];
    if (info) {
      info.closed = true;
      info.width = this.width(body);
    }
    return { kind: 'group', index, body };
  }

  private nonCapture(flags: Flags): Node {
    const body = this.alternation(flags);
    if (!this.match(')')) this.fail('missing ), unterminated subpattern');
    return { kind: 'group', index: null, body };
  }

  private lookaround(flags: Flags, behind: boolean, negate: boolean): Node {
    if (behind) this.lookbehindDepth += 1;
    const body = this.alternation(flags);
    if (!this.match(')')) this.fail('missing ), unterminated subpattern');
    if (behind) {
      this.lookbehindDepth -= 1;
      const [lo, hi] = this.width(body);
      if (lo !== hi) this.fail('look-behind requires fixed-width pattern');
    }
    return { kind: 'look', behind, negate, body };
  }

  private backref(index: number, flags: Flags): Node {
    const info = this.groups[index - 1];
    if (!info) return this.fail(`invalid group reference ${index}`);
    if (!info.closed) this.fail('cannot refer to an open group');
    if (this.lookbehindDepth > 0) throw new PythonRegexError('a group reference inside a look-behind has no exact JavaScript equivalent');
    if (flags.ignoreCase) throw new PythonRegexError('a group reference under IGNORECASE (?i) has no exact JavaScript equivalent');
    return { kind: 'backref', index };
  }

  /** Widths in code points, as Python's getwidth(): a look-behind must have one. */
  private width(node: Node): [number, number] {
    switch (node.kind) {
      case 'set':
        return [1, 1];
      case 'seq':
        return node.items.reduce<[number, number]>(
          (sum, item) => {
            const [lo, hi] = this.width(item);
            return [sum[0] + lo, Math.min(sum[1] + hi, MAX_REPEAT)];
          },
          [0, 0],
        );
      case 'alt': {
        const widths = node.branches.map((branch) => this.width(branch));
        return [Math.min(...widths.map(([lo]) => lo)), Math.max(...widths.map(([, hi]) => hi))];
      }
      case 'group':
      case 'atomic':
        return this.width(node.body);
      case 'repeat': {
        const [lo, hi] = this.width(node.body);
        return [lo * node.min, Math.min(hi * node.max, MAX_REPEAT)];
      }
      case 'backref':
        return this.groups[node.index - 1]?.width ?? [0, 0];
      case 'look':
      case 'assert':
        return [0, 0];
    }
  }

  private escapedCode(char: string, inClass: boolean): number | null {
    const control = CONTROL_ESCAPES[char];
    if (control !== undefined) return control;
    if (char === 'b' && inClass) return 8;
    if (char === 'x' || char === 'u' || char === 'U') {
      const digits = char === 'x' ? 2 : char === 'u' ? 4 : 8;
      let text = '';
      for (let i = 0; i < digits; i += 1) {
        const next = this.next;
        if (next === undefined || !HEX.test(next)) this.fail(`incomplete escape \\${char}${text}`);
        text += this.take();
      }
      const code = parseInt(text, 16);
      if (code > MAX_CODE_POINT) this.fail(`bad escape \\${char}${text}`);
      return code;
    }
    if (char === 'N') throw new PythonRegexError('named characters \\N{…} are not supported: write the character itself or a \\u escape');
    return null;
  }

  private octal(first: string): number {
    let text = first;
    while (text.length < 3 && this.next !== undefined && OCTAL.test(this.next)) text += this.take();
    const code = parseInt(text, 8);
    if (code > 0o377) this.fail(`octal escape value \\${text} outside of range 0-0o377`);
    return code;
  }

  private escape(flags: Flags): Node {
    const char = this.take();
    if (char === undefined) return this.fail('bad escape (end of pattern)');
    const single = (code: number): Node => ({
      kind: 'set',
      set: { negated: false, ranges: [[code, code]], categories: [] },
      foldCase: flags.ignoreCase,
    });
    const category = CATEGORY_ESCAPES[char];
    if (category)
      return { kind: 'set', set: { negated: false, ranges: [], categories: [{ ...category, ascii: flags.ascii }] }, foldCase: false };
    if (char === 'A') return { kind: 'assert', at: 'stringStart', ascii: flags.ascii };
    if (char === 'Z') return { kind: 'assert', at: 'stringEnd', ascii: flags.ascii };
    if (char === 'b') return { kind: 'assert', at: 'boundary', ascii: flags.ascii };
    if (char === 'B') return { kind: 'assert', at: 'nonBoundary', ascii: flags.ascii };
    if (char === '0') return single(this.octal(char));
    if (DIGITS.test(char)) {
      const second = this.next;
      if (second !== undefined && DIGITS.test(second)) {
        const third = this.chars[this.at + 1];
        if (OCTAL.test(char) && OCTAL.test(second) && third !== undefined && OCTAL.test(third)) {
          this.at += 2;
          const code = parseInt(`${char}${second}${third}`, 8);
          if (code > 0o377) this.fail(`octal escape value \\${char}${second}${third} outside of range 0-0o377`);
          return single(code);
        }
        this.at += 1;
        return this.backref(Number(`${char}${second}`), flags);
      }
      return this.backref(Number(char), flags);
    }
    const code = this.escapedCode(char, false);
    if (code !== null) return single(code);
    if (/^[A-Za-z]$/.test(char)) this.fail(`bad escape \\${char}`);
    return single(char.codePointAt(0) ?? 0);
  }

  /** One item of a class: a code point, or a category (null code). */
  private classItem(char: string, flags: Flags): { code: number } | { category: CharSet['categories'][number] } {
    if (char !== '\\') return { code: char.codePointAt(0) ?? 0 };
    const escaped = this.take();
    if (escaped === undefined) return this.fail('bad escape (end of pattern)');
    const category = CATEGORY_ESCAPES[escaped];
    if (category) return { category: { ...category, ascii: flags.ascii } };
    if (OCTAL.test(escaped)) return { code: this.octal(escaped) };
    if (DIGITS.test(escaped)) this.fail(`bad escape \\${escaped}`);
    const code = this.escapedCode(escaped, true);
    if (code !== null) return { code };
    if (/^[A-Za-z]$/.test(escaped)) this.fail(`bad escape \\${escaped}`);
    return { code: escaped.codePointAt(0) ?? 0 };
  }

  private characterClass(flags: Flags): CharSet {
    const set: CharSet = { negated: this.match('^'), ranges: [], categories: [] };
    const start = this.at;
    for (;;) {
      const char = this.take();
      if (char === undefined) this.fail('unterminated character set');
      if (char === ']' && this.at - 1 !== start) break;
      const first = this.classItem(char, flags);
      if (this.match('-')) {
        const next = this.take();
        if (next === undefined) this.fail('unterminated character set');
        if (next === ']') {
          if ('code' in first) set.ranges.push([first.code, first.code]);
          else set.categories.push(first.category);
          set.ranges.push([45, 45]);
          break;
        }
        const second = this.classItem(next, flags);
        if (!('code' in first) || !('code' in second)) this.fail('bad character range');
        if (second.code < first.code) this.fail('bad character range');
        set.ranges.push([first.code, second.code]);
      } else if ('code' in first) set.ranges.push([first.code, first.code]);
      else set.categories.push(first.category);
    }
    return set;
  }
}

// ---- Writing the JavaScript pattern -----------------------------------------------------------

/** Any code point: in a `v` pattern a surrogate pair is one. */
const ANY = '[\\u{0}-\\u{10ffff}]';
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

class Writer {
  private groups = 0;
  private readonly numbers = new Map<number, number>();

  write(node: Node): string {
    switch (node.kind) {
      case 'set':
        return setSource(node.set, node.foldCase);
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
function startsAtStart(node: Node): boolean {
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

const compiled = new Map<string, RegExp>();

/**
 * The JavaScript RegExp that matches what the Python pattern matches (use `.test` as re.search);
 * throws PythonRegexError when Python would refuse the pattern or JavaScript cannot say it.
 */
export function pythonRegex(pattern: string): RegExp {
  const known = compiled.get(pattern);
  if (known) return known;
  // Anchored, and moved along by whole code points: V8 would also try a match between the two halves
  // of a surrogate pair, where a lookaround sees neither, and find a \B or a (?<!…) Python never does.
  // A pattern that starts at the start of the string can match nowhere else: it needs no such walk.
  const tree = new Parser(pattern).parse();
  const body = new Writer().write(tree);
  const source = startsAtStart(tree) ? body : `^${ANY}*?(?:${body})`;
  let regex: RegExp;
  try {
    regex = new RegExp(source, 'v');
  } catch (error) {
    throw new PythonRegexError(`cannot be written as a JavaScript pattern (${error instanceof Error ? error.message : String(error)})`);
  }
  if (compiled.size > 1_000) compiled.clear();
  compiled.set(pattern, regex);
  return regex;
}
