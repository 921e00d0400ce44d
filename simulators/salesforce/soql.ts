/**
 * The part of SOQL the connector sends: SELECT fields FROM object [WHERE condition]
 * [ORDER BY field [ASC|DESC], ...] [LIMIT n], with comparisons joined by AND, OR, NOT and
 * parentheses. Syntax only; names and literal types are checked against the object in query.ts.
 */

export type Literal =
  | { kind: 'string'; value: string }
  | { kind: 'datetime'; value: string }
  | { kind: 'date'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'null' };

export type Operator = '=' | '!=' | '<' | '<=' | '>' | '>=';

export type Condition =
  | { kind: 'compare'; field: string; op: Operator; literal: Literal }
  | { kind: 'and'; left: Condition; right: Condition }
  | { kind: 'or'; left: Condition; right: Condition }
  | { kind: 'not'; operand: Condition };

export interface OrderItem {
  field: string;
  descending: boolean;
}

export interface SoqlQuery {
  fields: string[];
  object: string;
  where: Condition | null;
  orderBy: OrderItem[];
  limit: number | null;
}

export type SoqlErrorCode = 'MALFORMED_QUERY' | 'INVALID_FIELD' | 'INVALID_TYPE';

/** Carries the errorCode Salesforce answers with, so the server can reply in its shape. */
export class SoqlError extends Error {
  constructor(
    readonly errorCode: SoqlErrorCode,
    message: string,
  ) {
    super(message);
  }
}

type Token =
  | { type: 'word'; text: string; at: number }
  | { type: 'literal'; text: string; at: number; literal: Literal }
  | { type: 'op'; text: Operator; at: number }
  | { type: 'punct'; text: '(' | ')' | ','; at: number }
  | { type: 'end'; text: 'end of query'; at: number };

const DATETIME = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?(?:Z|[+-]\d{2}:?\d{2})/y;
const DATE = /\d{4}-\d{2}-\d{2}/y;
const NUMBER = /-?\d+(?:\.\d+)?/y;
const STRING = /'((?:[^'\\]|\\.)*)'/y;
const WORD = /[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*/y;
const OPERATOR = /<=|>=|!=|<>|=|<|>/y;
const SPACE = /\s+/y;

function matchAt(pattern: RegExp, text: string, at: number): RegExpExecArray | null {
  pattern.lastIndex = at;
  return pattern.exec(text);
}

function datetimeLiteral(text: string, at: number): Literal {
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new SoqlError('MALFORMED_QUERY', `invalid dateTime literal ${text} at column ${at + 1}`);
  return { kind: 'datetime', value: new Date(ms).toISOString() };
}

function literalToken(soql: string, at: number): Token | null {
  const datetime = matchAt(DATETIME, soql, at);
  if (datetime) return { type: 'literal', text: datetime[0], at, literal: datetimeLiteral(datetime[0], at) };
  const date = matchAt(DATE, soql, at);
  if (date) return { type: 'literal', text: date[0], at, literal: { kind: 'date', value: date[0] } };
  const number = matchAt(NUMBER, soql, at);
  if (number) return { type: 'literal', text: number[0], at, literal: { kind: 'number', value: Number(number[0]) } };
  const string = matchAt(STRING, soql, at);
  if (string) {
    const value = (string[1] ?? '').replace(/\\(.)/g, '$1');
    return { type: 'literal', text: string[0], at, literal: { kind: 'string', value } };
  }
  return null;
}

function tokenize(soql: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  while (at < soql.length) {
    const space = matchAt(SPACE, soql, at);
    if (space) {
      at += space[0].length;
      continue;
    }
    const token = literalToken(soql, at) ?? otherToken(soql, at);
    tokens.push(token);
    at += token.text.length;
  }
  tokens.push({ type: 'end', text: 'end of query', at });
  return tokens;
}

function otherToken(soql: string, at: number): Token {
  const word = matchAt(WORD, soql, at);
  if (word) return { type: 'word', text: word[0], at };
  const op = matchAt(OPERATOR, soql, at);
  if (op) return { type: 'op', text: op[0] === '<>' ? '!=' : toOperator(op[0]), at };
  const char = soql.charAt(at);
  if (char === '(' || char === ')' || char === ',') return { type: 'punct', text: char, at };
  throw new SoqlError('MALFORMED_QUERY', `unexpected character '${char}' at column ${at + 1}`);
}

const OPERATORS: readonly Operator[] = ['=', '!=', '<', '<=', '>', '>='];
function toOperator(text: string): Operator {
  const op = OPERATORS.find((o) => o === text);
  if (!op) throw new SoqlError('MALFORMED_QUERY', `unknown operator ${text}`);
  return op;
}

const KEYWORDS = new Set(['select', 'from', 'where', 'order', 'by', 'limit', 'and', 'or', 'not', 'asc', 'desc']);

class Parser {
  private index = 0;
  constructor(private readonly tokens: Token[]) {}

  query(): SoqlQuery {
    this.keyword('select');
    const fields = this.list(() => this.name('field'));
    this.keyword('from');
    const object = this.name('object');
    const where = this.acceptKeyword('where') ? this.or() : null;
    const orderBy = this.acceptKeyword('order') ? (this.keyword('by'), this.list(() => this.orderItem())) : [];
    const limit = this.acceptKeyword('limit') ? this.limit() : null;
    if (this.peek().type !== 'end') this.fail();
    return { fields, object, where, orderBy, limit };
  }

  private or(): Condition {
    let left = this.and();
    while (this.acceptKeyword('or')) left = { kind: 'or', left, right: this.and() };
    return left;
  }

  private and(): Condition {
    let left = this.unary();
    while (this.acceptKeyword('and')) left = { kind: 'and', left, right: this.unary() };
    return left;
  }

  private unary(): Condition {
    if (this.acceptKeyword('not')) return { kind: 'not', operand: this.unary() };
    if (this.acceptPunct('(')) {
      const inner = this.or();
      if (!this.acceptPunct(')')) this.fail();
      return inner;
    }
    const field = this.name('field');
    const op = this.next();
    if (op.type !== 'op') return this.fail(op);
    return { kind: 'compare', field, op: op.text, literal: this.literal() };
  }

  private literal(): Literal {
    const token = this.next();
    if (token.type === 'literal') return token.literal;
    const word = token.type === 'word' ? token.text.toLowerCase() : '';
    if (word === 'null') return { kind: 'null' };
    if (word === 'true' || word === 'false') return { kind: 'boolean', value: word === 'true' };
    return this.fail(token);
  }

  private orderItem(): OrderItem {
    const field = this.name('field');
    if (this.acceptKeyword('desc')) return { field, descending: true };
    this.acceptKeyword('asc');
    return { field, descending: false };
  }

  private limit(): number {
    const token = this.next();
    const value = token.type === 'literal' && token.literal.kind === 'number' ? token.literal.value : -1;
    return Number.isInteger(value) && value >= 0 ? value : this.fail(token);
  }

  private list<T>(item: () => T): T[] {
    const items = [item()];
    while (this.acceptPunct(',')) items.push(item());
    return items;
  }

  private name(what: 'field' | 'object'): string {
    const token = this.next();
    if (token.type !== 'word' || KEYWORDS.has(token.text.toLowerCase())) return this.fail(token, `expected a ${what} name`);
    return token.text;
  }

  private keyword(word: string): void {
    if (!this.acceptKeyword(word)) this.fail(this.peek(), `expected ${word.toUpperCase()}`);
  }

  private acceptKeyword(word: string): boolean {
    const token = this.peek();
    if (token.type !== 'word' || token.text.toLowerCase() !== word) return false;
    this.index += 1;
    return true;
  }

  private acceptPunct(char: '(' | ')' | ','): boolean {
    const token = this.peek();
    if (token.type !== 'punct' || token.text !== char) return false;
    this.index += 1;
    return true;
  }

  private peek(): Token {
    const token = this.tokens[this.index];
    if (!token) throw new SoqlError('MALFORMED_QUERY', 'unexpected end of query');
    return token;
  }

  private next(): Token {
    const token = this.peek();
    if (token.type !== 'end') this.index += 1;
    return token;
  }

  private fail(token: Token = this.peek(), expected?: string): never {
    const detail = expected ? `; ${expected}` : '';
    throw new SoqlError('MALFORMED_QUERY', `unexpected token: '${token.text}' at column ${token.at + 1}${detail}`);
  }
}

export function parseSoql(soql: string): SoqlQuery {
  return new Parser(tokenize(soql)).query();
}
