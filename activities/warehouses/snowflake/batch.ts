/**
 * A staged NDJSON file into a session-private temporary table, typed like its target: small files
 * by one INSERT with column-wise bind arrays, large ones by PUT to a temporary stage and COPY INTO.
 * Temporary tables and stages are DDL, which commits in Snowflake, so this runs before the load's
 * transaction; nothing outside the session sees them.
 */
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import type { ColumnType } from '../../../domain/streams/types';
import { jsonOrUndefined } from '../../../domain/json-input';
import { ConnectorError } from '../../errors';
import { quoteLiteral } from '../sql';
import { COLUMN_TYPES, identifier } from './names';
import type { Bind, SnowflakeSession } from './connection';

/** The file's position of each row (1-based), kept so duplicates resolve to the last one written. */
export const ROW_COLUMN = '_ih_row';
const STAGE = identifier('_ih_stage');

export interface RowShape {
  /** Temporary table name, unqualified (it lives in the session's current schema). */
  table: string;
  columns: readonly { name: string; type: ColumnType }[];
}

/**
 * How json columns arrived: as JSON text (binds) or as VARIANT (COPY). Expressions over them differ,
 * nothing else does.
 */
export type JsonForm = 'text' | 'variant';

/** A json column as a VARIANT: JSON text is parsed; a VARIANT null from a file becomes SQL NULL. */
export const jsonValue = (expression: string, form: JsonForm): string =>
  form === 'text' ? `PARSE_JSON(${expression})` : `STRIP_NULL_VALUE(${expression})`;

/** A json column as JSON text. */
export const jsonText = (expression: string, form: JsonForm): string => (form === 'text' ? expression : `TO_JSON(${expression})`);

const lineSchema = z.record(z.string(), z.unknown());
type Line = z.infer<typeof lineSchema>;

/** The file's first `limit + 1` rows at most: enough to tell a small file from a large one. */
async function readHead(file: string, limit: number): Promise<Line[]> {
  const rows: Line[] = [];
  const input = createReadStream(file);
  const lines = createInterface({ input, crlfDelay: Infinity });
  try {
    for await (const line of lines) {
      if (!line.trim()) continue;
      const parsed = lineSchema.safeParse(jsonOrUndefined(line));
      if (!parsed.success) {
        throw new ConnectorError('data', `line ${rows.length + 1} of ${path.basename(file)} is not a JSON object`);
      }
      rows.push(parsed.data);
      if (rows.length > limit) break;
    }
  } finally {
    lines.close();
    input.destroy();
  }
  return rows;
}

/** Values travel as text (or null); Snowflake converts them to the column's type, or rejects them. */
function bindValue(value: unknown, type: ColumnType): Bind {
  if (value === null || value === undefined) return null;
  if (type === 'json' || typeof value !== 'string') return JSON.stringify(value);
  return value;
}

function createTable(shape: RowShape, form: JsonForm): string {
  const definitions = shape.columns.map(
    ({ name, type }) => `${identifier(name)} ${type === 'json' && form === 'text' ? 'VARCHAR' : COLUMN_TYPES[type]}`,
  );
  definitions.push(`${identifier(ROW_COLUMN)} NUMBER(38,0)`);
  return `CREATE OR REPLACE TEMPORARY TABLE ${identifier(shape.table)} (${definitions.join(', ')})`;
}

async function insertBound(session: SnowflakeSession, shape: RowShape, rows: readonly Line[]): Promise<void> {
  await session.execute(createTable(shape, 'text'));
  if (rows.length === 0) return;
  const names = [...shape.columns.map((c) => identifier(c.name)), identifier(ROW_COLUMN)];
  const binds = rows.map((row, index) => [...shape.columns.map((c) => bindValue(row[c.name], c.type)), String(index + 1)]);
  await session.execute(`INSERT INTO ${identifier(shape.table)} (${names.join(', ')}) VALUES (${names.map(() => '?').join(', ')})`, binds);
}

async function copyStaged(session: SnowflakeSession, shape: RowShape, file: string): Promise<void> {
  await session.execute(createTable(shape, 'variant'));
  await session.execute(`CREATE OR REPLACE TEMPORARY STAGE ${STAGE}`);
  const source = quoteLiteral(`file://${path.resolve(file)}`);
  await session.execute(`PUT ${source} @${STAGE} AUTO_COMPRESS = TRUE OVERWRITE = TRUE`);
  await session.execute(
    `COPY INTO ${identifier(shape.table)} FROM @${STAGE}
     FILE_FORMAT = (TYPE = JSON) MATCH_BY_COLUMN_NAME = CASE_INSENSITIVE
     INCLUDE_METADATA = (${identifier(ROW_COLUMN)} = METADATA$FILE_ROW_NUMBER) ON_ERROR = ABORT_STATEMENT PURGE = TRUE`,
  );
}

/** Fills `shape.table` from the file and says how its json columns arrived. */
export async function stageRows(session: SnowflakeSession, file: string, shape: RowShape, stageThresholdRows: number): Promise<JsonForm> {
  const head = await readHead(file, stageThresholdRows);
  if (head.length <= stageThresholdRows) {
    await insertBound(session, shape, head);
    return 'text';
  }
  await copyStaged(session, shape, file);
  return 'variant';
}
