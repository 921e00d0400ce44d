/** The columns each stream's table had at its last load: what the next batch is compared with. */
import { z } from 'zod';
import type { StreamColumn } from '../../domain/streams/types';
import { streamColumnsSchema } from './approval-schemas';
import { cursorInputSchema, isUuid, parseInput } from './inputs';
import { rowsOf } from './query';
import type { SqlExecutor } from './sql-client';

export interface StreamSchemaRepository {
  /** The columns a stream's table had at its last load, to tell schema changes; null before the first. */
  get(connectorId: string, stream: string): Promise<StreamColumn[] | null>;
  save(connectorId: string, stream: string, columns: readonly StreamColumn[]): Promise<void>;
}

const streamSchemaRow = z.object({ columns: streamColumnsSchema });

export async function getStreamSchema(db: SqlExecutor, connectorId: string, stream: string): Promise<StreamColumn[] | null> {
  if (!isUuid(connectorId)) return null;
  const [found] = await rowsOf(db, streamSchemaRow, 'SELECT columns FROM stream_schema WHERE connector_id = $1 AND stream = $2', [
    connectorId,
    stream,
  ]);
  return found?.columns ?? null;
}

export async function saveStreamSchema(
  db: SqlExecutor,
  connectorId: string,
  stream: string,
  columns: readonly StreamColumn[],
): Promise<void> {
  const target = parseInput(cursorInputSchema, { connectorId, stream }, 'stream schema target');
  const parsed = parseInput(streamColumnsSchema, columns, 'stream columns');
  await db.query(
    `INSERT INTO stream_schema (connector_id, stream, columns) VALUES ($1, $2, $3::jsonb)
     ON CONFLICT (connector_id, stream) DO UPDATE SET columns = EXCLUDED.columns, updated_at = now()`,
    [target.connectorId, target.stream, JSON.stringify(parsed)],
  );
}

export function sqlStreamSchemas(db: SqlExecutor): StreamSchemaRepository {
  return {
    get: (connectorId, stream) => getStreamSchema(db, connectorId, stream),
    save: (connectorId, stream, columns) => saveStreamSchema(db, connectorId, stream, columns),
  };
}
