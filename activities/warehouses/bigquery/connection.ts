/**
 * The BigQuery client of one destination, and the one way the plug-in runs SQL through it. The
 * driver loads on first use, so processes writing elsewhere never pay for it.
 */
import type * as BigQuerySdk from '@google-cloud/bigquery';
import type { BigQuery, Dataset } from '@google-cloud/bigquery';
import { z } from 'zod';
import { lazily } from '../base';
import type { DestinationConfigOf } from '../types';
import { asConnectorError } from './errors';
import { plainValue } from './values';

export type BigQueryDestinationConfig = DestinationConfigOf<'bigquery'>;
export type Driver = typeof BigQuerySdk;

/** The SDK's retry settings (@google-cloud/common RetryOptions); Temporal retries activities on top. */
export interface RetryOptions {
  autoRetry?: boolean;
  maxRetries?: number;
  retryDelayMultiplier?: number;
  /** Seconds. */
  maxRetryDelay?: number;
  /** Seconds. */
  totalTimeout?: number;
}

const loadDriver: () => Promise<Driver> = lazily(() => import('@google-cloud/bigquery'));

/**
 * Service-account credentials from the config when given; with an endpoint override and none
 * (the simulator, an emulator) no auth at all, so nothing leaves for Google's token or metadata
 * servers; otherwise application default credentials (GOOGLE_APPLICATION_CREDENTIALS, gcloud, GCE).
 */
async function authOptions(config: BigQueryDestinationConfig) {
  if (config.credentials) return { credentials: config.credentials };
  if (config.apiEndpoint) {
    const { PassThroughClient } = await import('google-auth-library');
    return { authClient: new PassThroughClient() };
  }
  return {};
}

export interface Session {
  readonly driver: Driver;
  readonly client: BigQuery;
  readonly projectId: string;
  readonly dataset: Dataset;
  readonly datasetId: string;
  readonly location: string;
}

export async function openSession(config: BigQueryDestinationConfig, retryOptions: RetryOptions | undefined): Promise<Session> {
  const loaded = await loadDriver();
  const client = new loaded.BigQuery({
    projectId: config.projectId,
    location: config.location,
    ...(config.apiEndpoint ? { apiEndpoint: config.apiEndpoint } : {}),
    ...(retryOptions ? { retryOptions } : {}),
    ...(await authOptions(config)),
  });
  return {
    driver: loaded,
    client,
    projectId: config.projectId,
    dataset: client.dataset(config.schema, { location: config.location }),
    datasetId: config.schema,
    location: config.location,
  };
}

const rowSchema = z.record(z.string(), z.unknown());

export interface SqlRequest {
  sql: string;
  /** Named (@name) or positional (?) parameters, with their BigQuery types. */
  params?: Record<string, unknown> | unknown[];
  types?: Record<string, string> | string[];
}

/** Runs a query or script (jobs.query, polling when it takes long) and returns its last result as plain rows. */
export async function runSql(session: Session, request: SqlRequest, action: string): Promise<Record<string, unknown>[]> {
  try {
    const [rows] = await session.client.query({
      query: request.sql,
      location: session.location,
      params: request.params,
      types: request.types,
      wrapIntegers: true,
      parseJSON: true,
    });
    const list: unknown[] = rows;
    return list.map((row) => rowSchema.parse(plainValue(session.driver, row)));
  } catch (error) {
    throw asConnectorError(error, action);
  }
}

/** True when the SDK's error carries this HTTP status (404 not found, 409 already exists…). */
export function hasStatus(error: unknown, status: number): boolean {
  return z.object({ code: z.literal(status) }).safeParse(error).success;
}
