/**
 * The columns a query of one's own lands: each scalar selected under the records is a column named
 * by its response keys (`sys { publishedAt }` lands as sys_published_at), a nested object is
 * flattened into its scalars, and a list (of scalars or objects) is one JSON column. Typed by the
 * CMS's schema where introspection gave it (./introspection.ts); without it, a nested selection is
 * taken for an object and a scalar lands as text. Pure and workflow-safe.
 */
import type { ColumnType } from '../../../domain/streams/types';
import { snakeCaseColumn } from '../definition';
import type { SelectedField } from './query';

/** What the CMS's schema says of a field. */
export interface FieldType {
  type: ColumnType;
  /** A list: landed whole as JSON. */
  list: boolean;
  nullable: boolean;
  /** The schema's own name for the type, e.g. `DateTime!`. */
  sourceType: string;
}

/** The schema's type of the field reached by `names` (schema field names from the record); null when it has none. */
export type FieldTyper = (names: readonly string[]) => FieldType | null;

export interface RecordColumn {
  column: string;
  /** Response keys from the record, dotted. */
  sourceField: string;
  type: ColumnType;
  nullable: boolean;
  sourceType?: string;
}

/** A record's response keys as a column name: sys.publishedAt → sys_published_at. */
export const columnNameOf = (keys: readonly string[]): string => snakeCaseColumn(keys.join('_'));

export function recordColumns(fields: readonly SelectedField[], typer: FieldTyper | null): RecordColumn[] {
  const walk = (
    level: readonly SelectedField[],
    keys: readonly string[],
    names: readonly string[],
    nullableAbove: boolean,
  ): RecordColumn[] =>
    level.flatMap((field) => {
      const at = { keys: [...keys, field.key], names: [...names, field.name] };
      const typed = typer?.(at.names) ?? null;
      const nullable = nullableAbove || (typed?.nullable ?? true);
      if (field.fields && !typed?.list) return walk(field.fields, at.keys, at.names, nullable);
      const type: ColumnType = typed?.list ? 'json' : (typed?.type ?? 'string');
      return [
        {
          column: columnNameOf(at.keys),
          sourceField: at.keys.join('.'),
          type,
          nullable,
          ...(typed ? { sourceType: typed.sourceType } : {}),
        },
      ];
    });
  return walk(fields, [], [], false);
}

/** Two selected fields that would land in one column, as a sentence; null when every column is apart. */
export function columnClash(columns: readonly RecordColumn[]): string | null {
  const seen = new Map<string, string>();
  for (const { column, sourceField } of columns) {
    const earlier = seen.get(column);
    if (earlier !== undefined) return `selects ${earlier} and ${sourceField}, which would both land in column ${column}: alias one of them`;
    seen.set(column, sourceField);
  }
  return null;
}

/** A stream's name, and so its table's: cms_<name>. */
export const STREAM_NAME = /^[a-z][a-z0-9_]{0,39}$/;
export const STREAM_NAME_RULE = 'must be snake_case: a lowercase letter, then lowercase letters, digits or _ (40 at most)';

/** A stream named for the records' root field, less its paging suffix: articleCollection → article, articles_connection → articles. */
function streamNameOf(recordsPath: readonly string[]): string {
  const root = (recordsPath[0] ?? '').replace(/(_connection|Connection|Collection)$/, '');
  return columnNameOf([root]).replace(/^_+|_+$/g, '');
}

/**
 * The stream of a query of one's own: `streamName`; else the one stream `streams` names (a connector
 * made before there was a streamName names content_views there); else one for the records' root field.
 */
export function ownStreamName(
  choice: { streamName?: string | undefined; streams?: readonly string[] | undefined },
  recordsPath: readonly string[],
): string {
  const [named, ...more] = choice.streams ?? [];
  return choice.streamName ?? (named !== undefined && more.length === 0 ? named : streamNameOf(recordsPath));
}
