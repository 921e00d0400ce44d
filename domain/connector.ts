/**
 * The connector configuration: one zod schema is the type, the API's validation and its OpenAPI
 * description. Workflow-safe.
 */
import { z } from 'zod';
import { duckdbDestinationSchema } from './destinations';
import { SALESFORCE_STREAM_NAMES } from './streams/salesforce';

export const SOURCE_KINDS = ['salesforce'] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];
export const DESTINATION_KINDS = ['duckdb'] as const;
export type DestinationKind = (typeof DESTINATION_KINDS)[number];

/** `15m`, `1h`, `30s`, `1d`: the schedule interval. */
export const durationString = z
  .string()
  .regex(/^[1-9]\d*(s|m|h|d)$/, 'must be a whole number followed by s, m, h or d, e.g. 15m');

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
});

export const sourceSchema = z.discriminatedUnion('kind', [salesforceSourceSchema]);
export type SourceConfig = z.infer<typeof sourceSchema>;

export const destinationSchema = z.discriminatedUnion('kind', [duckdbDestinationSchema]);
export type DestinationConfig = z.infer<typeof destinationSchema>;

export const guardrailsSchema = z.object({
  /** A batch whose share of invalid rows exceeds this is blocked, never loaded. */
  maxInvalidShare: z.number().min(0).max(1).default(0.2),
});
export type Guardrails = z.infer<typeof guardrailsSchema>;

export const connectorSettingsSchema = z.object({
  source: sourceSchema,
  destination: destinationSchema.default({ kind: 'duckdb', schema: 'marketing' }),
  guardrails: guardrailsSchema.default({ maxInvalidShare: 0.2 }),
  schedule: z.object({ every: durationString.default('15m') }).default({ every: '15m' }),
});
export type ConnectorSettings = z.infer<typeof connectorSettingsSchema>;

export const CONNECTOR_STATUSES = ['active', 'paused'] as const;
export type ConnectorStatus = (typeof CONNECTOR_STATUSES)[number];

export const createConnectorSchema = z.object({
  userId: z.string().min(1).max(255),
  name: z.string().min(1).max(255),
  description: z.string().max(10_000).optional(),
  configuration: connectorSettingsSchema,
  status: z.enum(CONNECTOR_STATUSES).default('active'),
});
export type CreateConnector = z.infer<typeof createConnectorSchema>;

/**
 * PUT replaces the fields it names; the configuration, when given, is validated whole. No defaults
 * here: a field left out stays as it is (a paused connector stays paused).
 */
export const updateConnectorSchema = createConnectorSchema
  .omit({ userId: true })
  .extend({ status: z.enum(CONNECTOR_STATUSES) })
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

/** `15m` → milliseconds. */
export function durationToMs(duration: string): number {
  const match = /^(\d+)(s|m|h|d)$/.exec(duration);
  if (!match) throw new Error(`invalid duration ${duration}`);
  const unit = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as 's' | 'm' | 'h' | 'd'];
  return Number(match[1]) * unit;
}

/** A connector as shown outside the store: credentials replaced by a marker. */
export function redactConnector(connector: Connector): Connector {
  const { source } = connector.configuration;
  const auth =
    source.auth.type === 'oauth-password'
      ? { ...source.auth, clientSecret: '[redacted]', password: '[redacted]' }
      : { ...source.auth, accessToken: '[redacted]' };
  return { ...connector, configuration: { ...connector.configuration, source: { ...source, auth } } };
}
