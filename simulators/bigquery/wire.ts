/**
 * Request bodies of the BigQuery REST v2 calls the SDK makes, as zod schemas: a body the simulator
 * does not understand fails as BigQuery would (400 invalid, naming the field), not half-applied.
 * Unknown fields are ignored, as the real API ignores output-only ones sent back to it.
 */
import { z } from 'zod';
import { BigQueryRequestError } from './errors';
import { queryParameterSchema } from './parameters';

const fieldSchema = z.object({
  name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,299}$/, 'must be letters, digits and underscores'),
  type: z.string(),
  mode: z.enum(['NULLABLE', 'REQUIRED', 'REPEATED']).default('NULLABLE'),
  description: z.string().optional(),
});
export type Field = z.infer<typeof fieldSchema>;

const tableSchemaSchema = z.object({ fields: z.array(fieldSchema) });

const timePartitioningSchema = z.object({
  type: z.enum(['HOUR', 'DAY', 'MONTH', 'YEAR']),
  field: z.string().optional(),
  expirationMs: z.string().optional(),
});

const clusteringSchema = z.object({ fields: z.array(z.string()).min(1).max(4) });

const tableReferenceSchema = z.object({ projectId: z.string(), datasetId: z.string(), tableId: z.string() });

export const datasetInsertSchema = z.object({
  datasetReference: z.object({ datasetId: z.string().regex(/^[A-Za-z0-9_]{1,1024}$/), projectId: z.string().optional() }),
  location: z.string().optional(),
  description: z.string().optional(),
  labels: z.record(z.string(), z.string()).optional(),
});

/** What tables.insert and tables.patch may set. */
export const tableMetadataSchema = z.object({
  schema: tableSchemaSchema.optional(),
  timePartitioning: timePartitioningSchema.optional(),
  clustering: clusteringSchema.nullable().optional(),
  description: z.string().nullable().optional(),
  labels: z.record(z.string(), z.string()).optional(),
  expirationTime: z.string().regex(/^\d+$/, 'must be milliseconds since the epoch').nullable().optional(),
});
export type TableMetadata = z.infer<typeof tableMetadataSchema>;

export const tableInsertSchema = tableMetadataSchema.extend({ tableReference: tableReferenceSchema });

const datasetReferenceSchema = z.object({ projectId: z.string().optional(), datasetId: z.string() });

export const queryConfigurationSchema = z.object({
  query: z.string().min(1),
  useLegacySql: z.boolean().optional(),
  defaultDataset: datasetReferenceSchema.optional(),
  queryParameters: z.array(queryParameterSchema).default([]),
  parameterMode: z.string().optional(),
});

export const loadConfigurationSchema = z.object({
  destinationTable: tableReferenceSchema,
  sourceFormat: z.string().default('CSV'),
  schema: tableSchemaSchema.optional(),
  writeDisposition: z.enum(['WRITE_APPEND', 'WRITE_TRUNCATE', 'WRITE_EMPTY']).default('WRITE_APPEND'),
  createDisposition: z.enum(['CREATE_IF_NEEDED', 'CREATE_NEVER']).default('CREATE_IF_NEEDED'),
  ignoreUnknownValues: z.boolean().default(false),
  timePartitioning: timePartitioningSchema.optional(),
  clustering: clusteringSchema.optional(),
});
export type LoadConfiguration = z.infer<typeof loadConfigurationSchema>;

const jobReferenceSchema = z.object({
  projectId: z.string().optional(),
  jobId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,1024}$/, 'must be letters, digits, underscores and dashes')
    .optional(),
  location: z.string().optional(),
});

export type QueryConfiguration = z.infer<typeof queryConfigurationSchema>;

export const jobInsertSchema = z.object({
  jobReference: jobReferenceSchema.default({}),
  configuration: z.union([
    z.object({
      query: queryConfigurationSchema,
      dryRun: z.literal(false, { error: 'dry runs are not supported by the simulator' }).optional(),
    }),
    z.object({ load: loadConfigurationSchema }),
  ]),
});

/** jobs.query (the SDK's fast path). */
export const queryRequestSchema = queryConfigurationSchema.extend({
  location: z.string().optional(),
  maxResults: z.number().int().min(1).optional(),
  formatOptions: z.object({ useInt64Timestamp: z.boolean().optional() }).optional(),
});

/** Parses a body, turning zod's complaint into BigQuery's 400 naming the field. */
export function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue?.path.join('.') || 'body';
  throw new BigQueryRequestError('invalid', `Invalid value for ${field}: ${issue?.message ?? 'not understood'}`);
}

/** A job's configuration as the simulator keeps it. */
export type JobConfiguration = { load: LoadConfiguration } | { query: QueryConfiguration };
