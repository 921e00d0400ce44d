/**
 * Temporary internal stages, PUT and COPY INTO. A stage is a local folder; PUT answers with a
 * LOCAL_FS stage location, which snowflake-sdk's file transfer agent supports (local_util.js), so the
 * real driver copies (and gzips) the file into it; COPY INTO then reads the folder with DuckDB.
 */
import { mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { SqlError, compilationError, objectMissing } from './errors';

const IDENTIFIER = String.raw`(?:"(?:[^"]|"")*"|[A-Za-z_][\w$]*)`;
const QUALIFIED = String.raw`${IDENTIFIER}(?:\s*\.\s*${IDENTIFIER})*`;

const CREATE_STAGE = new RegExp(
  String.raw`^\s*CREATE\s+(OR\s+REPLACE\s+)?(?:TEMPORARY|TEMP)\s+STAGE\s+(IF\s+NOT\s+EXISTS\s+)?(${QUALIFIED})`,
  'i',
);
const DROP_STAGE = new RegExp(String.raw`^\s*DROP\s+STAGE\s+(IF\s+EXISTS\s+)?(${QUALIFIED})\s*;?\s*$`, 'i');
const PUT = new RegExp(String.raw`^\s*PUT\s+(?:'file://((?:[^']|'')+)'|file://(\S+))\s+@(${QUALIFIED})(/\S*)?(.*)$`, 'is');
const COPY = new RegExp(String.raw`^\s*COPY\s+INTO\s+(${QUALIFIED})\s+FROM\s+@(${QUALIFIED})(/\S*)?(.*)$`, 'is');

/** Snowflake's resolution of an identifier: quoted keeps its case, unquoted is upper-cased. */
export function identifierName(identifier: string): string {
  const trimmed = identifier.trim();
  return trimmed.startsWith('"') ? trimmed.slice(1, -1).replaceAll('""', '"') : trimmed.toUpperCase();
}

/** The last part of a qualified name: temporary stages live in the session, so their schema does not matter. */
function stageKey(qualified: string): string {
  const parts = qualified.match(new RegExp(IDENTIFIER, 'g')) ?? [qualified];
  return identifierName(parts[parts.length - 1] ?? qualified);
}

/** `KEY = value` and `KEY = ( ... )` pairs, keys upper-cased. */
function parseOptions(text: string): Map<string, string> {
  const options = new Map<string, string>();
  for (const match of text.matchAll(/(\w+)\s*=\s*(\([^)]*\)|'(?:[^']|'')*'|[^\s;]+)/g)) {
    options.set((match[1] ?? '').toUpperCase(), match[2] ?? '');
  }
  return options;
}

const flag = (value: string | undefined, fallback: boolean): boolean => (value === undefined ? fallback : /^true$/i.test(value));

/** What snowflake-sdk needs from the server to run a PUT itself (file_transfer_agent.js, parseCommand). */
export interface UploadInstruction {
  command: 'UPLOAD';
  src_locations: string[];
  autoCompress: boolean;
  sourceCompression: string;
  parallel: number;
  overwrite: boolean;
  stageInfo: { locationType: 'LOCAL_FS'; location: string; path: string; region: null; creds: Record<string, never> };
  encryptionMaterial: null;
}

export interface CopyRequest {
  table: string;
  /** Files in the stage (and under its path prefix), in name order. */
  files: string[];
  matchByColumnName: 'CASE_SENSITIVE' | 'CASE_INSENSITIVE';
  /** Target column (as written) → METADATA$ field. */
  metadata: Map<string, string>;
  purge: boolean;
}

export class SessionStages {
  private readonly stages = new Map<string, string>();

  constructor(private readonly root: string) {}

  /** Handles CREATE/DROP STAGE; returns null for any other statement. */
  async define(sql: string): Promise<string | null> {
    const create = CREATE_STAGE.exec(sql);
    if (create) {
      const [, replace, ifNotExists, name = ''] = create;
      const key = stageKey(name);
      if (this.stages.has(key) && !replace) {
        if (ifNotExists) return `${key} already exists, statement succeeded.`;
        throw new SqlError('002002', '42710', `SQL compilation error: Object '${key}' already exists.`);
      }
      const dir = path.join(this.root, encodeURIComponent(key));
      await rm(dir, { recursive: true, force: true });
      await mkdir(dir, { recursive: true });
      this.stages.set(key, dir);
      return `Stage area ${key} successfully created.`;
    }
    const drop = DROP_STAGE.exec(sql);
    if (drop) {
      const [, ifExists, name = ''] = drop;
      const key = stageKey(name);
      const dir = this.stages.get(key);
      if (!dir) {
        if (ifExists) return `Drop statement executed successfully (${key} already dropped).`;
        throw objectMissing(`Stage '${key}' does not exist or not authorized.`);
      }
      this.stages.delete(key);
      await rm(dir, { recursive: true, force: true });
      return `${key} successfully dropped.`;
    }
    return null;
  }

  put(sql: string): UploadInstruction {
    const match = PUT.exec(sql);
    if (!match) throw compilationError('PUT needs file://<path> and @<stage>');
    const [, quotedFile, bareFile, stage = '', prefix = '', rest = ''] = match;
    const file = quotedFile !== undefined ? quotedFile.replaceAll("''", "'") : (bareFile ?? '');
    const dir = this.stageDir(stage);
    const options = parseOptions(rest);
    return {
      command: 'UPLOAD',
      src_locations: [file],
      autoCompress: flag(options.get('AUTO_COMPRESS'), true),
      sourceCompression: (options.get('SOURCE_COMPRESSION') ?? 'auto_detect').toLowerCase(),
      parallel: Number(options.get('PARALLEL') ?? 4),
      overwrite: flag(options.get('OVERWRITE'), false),
      stageInfo: { locationType: 'LOCAL_FS', location: path.join(dir, prefix), path: dir, region: null, creds: {} },
      encryptionMaterial: null,
    };
  }

  /** Parses COPY INTO <table> FROM @<stage>; the engine runs the load. */
  async copyRequest(sql: string): Promise<CopyRequest> {
    const match = COPY.exec(sql);
    if (!match) throw compilationError('the simulator supports COPY INTO <table> FROM @<stage> [options]');
    const [, table = '', stage = '', prefix = '', rest = ''] = match;
    const options = parseOptions(rest);
    const format = parseOptions((options.get('FILE_FORMAT') ?? '').replace(/^\(|\)$/g, ''));
    if ((format.get('TYPE') ?? '').toUpperCase() !== 'JSON') {
      throw compilationError('the simulator loads FILE_FORMAT = (TYPE = JSON) only');
    }
    const onError = (options.get('ON_ERROR') ?? 'ABORT_STATEMENT').toUpperCase();
    if (onError !== 'ABORT_STATEMENT') throw compilationError('the simulator supports ON_ERROR = ABORT_STATEMENT only');
    const matchByColumnName = (options.get('MATCH_BY_COLUMN_NAME') ?? 'NONE').toUpperCase();
    if (matchByColumnName !== 'CASE_SENSITIVE' && matchByColumnName !== 'CASE_INSENSITIVE') {
      // Snowflake's own rule: JSON loads into several columns only by column name.
      throw new SqlError(
        '002019',
        '0A000',
        'SQL compilation error: JSON file format can produce one and only one column of type variant, object, ' +
          'or array. Use CSV file format if you want to load more than one column.',
      );
    }
    const dir = path.join(this.stageDir(stage), prefix);
    const names = (await readdir(dir).catch(() => [])).sort();
    const wanted = options.has('FILES') ? new Set(parseFileList(options.get('FILES') ?? '')) : null;
    return {
      table,
      files: names.filter((name) => !wanted || wanted.has(name)).map((name) => path.join(dir, name)),
      matchByColumnName,
      metadata: includedMetadata(rest),
      purge: flag(options.get('PURGE'), false),
    };
  }

  async dropAll(): Promise<void> {
    this.stages.clear();
    await rm(this.root, { recursive: true, force: true });
  }

  private stageDir(stage: string): string {
    const key = stageKey(stage);
    const dir = this.stages.get(key);
    if (!dir) throw objectMissing(`Stage '${key}' does not exist or not authorized.`);
    return dir;
  }
}

function parseFileList(list: string): string[] {
  return [...list.matchAll(/'((?:[^']|'')*)'/g)].map((m) => (m[1] ?? '').replaceAll("''", "'"));
}

/** INCLUDE_METADATA = (<column> = METADATA$<field>, ...): its columns may be quoted, so not parseOptions. */
function includedMetadata(rest: string): Map<string, string> {
  const metadata = new Map<string, string>();
  const inner = /INCLUDE_METADATA\s*=\s*\(([^)]*)\)/i.exec(rest)?.[1];
  if (!inner) return metadata;
  for (const pair of inner.matchAll(new RegExp(String.raw`(${IDENTIFIER})\s*=\s*(METADATA\$\w+)`, 'gi'))) {
    metadata.set(pair[1] ?? '', (pair[2] ?? '').toUpperCase());
  }
  return metadata;
}
