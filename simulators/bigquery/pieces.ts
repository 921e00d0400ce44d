/**
 * A statement while dialect.ts rewrites it: lexer tokens, some already replaced by DuckDB text
 * (`sql` pieces), and the small helpers rewrites use to look around a piece.
 */
import { isSymbol, isWord, type Token } from './lexer';
import { BigQueryRequestError } from './errors';

export type Piece = Token | { kind: 'sql'; text: string };

export const sql = (text: string): Piece => ({ kind: 'sql', text });

/** Index of the next piece that is not space, from `index` on. */
export function nextSolid(pieces: readonly Piece[], index: number): number {
  let i = index;
  while (pieces[i]?.kind === 'space') i += 1;
  return i;
}

export function previousSolid(pieces: readonly Piece[], index: number): Piece | undefined {
  let i = index;
  while (i >= 0 && pieces[i]?.kind === 'space') i -= 1;
  return pieces[i];
}

export const asToken = (piece: Piece | undefined): Token | undefined => (piece?.kind === 'sql' ? undefined : piece);

export interface Neighbours {
  before: Token | undefined;
  after: Token | undefined;
}

/** The tokens either side of pieces[index], past any space: what tells a keyword or a type name from a name. */
export function neighboursOf(pieces: readonly Piece[], index: number): Neighbours {
  return { before: asToken(previousSolid(pieces, index - 1)), after: asToken(pieces[nextSolid(pieces, index + 1)]) };
}

/**
 * Runs `visit` on each call of the function `name` (or of any of the names), in the order they are
 * written: where its name and its opening parenthesis are. The pieces may change under it: it reads
 * their length afresh at every step.
 */
export function eachCall(pieces: readonly Piece[], name: string | readonly string[], visit: (at: number, open: number) => void): void {
  const names = typeof name === 'string' ? [name] : name;
  for (let at = 0; at < pieces.length; at += 1) {
    if (!isWord(asToken(pieces[at]), ...names)) continue;
    const open = nextSolid(pieces, at + 1);
    if (isSymbol(asToken(pieces[open]), '(')) visit(at, open);
  }
}

export function matchingParenthesis(pieces: readonly Piece[], open: number): number {
  let depth = 0;
  for (let i = open; i < pieces.length; i += 1) {
    const token = asToken(pieces[i]);
    if (isSymbol(token, '(')) depth += 1;
    if (isSymbol(token, ')')) depth -= 1;
    if (depth === 0) return i;
  }
  throw BigQueryRequestError.invalidQuery('Syntax error: Expected ")" but got end of statement');
}
