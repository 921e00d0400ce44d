/**
 * A connected Redshift destination: the Data API client (and S3 client for staging) built from the
 * connector's config, credentials from the config or else the AWS default provider chain; and the
 * Data API as this plug-in uses it: submit a statement (or a batch, which Redshift runs as one
 * transaction), poll DescribeStatement with backoff until it ends, fetch results page by page. A
 * statement that outlives the timeout is cancelled and reported as a transient failure.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import {
  BatchExecuteStatementCommand,
  CancelStatementCommand,
  DescribeStatementCommand,
  type DescribeStatementCommandOutput,
  ExecuteStatementCommand,
  GetStatementResultCommand,
  type ColumnMetadata,
  type Field,
  RedshiftDataClient,
} from '@aws-sdk/client-redshift-data';
import { S3Client } from '@aws-sdk/client-s3';
import { ConnectorError } from '../../errors';
import type { DestinationConfigOf } from '../types';
import { fromAwsError, fromStatementError } from './errors';
import type { S3Staging } from './staging-copy';

export type RedshiftDestination = DestinationConfigOf<'redshift'>;

export interface RedshiftOptions {
  /** SDK attempts per request (retries throttling and 5xx); low in tests. */
  readonly maxAttempts: number;
  readonly polling: PollingOptions;
  /** Staging INSERT statements in flight at once. */
  readonly insertConcurrency: number;
}

export interface RedshiftConnection {
  readonly api: DataApi;
  readonly schema: string;
  /** S3 staging when configured: COPY; otherwise INSERT with bound values. */
  readonly s3: S3Staging | null;
  readonly insertConcurrency: number;
  /** Frees the SDK clients' sockets. */
  close(): void;
}

/** Where statements run: a serverless workgroup, or a cluster as a database user or through a secret. */
export interface StatementTarget {
  readonly Database: string;
  readonly WorkgroupName?: string;
  readonly ClusterIdentifier?: string;
  readonly DbUser?: string;
  readonly SecretArn?: string;
}

export interface PollingOptions {
  readonly firstDelayMs: number;
  readonly maxDelayMs: number;
  readonly timeoutMs: number;
}

/** `:name` → value. Values must be non-empty: the Data API refuses empty strings (write `''` instead). */
export type StatementParameters = Readonly<Record<string, string>>;

export interface ResultTable {
  readonly columns: readonly ColumnMetadata[];
  readonly records: readonly (readonly Field[])[];
}

const toSqlParameters = (parameters: StatementParameters | undefined) => {
  const entries = Object.entries(parameters ?? {});
  return entries.length ? entries.map(([name, value]) => ({ name, value })) : undefined;
};

export class DataApi {
  constructor(
    private readonly client: RedshiftDataClient,
    private readonly target: StatementTarget,
    private readonly polling: PollingOptions,
  ) {}

  /** Runs one statement to its end; returns the rows it affected (or returned). */
  async execute(sql: string, parameters?: StatementParameters, what = 'statement'): Promise<number> {
    const id = await this.submit('ExecuteStatement', () =>
      this.client.send(new ExecuteStatementCommand({ ...this.target, Sql: sql, Parameters: toSqlParameters(parameters) })),
    );
    const described = await this.finished(id, what);
    return described.ResultRows ?? -1;
  }

  /** Runs the statements as one transaction; returns the rows each affected. */
  async batch(sqls: readonly string[], parameters?: StatementParameters, what = 'batch'): Promise<number[]> {
    const id = await this.submit('BatchExecuteStatement', () =>
      this.client.send(new BatchExecuteStatementCommand({ ...this.target, Sqls: [...sqls], Parameters: toSqlParameters(parameters) })),
    );
    const described = await this.finished(id, what);
    return (described.SubStatements ?? []).map((statement) => statement.ResultRows ?? -1);
  }

  /** Runs a query and reads every page of its result. */
  async select(sql: string, parameters?: StatementParameters, what = 'query'): Promise<ResultTable> {
    const id = await this.submit('ExecuteStatement', () =>
      this.client.send(new ExecuteStatementCommand({ ...this.target, Sql: sql, Parameters: toSqlParameters(parameters) })),
    );
    const described = await this.finished(id, what);
    if (!described.HasResultSet) return { columns: [], records: [] };
    let columns: readonly ColumnMetadata[] = [];
    const records: Field[][] = [];
    let nextToken: string | undefined;
    do {
      const token = nextToken;
      const page = await this.call('GetStatementResult', () =>
        this.client.send(new GetStatementResultCommand({ Id: id, NextToken: token })),
      );
      if (page.ColumnMetadata?.length) columns = page.ColumnMetadata;
      records.push(...(page.Records ?? []));
      nextToken = page.NextToken;
    } while (nextToken);
    return { columns, records };
  }

  private async submit(operation: string, send: () => Promise<{ Id?: string }>): Promise<string> {
    const { Id } = await this.call(operation, send);
    if (!Id) throw new ConnectorError('system', `redshift ${operation} returned no statement Id`);
    return Id;
  }

  private async call<T>(operation: string, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      throw fromAwsError(error, operation);
    }
  }

  /** Polls with doubling delays until the statement ends; FAILED and ABORTED become errors. */
  private async finished(id: string, what: string): Promise<DescribeStatementCommandOutput> {
    const deadline = Date.now() + this.polling.timeoutMs;
    let delay = this.polling.firstDelayMs;
    for (;;) {
      const described = await this.call('DescribeStatement', () => this.client.send(new DescribeStatementCommand({ Id: id })));
      switch (described.Status) {
        case 'FINISHED':
          return described;
        case 'FAILED':
          throw fromStatementError(described.Error ?? 'no error text', failedPart(described, what));
        case 'ABORTED':
          throw new ConnectorError('transient', `redshift ${what} (statement ${id}) was cancelled before it finished`);
      }
      if (Date.now() + delay > deadline) {
        await this.client.send(new CancelStatementCommand({ Id: id })).catch(() => undefined);
        const seconds = Math.round(this.polling.timeoutMs / 1000);
        throw new ConnectorError(
          'transient',
          `redshift ${what} (statement ${id}) did not finish within ${seconds} s and was cancelled`,
          'a busy or paused workgroup delays statements; the load is retried',
        );
      }
      await sleep(delay);
      delay = Math.min(delay * 2, this.polling.maxDelayMs);
    }
  }
}

/** Which statement of a batch failed, so the error points at it. */
function failedPart(described: DescribeStatementCommandOutput, what: string): string {
  const statements = described.SubStatements ?? [];
  const index = statements.findIndex((statement) => statement.Status === 'FAILED');
  return index < 0 ? what : `${what} (statement ${index + 1} of ${statements.length})`;
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

export function openConnection(config: RedshiftDestination, options: RedshiftOptions): RedshiftConnection {
  const target = statementTarget(config);
  const common = { region: config.region, maxAttempts: options.maxAttempts };
  const dataClient = new RedshiftDataClient({ ...common, credentials: config.credentials, endpoint: config.endpoint });
  const s3 = s3Staging(config, common);
  return {
    api: new DataApi(dataClient, target, options.polling),
    schema: config.schema,
    s3,
    insertConcurrency: options.insertConcurrency,
    close() {
      dataClient.destroy();
      s3?.client.destroy();
    },
  };
}
