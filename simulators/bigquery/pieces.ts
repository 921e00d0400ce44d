/**
 * A statement while dialect.ts rewrites it: lexer tokens, some already replaced by DuckDB text
 * (`sql` pieces), and the small helpers rewrites use to look around a piece.
 */
import { isSymbol, type Token } from './lexer';
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
