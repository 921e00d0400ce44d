/**
 * Refreshing the models of one destination. Each model has a fingerprint: its definition and what
 * it reads — a stream table's row count and latest load time, an earlier model's own fingerprint.
 * Only models whose fingerprint changed since the last refresh are rebuilt (a Brandwatch load
 * rebuilds brand_sentiment_daily alone; a load of Salesforce contacts, the person models and the
 * campaigns), each from scratch, together with the recorded fingerprints in one transaction. So a
 * refresh run twice rebuilds nothing the second time, a crash mid-way leaves the previous models
 * whole, and rows deleted from a stream table (erasure, retention, deletions at the source) leave
 * the models at the next refresh.
 */
import { createHash } from 'node:crypto';
import { SOURCE_KINDS, streamsOf } from '../../domain/sources';
import type { StreamDefinition } from '../../domain/streams/types';
import { ConnectorError } from '../errors';
import type { DerivedTable, QueryDialect } from '../warehouses/derived';
import { METADATA_COLUMNS, quoteLiteral } from '../warehouses/sql';
import type { Warehouse } from '../warehouses/types';
import { MODELS } from './index';
import type { ModelDefinition, ModelSettings } from './types';

/** The fingerprints the models were last built from, in the destination's schema. */
export const MODEL_STATE_TABLE = '_ih_model_state';

export interface ModelRefresh {
  /** Models rebuilt by this refresh. */
  rebuilt: string[];
  /** Models whose sources had not changed. */
  unchanged: string[];
  /** Why nothing was done, for a warehouse that does not build models. */
  unsupported?: string;
}

const modelNames = new Set(MODELS.map((model) => model.name));

/** The stream tables the models read, as their streams. */
export function streamsReadByModels(): StreamDefinition[] {
  const read = new Set(MODELS.flatMap((model) => model.reads).filter((table) => !modelNames.has(table)));
  return SOURCE_KINDS.flatMap(streamsOf).filter((stream) => read.has(stream.table));
}

/** The settings of a destination no connector configures otherwise: each stream's own active rule (Active__c). */
export function defaultModelSettings(): ModelSettings {
  return {
    activeRules: Object.fromEntries(streamsReadByModels().map((stream) => [stream.table, stream.activeRule ? [stream.activeRule] : []])),
  };
}

const asDerivedTable = (model: ModelDefinition, settings: ModelSettings): DerivedTable => ({
  table: model.name,
  columns: model.columns.map(({ name, type }) => ({ name, type })),
  select: (dialect) => model.select(dialect, settings),
});

const stateTable = (fingerprints: ReadonlyMap<string, string>, refreshedAt: ReadonlyMap<string, string>): DerivedTable => ({
  table: MODEL_STATE_TABLE,
  columns: [
    { name: 'model', type: 'string' },
    { name: 'fingerprint', type: 'string' },
    { name: 'refreshed_at', type: 'string' },
  ],
  select: () =>
    MODELS.map(
      ({ name }) =>
        `SELECT ${quoteLiteral(name)}, ${quoteLiteral(fingerprints.get(name) ?? '')}, ${quoteLiteral(refreshedAt.get(name) ?? '')}`,
    ).join(' UNION ALL '),
});

/** Each stream table's row count and latest load, one query for all. */
async function streamFingerprints(warehouse: Warehouse, dialect: QueryDialect, streams: readonly StreamDefinition[]) {
  const loadedAt = METADATA_COLUMNS.loadedAt;
  const parts = streams.map(
    (stream) =>
      `SELECT ${quoteLiteral(stream.table)} AS source_table, COUNT(*) AS row_count, MAX(${loadedAt}) AS loaded_at FROM ${dialect.table(stream.table)}`,
  );
  const rows = await warehouse.query(parts.join(' UNION ALL '));
  return new Map(rows.map((row) => [String(row.source_table), `${String(row.row_count)}@${String(row.loaded_at ?? '-')}`]));
}

const tableExists = (warehouse: Warehouse, dialect: QueryDialect, table: string): Promise<boolean> =>
  warehouse.query(`SELECT 1 FROM ${dialect.table(table)} WHERE 1 = 0`).then(
    () => true,
    () => false,
  );

/** What the last refresh recorded; nothing before the first (the table does not exist yet). */
async function recordedState(warehouse: Warehouse, dialect: QueryDialect): Promise<Map<string, { fingerprint: string; at: string }>> {
  const rows = await warehouse
    .query(`SELECT model, fingerprint, refreshed_at FROM ${dialect.table(MODEL_STATE_TABLE)}`)
    // A state that cannot be read is no state: every model is rebuilt, and a real failure shows there.
    .catch(() => []);
  return new Map(rows.map((row) => [String(row.model), { fingerprint: String(row.fingerprint), at: String(row.refreshed_at) }]));
}

/**
 * Rebuilds the destination's models whose sources changed, or whose settings did (a connector's
 * active rule changed: the fingerprint holds the query); creates the stream tables they read when
 * missing (empty).
 */
export async function refreshModels(
  warehouse: Warehouse,
  settings: ModelSettings = defaultModelSettings(),
  now: Date = new Date(),
): Promise<ModelRefresh> {
  const { derived } = warehouse;
  if (!derived) return { rebuilt: [], unchanged: [], unsupported: 'this warehouse does not build the customer models' };
  const streams = streamsReadByModels();
  // Only a destination missing a table the models read pays for checking every table. Only the missing
  // ones are made: a table loaded by the account's own schema (a stock Salesforce org, without
  // Customer_Id__c) keeps its columns, or its next load would see the column added here as a schema change.
  const fingerprints = await streamFingerprints(warehouse, derived.dialect, streams).catch(async () => {
    for (const stream of streams) if (!(await tableExists(warehouse, derived.dialect, stream.table))) await warehouse.ensureTable(stream);
    return streamFingerprints(warehouse, derived.dialect, streams);
  });
  for (const model of MODELS) {
    const inputs = model.reads.map((table) => `${table}=${fingerprints.get(table) ?? '-'}`);
    const fingerprint = createHash('sha256').update(model.select(derived.dialect, settings)).update(inputs.join(';')).digest('hex');
    fingerprints.set(model.name, fingerprint);
  }
  const recorded = await recordedState(warehouse, derived.dialect);
  const stale = MODELS.filter((model) => recorded.get(model.name)?.fingerprint !== fingerprints.get(model.name));
  const unchanged = MODELS.filter((model) => !stale.includes(model)).map((model) => model.name);
  if (stale.length === 0) return { rebuilt: [], unchanged };

  const refreshedAt = new Map(
    MODELS.map((model) => [model.name, stale.includes(model) ? now.toISOString() : (recorded.get(model.name)?.at ?? '')]),
  );
  await derived
    .materialise([...stale.map((model) => asDerivedTable(model, settings)), stateTable(fingerprints, refreshedAt)])
    .catch(async (error: unknown) => {
      throw (await columnsTheModelsLack(warehouse, streams)) ?? error;
    });
  return { rebuilt: stale.map((model) => model.name), unchanged };
}

/**
 * Why a build failed, when it is a stream table without a column the models read: a Salesforce org
 * read by its own describe may lack a field the models use (one read with a few chosen fields). That is
 * the destination's configuration, not a failure a retry mends, so it is a config error naming them.
 */
async function columnsTheModelsLack(warehouse: Warehouse, streams: readonly StreamDefinition[]): Promise<ConnectorError | null> {
  const lacking: string[] = [];
  for (const stream of streams) {
    const changes = await warehouse.describeSchemaChanges(stream).catch(() => []);
    for (const change of changes) if (change.change === 'added') lacking.push(`${stream.table}.${change.column}`);
  }
  if (lacking.length === 0) return null;
  return new ConnectorError(
    'config',
    `the customer models read columns this destination's tables do not have: ${lacking.join(', ')}`,
    'the source account lacks those fields; the tables load without them, the models are not built',
  );
}
