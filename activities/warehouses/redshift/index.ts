/**
 * Amazon Redshift through the Data API (@aws-sdk/client-redshift-data): statements polled to their
 * end, batches staged by COPY from S3 (or bound INSERTs without a bucket), merged in one
 * BatchExecuteStatement. The SDK loads on first connect. Billed as Serverless compute time.
 */
import { definePlugin } from '../base';
import type { DestinationConfigOf, WarehouseCapabilities, WarehousePlugin, WarehousePricing } from '../types';
import type { RedshiftOptions } from './connection';

export const redshiftCapabilities: WarehouseCapabilities = {
  mergeStrategy: 'merge',
  loadFormats: ['ndjson'],
  transactionalDdl: true,
  // Redshift identifiers are at most 127 bytes.
  maxIdentifierLength: 127,
  customerLocality: 'distkey',
  partitionedByDate: false,
};

/**
 * Redshift Serverless at its smallest base capacity (8 RPU × $0.375 per RPU-hour, us-east-1), billed
 * per second with a 60 s minimum each time compute resumes. The throughput is this project's
 * planning figure for a COPY + MERGE at that size, not a published one.
 */
export const redshiftPricing: WarehousePricing = {
  model: 'compute-time',
  usdPerHour: 3,
  rowsPerSecond: 20_000,
  minimumSeconds: 60,
  source: 'aws.amazon.com/redshift/pricing: Redshift Serverless, 8 RPU base capacity at $0.375 per RPU-hour, 60 s minimum',
};

const DEFAULT_REDSHIFT_OPTIONS: RedshiftOptions = {
  maxAttempts: 3,
  polling: { firstDelayMs: 50, maxDelayMs: 2_000, timeoutMs: 15 * 60_000 },
  insertConcurrency: 4,
};

/** The plug-in with its own SDK retry, polling and concurrency settings (tests lower them). */
export function createRedshiftWarehouse(options: Partial<RedshiftOptions> = {}): WarehousePlugin<DestinationConfigOf<'redshift'>> {
  const settings: RedshiftOptions = { ...DEFAULT_REDSHIFT_OPTIONS, ...options };
  return definePlugin({
    kind: 'redshift',
    capabilities: redshiftCapabilities,
    pricing: redshiftPricing,
    async open(config) {
      const { openRedshift } = await import('./warehouse');
      return openRedshift(config, settings);
    },
  });
}

export const redshiftWarehouse = createRedshiftWarehouse();
