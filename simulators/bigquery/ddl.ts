/**
 * CREATE TABLE … PARTITION BY … CLUSTER BY … OPTIONS(…): DuckDB knows none of these clauses, so they
 * are read into a TableDeclaration (kept as table metadata by the script runner) and removed.
 */
import { quoteIdentifier } from '../../activities/warehouses/sql';
import { BigQueryRequestError } from './errors';
import { isSymbol, isWord } from './lexer';
import { asToken, matchingParenthesis, nextSolid, sql, type Piece } from './pieces';

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
  /** CREATE TABLE t (a T, …) AS query: the list its query's columns are checked against (coercion.ts). */
  columnList?: DeclaredColumn[];
}

/** A column of a CREATE TABLE column list: its name and its type's first word (INT64, STRING…). */
export interface DeclaredColumn {
  name: string;
  type: string;
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

/**
 * CREATE TABLE t (a T, …) AS query: BigQuery gives the query's columns, in order, the list's names
 * and types. DuckDB takes no column list with a query, so the query's columns are renamed by
 * position and cast: `CREATE TABLE t AS SELECT CAST(a AS T) AS a, … FROM ((query) UNION ALL (SELECT
 * NULL, … WHERE FALSE)) AS ih_typed(a, …)`: the empty UNION refuses, as BigQuery does, a query
 * with more or fewer columns than the list.
 */
export function typeQueryByColumnList(pieces: Piece[]): DeclaredColumn[] | null {
  if (!isWord(asToken(pieces[nextSolid(pieces, 0)]), 'CREATE')) return null;
  const open = pieces.findIndex((piece) => isSymbol(asToken(piece), '('));
  if (open === -1 || pieces.slice(0, open).some((piece) => isWord(asToken(piece), 'AS'))) return null;
  const close = matchingParenthesis(pieces, open);
  let as = close + 1;
  // declareTable leaves a blank `sql` piece where it removed a clause.
  const blank = (piece: Piece | undefined): boolean => piece?.kind === 'space' || (piece?.kind === 'sql' && piece.text.trim() === '');
  while (as < pieces.length && blank(pieces[as])) as += 1;
  if (!isWord(asToken(pieces[as]), 'AS')) return null;
  const columns = splitTopLevel(pieces.slice(open + 1, close)).map(columnDefinition);
  const names = columns.map((column) => quoteIdentifier(column.name));
  const casts = columns.flatMap((column, i) => [
    sql(`${i === 0 ? '' : ', '}CAST(${names[i] ?? ''} AS `),
    ...column.type,
    sql(`) AS ${names[i] ?? ''}`),
  ]);
  const query = pieces.slice(as + 1);
  pieces.splice(
    open,
    pieces.length - open,
    sql('AS SELECT '),
    ...casts,
    sql(' FROM (('),
    ...query,
    sql(`) UNION ALL (SELECT ${names.map(() => 'NULL').join(', ')} WHERE FALSE)) AS ih_typed(${names.join(', ')})`),
  );
  return columns.map((column) => {
    const first = asToken(column.type[0]);
    return { name: column.name, type: first?.kind === 'word' ? first.text.toUpperCase() : '' };
  });
}

function splitTopLevel(pieces: readonly Piece[]): Piece[][] {
  const parts: Piece[][] = [[]];
  let depth = 0;
  for (const piece of pieces) {
    const token = asToken(piece);
    if (isSymbol(token, '(') || isSymbol(token, '<')) depth += 1;
    if (isSymbol(token, ')') || isSymbol(token, '>')) depth -= 1;
    if (depth === 0 && isSymbol(token, ',')) parts.push([]);
    else parts.at(-1)?.push(piece);
  }
  return parts;
}

/** `name TYPE [NOT NULL] [OPTIONS(…)]` → the name and the type's pieces. */
function columnDefinition(pieces: readonly Piece[]): { name: string; type: Piece[] } {
  const solid = pieces.filter((piece) => piece.kind !== 'space');
  const first = asToken(solid[0]);
  const name = first?.kind === 'word' ? first.text : first?.kind === 'identifier' ? first.parts.join('.') : '';
  const typeEnd = solid.findIndex((piece, i) => i > 0 && isWord(asToken(piece), 'NOT', 'OPTIONS', 'DEFAULT', 'COLLATE'));
  const type = solid.slice(1, typeEnd === -1 ? solid.length : typeEnd);
  if (!name || type.length === 0) throw BigQueryRequestError.invalidQuery('Syntax error: a column definition needs a name and a type');
  return { name, type: type.flatMap((piece) => [piece, sql(' ')]) };
}
