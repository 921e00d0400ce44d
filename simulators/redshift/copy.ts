/**
 * `COPY table FROM 's3://bucket/prefix' IAM_ROLE '…' FORMAT JSON 'auto'`, executed the way Redshift
 * does it: every object under the prefix is read (from the S3 simulator), each JSON object's keys
 * fill the columns of the same name, and any bad line fails the whole COPY with Redshift's message,
 * the details going to the load-error log rather than into the error.
 */
import type { ClientBase } from 'pg';
import type { ObjectStore } from '../s3/store';
import { MASK_TOKEN, QUALIFIED_NAME, maskSql, qualifiedTableName, type MaskedSql } from './masking';

export interface CopyCommand {
  /** The target as written, for SQL. */
  readonly target: string;
  /** schema.table, for messages. */
  readonly tableName: string;
  /** The column list as written, or null for every column of the table. */
  readonly columns: readonly string[] | null;
  readonly bucket: string;
  readonly prefix: string;
  readonly ignoreCase: boolean;
}

export interface LoadErrorDetail {
  readonly table: string;
  readonly object: string | null;
  readonly line: number | null;
  readonly reason: string;
}

/** A COPY the simulator cannot run as written: the statement fails with this message. */
export class CopyError extends Error {}

const COPY = new RegExp(`^\\s*COPY\\s+(${QUALIFIED_NAME})\\s*(?:\\(([^)]*)\\))?\\s*FROM\\s+(${MASK_TOKEN})([\\s\\S]*?);?\\s*$`, 'i');

/** The options after FROM: authorization is required, JSON 'auto' is the only format. */
function parseOptions(masked: MaskedSql, text: string): { ignoreCase: boolean } {
  const words = text.split(/\s+/).filter(Boolean);
  let authorized = false;
  let format: string | null = null;
  const literalAt = (i: number, option: string): string => {
    const value = masked.literal(words[i] ?? '');
    if (value === null) throw new CopyError(`ERROR: COPY option ${option} needs a quoted value`);
    return value;
  };
  for (let i = 0; i < words.length; i += 1) {
    const option = (words[i] ?? '').toUpperCase();
    if (['FORMAT', 'TIMEFORMAT', 'DATEFORMAT', 'REGION'].includes(option) && words[i + 1]?.toUpperCase() === 'AS') i += 1;
    switch (option) {
      case 'IAM_ROLE':
        i += 1;
        if (words[i]?.toUpperCase() !== 'DEFAULT' && !literalAt(i, option).startsWith('arn:aws:iam::')) {
          throw new CopyError('ERROR: IAM_ROLE must be DEFAULT or an IAM role ARN');
        }
        authorized = true;
        break;
      case 'CREDENTIALS':
        literalAt((i += 1), option);
        authorized = true;
        break;
      case 'FORMAT':
        if (words[i + 1]?.toUpperCase() !== 'JSON') throw new CopyError('ERROR: the simulator loads FORMAT JSON only');
        i += 1;
        format = literalAt((i += 1), 'JSON');
        break;
      case 'JSON':
        format = literalAt((i += 1), option);
        break;
      case 'TIMEFORMAT':
      case 'DATEFORMAT':
        if (literalAt((i += 1), option).toLowerCase() !== 'auto') {
          throw new CopyError(`ERROR: the simulator supports ${option} 'auto' only`);
        }
        break;
      case 'REGION':
        literalAt((i += 1), option);
        break;
      case 'COMPUPDATE':
      case 'STATUPDATE':
        i += 1;
        break;
      default:
        throw new CopyError(`ERROR: the simulator does not support the COPY option ${words[i] ?? ''}`);
    }
  }
  if (!authorized) throw new CopyError('ERROR: COPY from S3 needs IAM_ROLE or CREDENTIALS');
  const normalized = format?.toLowerCase();
  if (normalized !== 'auto' && normalized !== 'auto ignorecase') {
    throw new CopyError(`ERROR: the simulator loads JSON 'auto' or 'auto ignorecase' only, not ${format ?? 'a text format'}`);
  }
  return { ignoreCase: normalized === 'auto ignorecase' };
}

export function parseCopy(sql: string): CopyCommand {
  const masked = maskSql(sql);
  const match = COPY.exec(masked.code);
  if (!match) throw new CopyError("ERROR: the simulator runs COPY <table> [(columns)] FROM 's3://…' only");
  const [, target = '', columnList, source = '', options = ''] = match;
  const location = masked.literal(source) ?? '';
  const s3 = /^s3:\/\/([^/]+)\/?(.*)$/.exec(location);
  if (!s3) throw new CopyError(`ERROR: the simulator copies from s3:// locations only, not ${location}`);
  return {
    target: masked.restore(target),
    tableName: qualifiedTableName(masked, target),
    columns: columnList ? columnList.split(',').map((column) => masked.restore(column.trim())) : null,
    bucket: s3[1] ?? '',
    prefix: s3[2] ?? '',
    ...parseOptions(masked, options),
  };
}

const ROWS_PER_INSERT = 1000;

async function targetColumns(client: ClientBase, command: CopyCommand): Promise<string[]> {
  if (command.columns) return [...command.columns];
  const result = await client.query<{ name: string }>(
    `SELECT quote_ident(attname) AS name FROM pg_attribute
     WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum`,
    [command.target],
  );
  return result.rows.map((row) => row.name);
}

type JsonObject = Record<string, unknown>;

function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Runs the COPY on `client` (inside the caller's transaction); returns the rows loaded. */
export async function runCopy(
  client: ClientBase,
  command: CopyCommand,
  s3: ObjectStore | null,
  logLoadError: (detail: LoadErrorDetail) => void,
): Promise<number> {
  if (!s3) throw new CopyError('ERROR: COPY from S3 needs the simulator to be started with an S3 simulator');
  if (!s3.hasBucket(command.bucket)) {
    throw new CopyError(`ERROR: S3ServiceException:The specified bucket does not exist,Status 404,Error NoSuchBucket`);
  }
  const keys = s3.keys(command.bucket, command.prefix);
  if (keys.length === 0) throw new CopyError(`ERROR: The specified S3 prefix '${command.prefix}' does not exist`);
  const table = command.tableName.split('.').pop() ?? '';
  const failed = (detail: Omit<LoadErrorDetail, 'table'>): CopyError => {
    logLoadError({ table: command.tableName, ...detail });
    return new CopyError(`ERROR: Load into table '${table}' failed. Check 'sys_load_error_detail' system table for details.`);
  };
  const rows: JsonObject[] = [];
  for (const key of keys) {
    const lines = (s3.get(command.bucket, key)?.body.toString('utf8') ?? '').split('\n');
    for (const [index, line] of lines.entries()) {
      if (!line.trim()) continue;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        throw failed({ object: key, line: index + 1, reason: 'Invalid JSON' });
      }
      if (!isJsonObject(value)) throw failed({ object: key, line: index + 1, reason: 'a line must hold a JSON object' });
      rows.push(command.ignoreCase ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k.toLowerCase(), v])) : value);
    }
  }
  const columns = (await targetColumns(client, command)).join(', ');
  for (let start = 0; start < rows.length; start += ROWS_PER_INSERT) {
    const chunk = JSON.stringify(rows.slice(start, start + ROWS_PER_INSERT));
    try {
      await client.query(
        `INSERT INTO ${command.target} (${columns})
         SELECT ${columns} FROM jsonb_populate_recordset(NULL::${command.target}, $1::jsonb)`,
        [chunk],
      );
    } catch (error) {
      throw failed({ object: null, line: null, reason: error instanceof Error ? error.message : String(error) });
    }
  }
  return rows.length;
}
