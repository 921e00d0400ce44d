/**
 * CREATE TABLE … PARTITION BY … CLUSTER BY … OPTIONS(…): DuckDB knows none of these clauses, so they
 * are read into a TableDeclaration (kept as table metadata by the script runner) and removed.
 */
import { BigQueryRequestError } from './errors';
import { isSymbol, isWord } from './lexer';
import { asToken, nextSolid, sql, type Piece } from './pieces';

/** Time partitioning as a table's metadata reports it. */
export interface TimePartitioning {
  type: 'HOUR' | 'DAY' | 'MONTH' | 'YEAR';
  /** Absent for ingestion-time partitioning. */
  field?: string;
}

/** What a CREATE TABLE statement declared beyond its columns: recorded, then dropped from the SQL. */
export interface TableDeclaration {
  /** The name as written: [table], [dataset, table] or [project, dataset, table]. */
  name: string[];
  temporary: boolean;
  orReplace: boolean;
  ifNotExists: boolean;
  timePartitioning: TimePartitioning | null;
  clustering: { fields: string[] } | null;
}

/** Index of the next top-level word in `stops` from `from` on (or the end). */
function clauseEnd(pieces: readonly Piece[], from: number, stops: readonly string[]): number {
  let depth = 0;
  for (let i = from; i < pieces.length; i += 1) {
    const token = asToken(pieces[i]);
    if (isSymbol(token, '(')) depth += 1;
    else if (isSymbol(token, ')')) depth -= 1;
    else if (depth === 0 && token?.kind === 'word' && stops.includes(token.text.toUpperCase())) return i;
  }
  return pieces.length;
}

/** Indexes of the statement's solid pieces (not spaces), so the DDL shape can be read word by word. */
function solidIndexes(pieces: readonly Piece[]): number[] {
  return pieces.flatMap((piece, index) => (piece.kind === 'space' ? [] : [index]));
}

/** Reads and strips the clauses of a CREATE TABLE statement; null for any other statement. */
export function declareTable(pieces: Piece[]): TableDeclaration | null {
  const solid = solidIndexes(pieces);
  const word = (position: number): string => {
    const token = asToken(pieces[solid[position] ?? -1]);
    return token?.kind === 'word' ? token.text.toUpperCase() : '';
  };
  if (word(0) !== 'CREATE') return null;
  let position = 1;
  const orReplace = word(position) === 'OR' && word(position + 1) === 'REPLACE';
  if (orReplace) position += 2;
  const temporary = word(position) === 'TEMP' || word(position) === 'TEMPORARY';
  if (temporary) position += 1;
  if (word(position) !== 'TABLE') return null;
  position += 1;
  const ifNotExists = word(position) === 'IF' && word(position + 1) === 'NOT' && word(position + 2) === 'EXISTS';
  if (ifNotExists) position += 3;
  const name = readName(pieces, solid[position] ?? pieces.length);
  let timePartitioning: TimePartitioning | null = null;
  let clustering: { fields: string[] } | null = null;
  let depth = 0;
  for (let i = name.end; i < pieces.length; i += 1) {
    const token = asToken(pieces[i]);
    if (isSymbol(token, '(')) depth += 1;
    if (isSymbol(token, ')')) depth -= 1;
    if (depth > 0) continue;
    // The query of CREATE TABLE … AS SELECT is not the table's declaration.
    if (isWord(token, 'AS')) break;
    const clause = clauseKeyword(pieces, i);
    if (!clause) continue;
    const end = clauseEnd(pieces, clause.bodyStart, ['PARTITION', 'CLUSTER', 'OPTIONS', 'AS']);
    const body = pieces.slice(clause.bodyStart, end);
    if (clause.word === 'PARTITION') timePartitioning = partitioningOf(body);
    if (clause.word === 'CLUSTER') clustering = { fields: plainWords(body).filter((text) => text !== ',') };
    pieces.splice(i, end - i, sql(' '));
  }
  return { name: name.parts, temporary, orReplace, ifNotExists, timePartitioning, clustering };
}

/** A dotted name starting at `start`: words and backtick identifiers joined by `.`. */
function readName(pieces: readonly Piece[], start: number): { parts: string[]; end: number } {
  const parts: string[] = [];
  let i = start;
  for (;;) {
    const token = asToken(pieces[i]);
    if (token?.kind === 'word') parts.push(token.text);
    else if (token?.kind === 'identifier') parts.push(...token.parts);
    else break;
    if (!isSymbol(asToken(pieces[i + 1]), '.')) return { parts, end: i + 1 };
    i += 2;
  }
  if (parts.length === 0) throw BigQueryRequestError.invalidQuery('Syntax error: CREATE TABLE needs a table name');
  return { parts, end: i };
}

/** PARTITION BY, CLUSTER BY and OPTIONS at the statement's top level; `bodyStart` follows BY or OPTIONS. */
function clauseKeyword(pieces: readonly Piece[], index: number): { word: string; bodyStart: number } | null {
  const token = asToken(pieces[index]);
  if (isWord(token, 'OPTIONS')) return { word: 'OPTIONS', bodyStart: index + 1 };
  if (!isWord(token, 'PARTITION', 'CLUSTER')) return null;
  const by = nextSolid(pieces, index + 1);
  if (!isWord(asToken(pieces[by]), 'BY')) return null;
  return { word: token?.kind === 'word' ? token.text.toUpperCase() : '', bodyStart: by + 1 };
}

function plainWords(pieces: readonly Piece[]): string[] {
  return pieces.flatMap((piece) => {
    if (piece.kind === 'word' || piece.kind === 'symbol') return [piece.text];
    if (piece.kind === 'identifier') return [piece.parts.join('.')];
    return [];
  });
}

const UNITS: Readonly<Record<string, TimePartitioning['type']>> = { HOUR: 'HOUR', DAY: 'DAY', MONTH: 'MONTH', YEAR: 'YEAR' };

/** `col`, `DATE(col)`, `TIMESTAMP_TRUNC(col, DAY)`, `DATE_TRUNC(col, MONTH)`, `_PARTITIONDATE`. */
function partitioningOf(body: readonly Piece[]): TimePartitioning {
  const words = plainWords(body);
  const [head, open, field, separator, unit] = words;
  if (head && /^_PARTITION(DATE|TIME)$/i.test(head)) return { type: 'DAY' };
  if (head && words.length === 1) return { type: 'DAY', field: head };
  if (head?.toUpperCase() === 'DATE' && open === '(' && field && separator === ')') return { type: 'DAY', field };
  const truncating = head && /^(TIMESTAMP|DATETIME|DATE)_TRUNC$/i.test(head);
  const type = unit ? UNITS[unit.toUpperCase()] : undefined;
  if (truncating && open === '(' && field && separator === ',' && type) return { type, field };
  throw BigQueryRequestError.invalidQuery(`PARTITION BY ${words.join(' ')} is not supported by the simulator`);
}
