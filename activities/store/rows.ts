/**
 * What the tables hand back, checked with zod and mapped onto the domain types. Timestamps arrive
 * as Date from both drivers and leave as ISO strings; dates are selected as 'YYYY-MM-DD' text.
 */
import { z } from 'zod';
import { CONNECTOR_STATUSES, connectorSettingsSchema, type Connector } from '../../domain/connector';
import { cycleReportSchema, streamCursorSchema, type CycleReport } from '../../domain/cycle';
import { openConfiguration, type KeyRing } from '../secrets';

export const timestamp = z.date().transform((date) => date.toISOString());
const counters = z.record(z.string(), z.number());
const jsonObject = z.record(z.string(), z.unknown());

/** `SELECT count(*) AS n`: a bigint, which a driver may hand over as text. */
export const countRow = z.object({ n: z.coerce.number().int().nonnegative() });

/** A connector row; its credentials are opened with the key ring before the configuration is checked. */
export const connectorRow = (keys: KeyRing) =>
  z
    .object({
      id: z.string(),
      user_id: z.string(),
      name: z.string(),
      description: z.string().nullable(),
      configuration: z.unknown(),
      status: z.enum(CONNECTOR_STATUSES),
      created_at: timestamp,
      updated_at: timestamp,
    })
    .transform((row): Connector => {
      const configuration = connectorSettingsSchema.safeParse(openConfiguration(keys, row.configuration));
      if (!configuration.success) {
        throw new Error(`stored configuration of connector ${row.id} is invalid: ${z.prettifyError(configuration.error)}`);
      }
      return {
        id: row.id,
        userId: row.user_id,
        name: row.name,
        description: row.description,
        configuration: configuration.data,
        status: row.status,
        createdAt: row.created_at,
        updatedAt: row.updated_at,
      };
    });

export const cursorRow = z.object({
  stream: z.string(),
  cursor_value: z.string(),
  last_key: z.string(),
  committed_at: timestamp,
});

export const activityRow = z
  .object({
    id: z.string(),
    config_id: z.string(),
    user_id: z.string(),
    activity_type: z.string(),
    details: jsonObject,
    metrics: counters.nullable(),
    created_at: timestamp,
  })
  .transform((row) => ({
    id: row.id,
    connectorId: row.config_id,
    userId: row.user_id,
    activityType: row.activity_type,
    details: row.details,
    ...(row.metrics === null ? {} : { metrics: row.metrics }),
    createdAt: row.created_at,
  }));

export const metricsRow = z.object({ date: z.string(), metrics: counters });

export const outcomeRow = z
  .object({
    id: z.string(),
    config_id: z.string(),
    user_id: z.string(),
    predicted: counters,
    actual: counters,
    accuracy: z.number().nullable(),
    created_at: timestamp,
  })
  .transform((row) => ({
    id: row.id,
    connectorId: row.config_id,
    userId: row.user_id,
    predicted: row.predicted,
    actual: row.actual,
    accuracy: row.accuracy,
    createdAt: row.created_at,
  }));

export const qualityReportRow = z
  .object({
    id: z.string(),
    connector_id: z.string(),
    stream: z.string(),
    batch_sha256: z.string(),
    report: jsonObject,
    created_at: timestamp,
  })
  .transform((row) => ({
    id: row.id,
    connectorId: row.connector_id,
    stream: row.stream,
    batchSha256: row.batch_sha256,
    report: row.report,
    createdAt: row.created_at,
  }));

export const idRow = z.object({ id: z.string() });

export const cycleRunRow = z
  .object({
    workflow_id: z.string(),
    connector_id: z.string(),
    status: cycleReportSchema.shape.status,
    started_at: timestamp,
    finished_at: timestamp.nullable(),
    streams: cycleReportSchema.shape.streams,
    detail: z.string().nullable(),
  })
  .transform((row): CycleReport => ({
    workflowId: row.workflow_id,
    connectorId: row.connector_id,
    status: row.status,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    streams: row.streams,
    ...(row.detail !== null && { detail: row.detail }),
  }));

/** A cursor as the domain knows it, from its row. */
export const toStreamCursor = (row: z.infer<typeof cursorRow>) =>
  streamCursorSchema.parse({ value: row.cursor_value, lastKey: row.last_key });
