/**
 * Rows of a stream's table picked by a checked predicate, deleted (retention, erasure) or looked up
 * (uniqueness beyond one batch): the part every plug-in shares. A table, or a column, that does not
 * exist yet holds no matching row in any warehouse; each plug-in's own matching-rows.ts says how its
 * dialect lists a table's columns and binds the predicate's values.
 */
import type { StreamDefinition } from '../../domain/streams/types';
import { heldValuesOf } from './held-values';
import type { ResolvedPredicate } from './predicate';
import type { HeldValue } from './types';

/** A plug-in's access to the rows of one stream's table. */
export interface MatchingRows {
  /** The columns the table has now; none when it does not exist yet. */
  columns(): Promise<{ has(name: string): boolean }>;
  /** Deletes the rows matching the predicate; resolves to how many. */
  delete(predicate: ResolvedPredicate): Promise<number>;
  /** The rows of `heldValuesSelect` for the lookup, its values bound, as the plug-in's read-only query returns them. */
  selectHeld(lookup: ResolvedPredicate): Promise<readonly Record<string, unknown>[]>;
}

export async function deleteMatching(rows: MatchingRows, predicate: ResolvedPredicate): Promise<number> {
  return (await rows.columns()).has(predicate.column) ? rows.delete(predicate) : 0;
}

/** The held values of every lookup, one statement each. */
export async function findHeldValues(
  rows: MatchingRows,
  stream: StreamDefinition,
  lookups: readonly ResolvedPredicate[],
): Promise<HeldValue[]> {
  const [first] = lookups;
  if (!first) return [];
  const columns = await rows.columns();
  if (!columns.has(first.column) || !columns.has(stream.primaryKey)) return [];
  const held: HeldValue[] = [];
  for (const lookup of lookups) held.push(...heldValuesOf(await rows.selectHeld(lookup), stream, lookup));
  return held;
}
