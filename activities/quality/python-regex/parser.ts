/** Parsing a pattern as Python's re/_parser.py does, with its errors. */
import { CATEGORY_ESCAPES, DIGITS, OCTAL, Scanner } from './scanner';
import { MAX_CODE_POINT, MAX_REPEAT, PythonRegexError, width, type Flags, type Node } from './tree';

interface GroupInfo {
  closed: boolean;
  width: [number, number];
}

export class Parser extends Scanner {
  private groups: GroupInfo[] = [];
  private readonly names = new Map<string, number>();
  private lookbehindDepth = 0;

  /** Widths in code points: a look-behind must have one. */
  private width(node: Node): [number, number] {
    return width(node, (index) => this.groups[index - 1]?.width ?? [0, 0]);
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
}
