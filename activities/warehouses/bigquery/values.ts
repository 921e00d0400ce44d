/**
 * Query results as plain JSON-safe values, the same shapes every warehouse returns: the SDK's
 * wrappers become ISO timestamps, YYYY-MM-DD dates, exact integers, base64 bytes. JSON columns
 * arrive parsed (`parseJSON`), integers wrapped (`wrapIntegers`) so none loses precision.
 */
import type { BigQueryDate, BigQueryDatetime, BigQueryTime, BigQueryTimestamp } from '@google-cloud/bigquery';
import { plainInteger } from '../sql';
import type { Driver } from './connection';

type Wrapped = BigQueryTimestamp | BigQueryDate | BigQueryDatetime | BigQueryTime;

export function plainValue(driver: Driver, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (value instanceof driver.BigQueryInt) return plainInteger(BigInt(value.value));
  if (isWrapped(driver, value)) return value.value;
  if (Buffer.isBuffer(value)) return value.toString('base64');
  if (Array.isArray(value)) return value.map((item) => plainValue(driver, item));
  if (typeof value === 'object') {
    // A RECORD or a parsed JSON object; anything else (NUMERIC's Big) prints itself exactly.
    if (Object.getPrototypeOf(value) !== Object.prototype) return String(value);
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, plainValue(driver, inner)]));
  }
  return value;
}

function isWrapped(driver: Driver, value: object): value is Wrapped {
  return (
    value instanceof driver.BigQueryTimestamp ||
    value instanceof driver.BigQueryDate ||
    value instanceof driver.BigQueryDatetime ||
    value instanceof driver.BigQueryTime
  );
}

/** Positional parameters with the BigQuery types the SDK cannot infer on its own (null, bigint). */
export function positionalParameters(params: readonly unknown[]): { values: unknown[]; types: string[] } {
  const values: unknown[] = [];
  const types: string[] = [];
  params.forEach((value, index) => {
    if (value === null || value === undefined) {
      values.push(null);
      types.push('STRING');
    } else if (value instanceof Date) {
      values.push(value);
      types.push('TIMESTAMP');
    } else if (typeof value === 'bigint') {
      values.push(value.toString());
      types.push('INT64');
    } else if (typeof value === 'number') {
      values.push(value);
      types.push(Number.isInteger(value) ? 'INT64' : 'FLOAT64');
    } else if (typeof value === 'string' || typeof value === 'boolean') {
      values.push(value);
      types.push(typeof value === 'string' ? 'STRING' : 'BOOL');
    } else {
      throw new TypeError(`query parameter ${index + 1} must be a string, number, bigint, boolean, Date or null`);
    }
  });
  return { values, types };
}
