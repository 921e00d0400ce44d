/**
 * The stream_cursor table: how far each stream (or partition) of a connector has been loaded. A
 * cursor only moves from the position its mover read, so it never goes back.
 */
import { streamCursorSchema, type StreamCursor } from '../../domain/cycle';
import { cursorInputSchema, isUuid, parseInput } from './inputs';
import { rowsOf } from './query';
import { cursorRow, toStreamCursor } from './rows';
import type { SqlExecutor } from './sql-client';

export interface CursorRepository {
  /** Every cursor of the connector, by stream (or partition) key. */
  get(connectorId: string): Promise<Record<string, StreamCursor>>;
  /**
   * Moves a cursor from `previous` (null: none stored yet) to `cursor`. False, changing nothing, when
   * the store holds neither: something else moved it, and this commit must not take it back.
   */
  commit(connectorId: string, stream: string, cursor: StreamCursor, previous: StreamCursor | null): Promise<boolean>;
}

export function sqlCursors(db: SqlExecutor): CursorRepository {
  async function get(connectorId: string): Promise<Record<string, StreamCursor>> {
    if (!isUuid(connectorId)) return {};
    const rows = await rowsOf(
      db,
      cursorRow,
      'SELECT stream, cursor_value, last_key, committed_at FROM stream_cursor WHERE connector_id = $1',
      [connectorId],
    );
    return Object.fromEntries(rows.map((row) => [row.stream, toStreamCursor(row)]));
  }

  return {
    get,

    async commit(connectorId, stream, cursor, previous) {
      const target = parseInput(cursorInputSchema, { connectorId, stream }, 'cursor target');
      const position = parseInput(streamCursorSchema, cursor, 'cursor');
      const from = previous === null ? null : parseInput(streamCursorSchema, previous, 'previous cursor');
      const values = [target.connectorId, target.stream, position.value, position.lastKey];
      // Compare-and-set: only the holder of the previous position moves it, so a cursor never goes back.
      if (from === null) {
        await db.query(
          `INSERT INTO stream_cursor (connector_id, stream, cursor_value, last_key) VALUES ($1, $2, $3, $4)
           ON CONFLICT (connector_id, stream) DO NOTHING`,
          values,
        );
      } else {
        await db.query(
          `UPDATE stream_cursor SET cursor_value = $3, last_key = $4, committed_at = now()
           WHERE connector_id = $1 AND stream = $2 AND cursor_value = $5 AND last_key = $6`,
          [...values, from.value, from.lastKey],
        );
      }
      // A retried commit finds its own position already stored: that is a success too.
      const stored = (await get(target.connectorId))[target.stream];
      return stored?.value === position.value && stored.lastKey === position.lastKey;
    },
  };
}
