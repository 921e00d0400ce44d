/**
 * What callers hand the store, checked before it reaches SQL: a bad value fails with the field and
 * the rule, not with a driver error.
 */
import { z } from 'zod';
import { cycleReportSchema } from '../../domain/cycle';
import { ConnectorError } from '../errors';
import type { ActivityEntry } from './audit';
import type { OutcomeEntry } from './outcomes';
import type { QualityReportEntry } from './quality-reports';

const uuid = z.uuid({ error: 'must be a UUID' });
export const uuidSchema = uuid;
const counters = z.record(z.string(), z.number().finite({ error: 'must be a finite number' }));
const jsonObject = z.record(z.string(), z.unknown());

export const activityEntrySchema = z.object({
  connectorId: uuid,
  userId: z.string().min(1).max(255),
  activityType: z.string().min(1).max(100),
  details: jsonObject,
  metrics: counters.optional(),
}) satisfies z.ZodType<ActivityEntry>;

export const outcomeEntrySchema = z.object({
  connectorId: uuid,
  userId: z.string().min(1).max(255),
  predicted: counters,
  actual: counters,
  accuracy: z.number().finite().nullable(),
}) satisfies z.ZodType<OutcomeEntry>;

export const qualityReportEntrySchema = z.object({
  connectorId: uuid,
  stream: z.string().min(1).max(100),
  batchSha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be a hex SHA-256'),
  report: jsonObject,
}) satisfies z.ZodType<QualityReportEntry>;

/** A run report must belong to a connector (a UUID); its shape is the domain's. */
export const cycleReportInputSchema = cycleReportSchema.extend({ connectorId: uuid });

export const metricsInputSchema = z.object({
  connectorId: uuid,
  userId: z.string().min(1).max(255),
  date: z.iso.date({ error: 'must be a date as YYYY-MM-DD' }),
  counters,
});

export const cursorInputSchema = z.object({ connectorId: uuid, stream: z.string().min(1).max(100) });

/** A page size: at least 1, at most 1000. */
export const limitSchema = z.number().int().min(1).max(1000);

/** An instant before which something is swept: a retention cutoff. */
export const cutoffSchema = z.iso.datetime({ offset: true, error: 'must be an ISO-8601 timestamp' });

export function isUuid(value: string): boolean {
  return uuid.safeParse(value).success;
}

/** Parses `value` or throws a non-retryable data error naming each bad field and why. */
export function parseInput<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new ConnectorError('data', `invalid ${what}: ${z.prettifyError(result.error)}`);
  return result.data;
}
