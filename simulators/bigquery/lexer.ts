/**
 * A GoogleSQL lexer, just deep enough to translate a script for DuckDB: it knows where strings,
 * quoted identifiers, comments, parameters and statement ends are, so rewrites never touch the
 * inside of a literal and a `;` in a string does not split a statement.
 */
import { BigQueryRequestError } from './errors';

export type Token =
  | { kind: 'space'; text: string }
  /** Unquoted identifiers and keywords, as written. */
  | { kind: 'word'; text: string }
  /** A backtick-quoted name; `project.dataset.table` inside one pair of backticks is split on the dots. */
  | { kind: 'identifier'; parts: string[] }
  /** A string literal, decoded (escapes resolved). */
  | { kind: 'string'; value: string }
  /** `@name`, or `?` (name null). */
  | { kind: 'parameter'; name: string | null }
  /** `@@row_count` and the like: BigQuery scripting state the simulator does not keep. */
  | { kind: 'system-variable'; name: string }
  | { kind: 'number'; text: string }
  | { kind: 'symbol'; text: string };

const WORD_START = /[A-Za-z_]/;
const WORD_PART = /[A-Za-z0-9_]/;
const DIGIT = /[0-9]/;
const TWO_CHAR_SYMBOLS = new Set(['<=', '>=', '<>', '!=', '||', '<<', '>>']);
const ESCAPES: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', v: '\v', a: '\x07', '0': '\0' };

class Cursor {
  position = 0;
  constructor(readonly text: string) {}
  peek(offset = 0): string {
    return this.text[this.position + offset] ?? '';
  }
  startsWith(prefix: string): boolean {
    return this.text.startsWith(prefix, this.position);
  }
  takeWhile(pattern: RegExp): string {
    const start = this.position;
    while (this.position < this.text.length && pattern.test(this.peek())) this.position += 1;
    return this.text.slice(start, this.position);
  }
  syntaxError(what: string): BigQueryRequestError {
    const before = this.text.slice(0, this.position).split('\n');
    const where = `[${before.length}:${(before.at(-1)?.length ?? 0) + 1}]`;
    return BigQueryRequestError.invalidQuery(`Syntax error: ${what} at ${where}`);
  }
}

export function tokenize(sql: string): Token[] {
  const cursor = new Cursor(sql);
  const tokens: Token[] = [];
  while (cursor.position < sql.length) tokens.push(nextToken(cursor));
  return tokens;
}

function nextToken(cursor: Cursor): Token {
  const char = cursor.peek();
  if (/\s/.test(char)) return { kind: 'space', text: cursor.takeWhile(/\s/) };
  if (cursor.startsWith('--') || char === '#') return { kind: 'space', text: lineComment(cursor) };
  if (cursor.startsWith('/*')) return { kind: 'space', text: blockComment(cursor) };
  const prefix = /^[rRbB]{1,2}(?=['"])/.exec(cursor.text.slice(cursor.position, cursor.position + 3))?.[0] ?? '';
  if (prefix || char === "'" || char === '"') return stringLiteral(cursor, prefix);
  if (char === '`') return quotedIdentifier(cursor);
  if (char === '@') return parameter(cursor);
  if (char === '?') {
    cursor.position += 1;
    return { kind: 'parameter', name: null };
  }
  if (WORD_START.test(char)) return { kind: 'word', text: cursor.takeWhile(WORD_PART) };
  if (DIGIT.test(char) || (char === '.' && DIGIT.test(cursor.peek(1)))) {
    return { kind: 'number', text: cursor.takeWhile(/[0-9.eE]/) };
  }
  const pair = char + cursor.peek(1);
  const text = TWO_CHAR_SYMBOLS.has(pair) ? pair : char;
  cursor.position += text.length;
  return { kind: 'symbol', text };
}

function lineComment(cursor: Cursor): string {
  const end = cursor.text.indexOf('\n', cursor.position);
  const stop = end === -1 ? cursor.text.length : end;
  cursor.position = stop;
  return ' ';
}

function blockComment(cursor: Cursor): string {
  const end = cursor.text.indexOf('*/', cursor.position + 2);
  if (end === -1) throw cursor.syntaxError('Unclosed comment');
  cursor.position = end + 2;
  return ' ';
}

function stringLiteral(cursor: Cursor, prefix: string): Token {
  if (/[bB]/.test(prefix)) throw cursor.syntaxError('BYTES literals are not supported by the simulator');
  const raw = /[rR]/.test(prefix);
  cursor.position += prefix.length;
  const quote = cursor.peek();
  const delimiter = cursor.startsWith(quote.repeat(3)) ? quote.repeat(3) : quote;
  cursor.position += delimiter.length;
  let value = '';
  while (!cursor.startsWith(delimiter)) {
    const char = cursor.peek();
    if (char === '') throw cursor.syntaxError('Unclosed string literal');
    if (delimiter.length === 1 && char === '\n') throw cursor.syntaxError('Unclosed string literal');
    if (char === '\\' && !raw) {
      const escaped = cursor.peek(1);
      value += ESCAPES[escaped] ?? escaped;
      cursor.position += 2;
    } else {
      value += char;
      cursor.position += 1;
    }
  }
  cursor.position += delimiter.length;
  return { kind: 'string', value };
}

function quotedIdentifier(cursor: Cursor): Token {
  const end = cursor.text.indexOf('`', cursor.position + 1);
  if (end === -1) throw cursor.syntaxError('Unclosed identifier literal');
  const name = cursor.text.slice(cursor.position + 1, end);
  cursor.position = end + 1;
  return { kind: 'identifier', parts: name.split('.') };
}

function parameter(cursor: Cursor): Token {
  if (cursor.startsWith('@@')) {
    cursor.position += 2;
    return { kind: 'system-variable', name: cursor.takeWhile(WORD_PART) };
  }
  cursor.position += 1;
  const name = cursor.takeWhile(WORD_PART);
  if (!name) throw cursor.syntaxError('Unexpected "@"');
  return { kind: 'parameter', name };
}

/** Splits at top-level `;`, dropping statements that are only spaces and comments. */
export function splitStatements(tokens: readonly Token[]): Token[][] {
  const statements: Token[][] = [[]];
  for (const token of tokens) {
    if (token.kind === 'symbol' && token.text === ';') statements.push([]);
    else statements.at(-1)?.push(token);
  }
  return statements.filter((statement) => statement.some((token) => token.kind !== 'space'));
}

/** The word tokens of a statement, upper-cased, for recognising its shape. */
export function keywords(tokens: readonly Token[]): string[] {
  return tokens.flatMap((token) => (token.kind === 'word' ? [token.text.toUpperCase()] : []));
}

export const isWord = (token: Token | undefined, ...words: string[]): boolean =>
  token?.kind === 'word' && words.includes(token.text.toUpperCase());

export const isSymbol = (token: Token | undefined, text: string): boolean => token?.kind === 'symbol' && token.text === text;
