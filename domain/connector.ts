/**
 * The connector configuration: one zod schema is the type, the API's validation and its OpenAPI
 * description. Workflow-safe.
 */
import { z } from 'zod';
import {
  bigqueryDestinationSchema,
  duckdbDestinationSchema,
  postgresDestinationSchema,
  redshiftDestinationSchema,
  snowflakeDestinationSchema,
} from './destinations';
import { durationString } from './durations';
import { approvalPolicySchema, automationLevelSchema, guardrailsSchema } from './guardrails';
import { personalColumnRefusal, personalColumnsSchema, type PersonalColumns } from './personal-columns';
import { connectorRetentionSchema } from './privacy';
import { refuseRedactionMarkers } from './redaction';
import { SOURCE_KINDS, sourceDefinitions, type SourceKind } from './sources';
import type { StreamDefinition } from './streams/types';

/** The kinds are the registry's (domain/sources.ts), named here beside the configuration they tell apart. */
export { SOURCE_KINDS, type SourceKind };
export const DESTINATION_KINDS = ['duckdb', 'postgres', 'snowflake', 'redshift', 'bigquery'] as const;
export type DestinationKind = (typeof DESTINATION_KINDS)[number];

/** zod's discriminated union wants a list it can see is not empty. */
function atLeastOne<T>(items: readonly T[]): [T, ...T[]] {
  const [first, ...rest] = items;
  if (first === undefined) throw new Error('no source is defined');
  return [first, ...rest];
}

/** A connector's `source` block: one of the sources' config schemas, told apart by `kind`. */
export const sourceSchema = z.discriminatedUnion(
  'kind',
  atLeastOne(Object.values(sourceDefinitions).map((definition) => definition.config)),
);
export type SourceConfig = z.infer<typeof sourceSchema>;

export const destinationSchema = z.discriminatedUnion('kind', [
  duckdbDestinationSchema,
  postgresDestinationSchema,
  snowflakeDestinationSchema,
  redshiftDestinationSchema,
  bigqueryDestinationSchema,
]);
export type DestinationConfig = z.infer<typeof destinationSchema>;

/** Each personal column named must be a column of one of the source's streams, fit for its action. */
function refuseUnfitPersonalColumns(
  settings: { source: { kind: SourceKind }; personalColumns?: PersonalColumns | undefined },
  ctx: z.RefinementCtx,
): void {
  const streams: Readonly<Record<string, StreamDefinition>> = sourceDefinitions[settings.source.kind].streams;
  for (const [streamName, columns] of Object.entries(settings.personalColumns ?? {})) {
    const stream = Object.hasOwn(streams, streamName) ? streams[streamName] : undefined;
    if (!stream) {
      ctx.addIssue({
        code: 'custom',
        path: ['personalColumns', streamName],
        message: `is not a stream of ${settings.source.kind}; its streams: ${Object.keys(streams).join(', ')}`,
      });
      continue;
    }
    for (const [column, action] of Object.entries(columns)) {
      const refusal = personalColumnRefusal(stream, column, action);
      if (refusal) ctx.addIssue({ code: 'custom', path: ['personalColumns', streamName, column], message: refusal });
    }
  }
}

export const connectorSettingsSchema = z
  .object({
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
    /** Personal columns kept, hashed or dropped before staging (domain/personal-columns.ts). */
    personalColumns: personalColumnsSchema.optional(),
  })
  .superRefine(refuseUnfitPersonalColumns);
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
