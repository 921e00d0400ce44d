/**
 * Reading a pattern code point by code point, with the parts of Python's syntax that need no grammar
 * above them: escapes of one character and character classes. The parser builds on it.
 */
import { MAX_CODE_POINT, PythonRegexError, type Category, type CharSet, type Flags } from './tree';

const WHITESPACE = new Set([' ', '\t', '\n', '\r', '\v', '\f']);
export const DIGITS = /^[0-9]$/;
export const OCTAL = /^[0-7]$/;
const HEX = /^[0-9a-fA-F]$/;
const CONTROL_ESCAPES: Readonly<Record<string, number>> = { a: 7, f: 12, n: 10, r: 13, t: 9, v: 11 };
export const CATEGORY_ESCAPES: Readonly<Record<string, { category: Category; negated: boolean }>> = {
  d: { category: 'digit', negated: false },
  D: { category: 'digit', negated: true },
  s: { category: 'space', negated: false },
  S: { category: 'space', negated: true },
  w: { category: 'word', negated: false },
  W: { category: 'word', negated: true },
};

export class Scanner {
  protected readonly chars: string[];
  protected at = 0;

  constructor(pattern: string) {
    this.chars = [...pattern];
  }

  protected fail(message: string): never {
    throw new PythonRegexError(`${message} at position ${this.at}`);
  }

  protected get next(): string | undefined {
    return this.chars[this.at];
  }

  protected take(): string | undefined {
    const char = this.chars[this.at];
    if (char !== undefined) this.at += 1;
    return char;
  }

  protected match(char: string): boolean {
    if (this.chars[this.at] !== char) return false;
    this.at += 1;
    return true;
  }

  protected until(terminator: string, what: string): string {
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

  /** Under the `x` flag: whitespace and comments are not part of the pattern. */
  protected skipVerbose(flags: Flags): void {
    if (!flags.verbose) return;
    for (;;) {
      const char = this.next;
      if (char !== undefined && WHITESPACE.has(char)) this.at += 1;
      else if (char === '#') {
        while (this.next !== undefined && this.next !== '\n') this.at += 1;
      } else return;
    }
  }

  protected escapedCode(char: string, inClass: boolean): number | null {
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

  protected octal(first: string): number {
    let text = first;
    while (text.length < 3 && this.next !== undefined && OCTAL.test(this.next)) text += this.take();
    const code = parseInt(text, 8);
    if (code > 0o377) this.fail(`octal escape value \\${text} outside of range 0-0o377`);
    return code;
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

  protected characterClass(flags: Flags): CharSet {
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
