/**
 * What a connector does with a column of personal data before anything is staged: keep it, hash it
 * (keyed SHA-256, the same value always the same hash, so joins still work) or drop it (the value
 * never leaves the extract). Per stream, per column; a column not named is kept. Workflow-safe.
 */
import { z } from 'zod';
import type { StreamDefinition } from './streams/types';

export const PERSONAL_COLUMN_ACTIONS = ['keep', 'hash', 'drop'] as const;
export type PersonalColumnAction = (typeof PERSONAL_COLUMN_ACTIONS)[number];

/** `{ "<stream>": { "<column>": "keep" | "hash" | "drop" } }` */
export const personalColumnsSchema = z
  .record(z.string().min(1), z.record(z.string().min(1), z.enum(PERSONAL_COLUMN_ACTIONS, { error: 'must be keep, hash or drop' })))
  .describe(
    'per stream, per column: keep, hash (keyed SHA-256, joinable) or drop, applied before anything is staged; unnamed columns are kept',
  );
export type PersonalColumns = z.infer<typeof personalColumnsSchema>;

/** Why a column cannot take an action, or null when it can. */
export function personalColumnRefusal(stream: StreamDefinition, columnName: string, action: PersonalColumnAction): string | null {
  const column = stream.columns.find((candidate) => candidate.name === columnName);
  if (!column) return `is not a column of stream ${stream.name}; its columns: ${stream.columns.map((c) => c.name).join(', ')}`;
  if (action === 'keep') return null;
  const structural = [stream.primaryKey, stream.cursorColumn, stream.deletedColumn];
  if (structural.includes(columnName)) return `is the stream's key, cursor or deletion mark: it can only be kept`;
  if (action === 'hash' && column.type !== 'string') return `can only be hashed when it is text; it is ${column.type}`;
  return null;
}

/** The columns of a stream that the connector hashes or drops. */
export function personalActionsFor(personalColumns: PersonalColumns | undefined, stream: string): Map<string, 'hash' | 'drop'> {
  const actions = new Map<string, 'hash' | 'drop'>();
  const byColumn = personalColumns && Object.hasOwn(personalColumns, stream) ? personalColumns[stream] : undefined;
  for (const [column, action] of Object.entries(byColumn ?? {})) if (action !== 'keep') actions.set(column, action);
  return actions;
}
