/**
 * A connected Redshift destination: the Data API client (and S3 client for staging) built from the
 * connector's config, credentials from the config or else the AWS default provider chain.
 */
import { RedshiftDataClient } from '@aws-sdk/client-redshift-data';
import { S3Client } from '@aws-sdk/client-s3';
import type { LoadResult } from '../../../domain/cycle';
import type { StreamDefinition } from '../../../domain/streams/types';
import { ConnectorError } from '../../errors';
import { heldValuesLookups } from '../held-values';
import { resolveDeletePredicate } from '../predicate';
import { estimateFromPricing } from '../pricing';
import type {
  DeletePredicate,
  DestinationConfigOf,
  HeldValue,
  LoadBatch,
  LoadCostEstimate,
  LoadFigures,
  PredicateValue,
  SchemaChange,
  Warehouse,
  WarehousePricing,
} from '../types';
import { DataApi, type PollingOptions, type StatementTarget } from './connection';
import { deleteRows } from './delete';
import { findHeldValues } from './held-values';
import { loadBatch, type LoadContext } from './load';
import type { S3Staging } from './staging-copy';
import { describeSchemaChanges, ensureTables } from './tables';
import { plainValue, readOnlyStatement } from './values';

export type RedshiftDestination = DestinationConfigOf<'redshift'>;

export interface RedshiftOptions {
  /** SDK attempts per request (retries throttling and 5xx); low in tests. */
  readonly maxAttempts: number;
  readonly polling: PollingOptions;
  /** Staging INSERT statements in flight at once. */
  readonly insertConcurrency: number;
}

function statementTarget(config: RedshiftDestination): StatementTarget {
  const { database: Database, workgroupName, clusterIdentifier, dbUser, secretArn } = config;
  if (workgroupName) return { Database, WorkgroupName: workgroupName };
  const invalid = (rule: string): ConnectorError => new ConnectorError('config', `redshift destination: ${rule}`);
  if (!clusterIdentifier) throw invalid('give workgroupName (serverless) or clusterIdentifier (provisioned)');
  if (!dbUser && !secretArn) {
    throw invalid('clusterIdentifier needs dbUser (temporary credentials) or secretArn (Secrets Manager)');
  }
  return { Database, ClusterIdentifier: clusterIdentifier, DbUser: dbUser, SecretArn: secretArn };
}

class RedshiftWarehouse implements Warehouse {
  private closed = false;
  private readonly pending = new Set<Promise<unknown>>();

  constructor(
    private readonly context: LoadContext,
    private readonly clients: readonly { destroy(): void }[],
    private readonly pricing: WarehousePricing,
  ) {}

  ensureTable(stream: StreamDefinition): Promise<SchemaChange[]> {
    return this.track(() => ensureTables(this.context.api, this.context.schema, stream));
  }

  describeSchemaChanges(stream: StreamDefinition): Promise<SchemaChange[]> {
    return this.track(() => describeSchemaChanges(this.context.api, this.context.schema, stream));
  }

  load(batch: LoadBatch): Promise<LoadResult> {
    return this.track(() => loadBatch(this.context, batch));
  }

  async deleteWhere(stream: StreamDefinition, predicate: DeletePredicate): Promise<number> {
    const resolved = resolveDeletePredicate(stream, predicate);
    return this.track(() => deleteRows(this.context.api, this.context.schema, stream, resolved));
  }

  async findHeldValues(stream: StreamDefinition, column: string, values: readonly PredicateValue[]): Promise<HeldValue[]> {
    const lookups = heldValuesLookups(stream, column, values);
    return this.track(() => findHeldValues(this.context.api, this.context.schema, stream, lookups));
  }

  estimateLoadCost(figures: LoadFigures): LoadCostEstimate {
    return estimateFromPricing(this.pricing, figures);
  }

  query(sql: string, params: readonly unknown[] = []): Promise<Record<string, unknown>[]> {
    return this.track(async () => {
      const statement = readOnlyStatement(sql, params);
      const { columns, records } = await this.context.api.select(statement.sql, statement.parameters);
      const names = columns.map((column, i) => column.name ?? `column${i + 1}`);
      return records.map((record) => Object.fromEntries(columns.map((column, i) => [names[i], plainValue(record[i], column)])));
    });
  }

  /** Waits for this handle's operations, then frees the SDK clients' sockets. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled(this.pending);
    for (const client of this.clients) client.destroy();
  }

  private track<T>(operation: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error('this warehouse connection is closed'));
    const running = operation();
    this.pending.add(running);
    const forget = (): void => void this.pending.delete(running);
    void running.then(forget, forget);
    return running;
  }
}

/** An endpoint override (simulator, S3-compatible store) addresses buckets by path, not by host. */
function s3Staging(config: RedshiftDestination, common: { region: string; maxAttempts: number }): S3Staging | null {
  const staging = config.s3Staging;
  if (!staging) return null;
  const client = new S3Client({
    ...common,
    credentials: config.credentials,
    endpoint: staging.endpoint,
    forcePathStyle: Boolean(staging.endpoint),
  });
  return { client, bucket: staging.bucket, prefix: staging.prefix, iamRoleArn: staging.iamRoleArn };
}

export function openRedshiftWarehouse(
  config: RedshiftDestination,
  options: RedshiftOptions,
  pricing: WarehousePricing,
): Warehouse {
  const target = statementTarget(config);
  const common = { region: config.region, maxAttempts: options.maxAttempts };
  const dataClient = new RedshiftDataClient({ ...common, credentials: config.credentials, endpoint: config.endpoint });
  const s3 = s3Staging(config, common);
  const context: LoadContext = {
    api: new DataApi(dataClient, target, options.polling),
    schema: config.schema,
    s3,
    insertConcurrency: options.insertConcurrency,
  };
  return new RedshiftWarehouse(context, s3 ? [dataClient, s3.client] : [dataClient], pricing);
}
