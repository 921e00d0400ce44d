/**
 * Destination (warehouse) configurations. Credentials may be given here (stored encrypted) or, when
 * omitted, come from the environment the worker runs in. Workflow-safe.
 */
import { z } from 'zod';
import { httpUrlSchema } from './http-url';

/** A SQL identifier every warehouse accepts unquoted. */
export const sqlIdentifier = z
  .string()
  .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be lower-case letters, digits and underscores, starting with a letter or underscore');

export const duckdbDestinationSchema = z.object({
  kind: z.literal('duckdb'),
  /** Database file; defaults to the embedded warehouse under the data folder. */
  path: z.string().min(1).optional(),
  schema: sqlIdentifier.default('marketing'),
});

export const postgresDestinationSchema = z.object({
  kind: z.literal('postgres'),
  /** postgres://user:password@host:port/database; PG* environment variables when omitted. */
  url: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional(),
  schema: sqlIdentifier.default('marketing'),
});

export const snowflakeDestinationSchema = z.object({
  kind: z.literal('snowflake'),
  account: z.string().min(1),
  /** Overrides the account URL (private link, or the local simulator). */
  accessUrl: httpUrlSchema.optional(),
  username: z.string().min(1),
  /** Omitted: SNOWFLAKE_PASSWORD, or SNOWFLAKE_PRIVATE_KEY (and SNOWFLAKE_PRIVATE_KEY_PASSPHRASE), from the worker's environment. */
  auth: z
    .discriminatedUnion('type', [
      z.object({ type: z.literal('password'), password: z.string().min(1) }),
      z.object({
        type: z.literal('key-pair'),
        privateKey: z.string().includes('PRIVATE KEY', { error: 'must be a PEM private key' }),
        passphrase: z.string().min(1).optional(),
      }),
    ])
    .optional(),
  warehouse: z.string().min(1),
  database: z.string().min(1),
  schema: sqlIdentifier.default('marketing'),
  role: z.string().min(1).optional(),
  /** Batches with more rows than this go through a stage (PUT + COPY INTO) instead of bind arrays. */
  stageThresholdRows: z.number().int().min(1).default(10_000),
});

export const bigqueryDestinationSchema = z.object({
  kind: z.literal('bigquery'),
  projectId: z.string().min(1),
  /** The dataset plays the role of the schema. */
  schema: sqlIdentifier.default('marketing'),
  location: z.string().min(1).default('US'),
  apiEndpoint: httpUrlSchema.optional(),
  /** A service account key; application default credentials when omitted. */
  credentials: z.object({ client_email: z.email(), private_key: z.string().includes('PRIVATE KEY') }).optional(),
});

export const redshiftDestinationSchema = z
  .object({
    kind: z.literal('redshift'),
    region: z.string().min(1),
    database: z.string().min(1),
    schema: sqlIdentifier.default('marketing'),
    /** Redshift Serverless workgroup, or a provisioned cluster with a database user or a secret. */
    workgroupName: z.string().min(1).optional(),
    clusterIdentifier: z.string().min(1).optional(),
    dbUser: z.string().min(1).optional(),
    secretArn: z.string().startsWith('arn:', { error: 'must be an ARN' }).optional(),
    endpoint: httpUrlSchema.optional(),
    /** Static credentials; the AWS default provider chain when omitted. */
    credentials: z.object({ accessKeyId: z.string().min(1), secretAccessKey: z.string().min(1) }).optional(),
    /** With an S3 bucket, batches are loaded with COPY; with none, by multi-row INSERT. */
    s3Staging: z
      .object({
        bucket: z.string().min(3),
        prefix: z.string().default('insight-hub/'),
        iamRoleArn: z.string().startsWith('arn:'),
        endpoint: httpUrlSchema.optional(),
      })
      .optional(),
  })
  .refine((c) => Boolean(c.workgroupName) !== Boolean(c.clusterIdentifier), {
    error: 'give exactly one of workgroupName (serverless) or clusterIdentifier (provisioned)',
    path: ['workgroupName'],
  });
