/**
 * The connector configuration: one zod schema is the type, the API's validation and its OpenAPI
 * description. Workflow-safe.
 */
import { z } from 'zod';
import { bigqueryDestinationSchema, duckdbDestinationSchema, postgresDestinationSchema, redshiftDestinationSchema, snowflakeDestinationSchema } from './destinations';
import { durationString } from './durations';
import { approvalPolicySchema, automationLevelSchema, guardrailsSchema } from './guardrails';
import { connectorRetentionSchema } from './privacy';
import { refuseRedactionMarkers } from './redaction';
import { brandwatchSourceSchema } from './streams/brandwatch';
import { cmsSourceSchema } from './streams/cms';
import { ga4SourceSchema } from './streams/ga4';
import { SALESFORCE_STREAM_NAMES } from './streams/salesforce';
import { sendgridSourceSchema } from './streams/sendgrid';
import { zendeskSourceSchema } from './streams/zendesk';

export const SOURCE_KINDS = ['salesforce', 'sendgrid', 'zendesk', 'cms', 'ga4', 'brandwatch'] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];
export const DESTINATION_KINDS = ['duckdb', 'postgres', 'snowflake', 'redshift', 'bigquery'] as const;
export type DestinationKind = (typeof DESTINATION_KINDS)[number];

export const salesforceAuthSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('oauth-password'),
    clientId: z.string().min(1),
    clientSecret: z.string().min(1),
    username: z.string().min(1),
    password: z.string().min(1),
  }),
  z.object({ type: z.literal('access-token'), accessToken: z.string().min(1) }),
]);

export const salesforceSourceSchema = z.object({
  kind: z.literal('salesforce'),
  /** Login URL (OAuth) or instance URL (access token), e.g. https://login.salesforce.com */
  loginUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
  auth: salesforceAuthSchema,
  apiVersion: z.string().regex(/^\d{2}\.0$/, 'must look like 59.0').default('59.0'),
  streams: z.array(z.enum(SALESFORCE_STREAM_NAMES)).min(1).default([...SALESFORCE_STREAM_NAMES]),
  /** The share of the org's daily API quota this connector may use before it defers to the next run. */
  apiQuotaShare: z.number().gt(0).max(1).default(0.9),
  /** Rows per staged batch file. */
  batchSize: z.number().int().min(100).max(200_000).default(10_000),
  /**
   * Customer IDs cutting contacts and leads into ranges read in parallel (FR-1: partitioned by
   * customer ID), ascending; none: one read per stream.
   */
  customerIdBoundaries: z
    .array(z.string().regex(/^[A-Za-z0-9_-]+$/, 'must be a customer ID: letters, digits, - and _'))
    .max(15)
    .refine((b) => b.every((value, i) => i === 0 || (b[i - 1] ?? '') < value), 'must be in ascending order without repeats')
    .default([]),
});

export const sourceSchema = z.discriminatedUnion('kind', [salesforceSourceSchema, sendgridSourceSchema, zendeskSourceSchema, cmsSourceSchema, ga4SourceSchema, brandwatchSourceSchema]);
export type SourceConfig = z.infer<typeof sourceSchema>;

export const destinationSchema = z.discriminatedUnion('kind', [duckdbDestinationSchema, postgresDestinationSchema, snowflakeDestinationSchema, redshiftDestinationSchema, bigqueryDestinationSchema]);
export type DestinationConfig = z.infer<typeof destinationSchema>;


export const connectorSettingsSchema = z.object({
  source: sourceSchema,
  destination: destinationSchema.default({ kind: 'duckdb', schema: 'marketing' }),
  guardrails: guardrailsSchema.default({ maxInvalidShare: 0.2, schemaChangePolicy: 'approve' }),
  /** What the cycle does when a guardrail is crossed; see domain/guardrails.ts. */
  automationLevel: automationLevelSchema.default('approve-on-breach'),
  approvalPolicy: approvalPolicySchema.default({ timeout: '24h', onTimeout: 'reject', approverRole: 'manager' }),
  /** How often a cycle runs; left out: the source's default (domain/sources.ts), none for webhook sources. */
  schedule: z.object({ every: durationString.optional() }).default({}),
  /** Retention windows of this connector's data, over the platform's (domain/privacy.ts). */
  retention: connectorRetentionSchema.optional(),
});
export type ConnectorSettings = z.infer<typeof connectorSettingsSchema>;

export const CONNECTOR_STATUSES = ['active', 'paused'] as const;
export type ConnectorStatus = (typeof CONNECTOR_STATUSES)[number];

export const createConnectorSchema = z.object({
  userId: z.string().min(1).max(255),
  name: z.string().min(1).max(255),
  description: z.string().max(10_000).optional(),
  /** What is stored: a secret may not be the redaction marker (domain/redaction.ts). */
  configuration: connectorSettingsSchema.superRefine(refuseRedactionMarkers),
  status: z.enum(CONNECTOR_STATUSES).default('active'),
});
export type CreateConnector = z.infer<typeof createConnectorSchema>;
/** A create body as a client writes it: defaults may be left out. */
export type CreateConnectorBody = z.input<typeof createConnectorSchema>;

/**
 * PUT replaces the fields it names; the configuration, when given, is validated whole. No defaults
 * here: a field left out stays as it is (a paused connector stays paused). A null description is
 * none, as GET shows it, so what GET returned can be sent back.
 */
export const updateConnectorSchema = createConnectorSchema
  .omit({ userId: true })
  .extend({ status: z.enum(CONNECTOR_STATUSES), description: createConnectorSchema.shape.description.unwrap().nullable() })
  .partial();
export type UpdateConnector = z.infer<typeof updateConnectorSchema>;

/** The spec's datawarehouseconnectorConfig entity. */
export interface Connector {
  id: string;
  userId: string;
  name: string;
  description: string | null;
  configuration: ConnectorSettings;
  status: ConnectorStatus;
  createdAt: string;
  updatedAt: string;
}
