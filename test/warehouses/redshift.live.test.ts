/**
 * The conformance suite against a real Amazon Redshift, run only when one is configured:
 *   REDSHIFT_WORKGROUP (Serverless) or REDSHIFT_CLUSTER with REDSHIFT_DB_USER or REDSHIFT_SECRET_ARN,
 *   REDSHIFT_DATABASE (default `dev`), AWS_REGION, and AWS credentials the default provider chain finds
 *   (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE or a web identity).
 * With REDSHIFT_S3_BUCKET and REDSHIFT_S3_IAM_ROLE it runs a second time, staging through S3 with COPY.
 * Each test writes to a schema of its own, dropped at the end.
 */
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { RedshiftDataClient } from '@aws-sdk/client-redshift-data';
import { createRedshiftWarehouse } from '../../activities/warehouses/redshift';
import { DataApi, type StatementTarget } from '../../activities/warehouses/redshift/connection';
import { quoteIdentifier } from '../../activities/warehouses/sql';
import type { DestinationConfigOf } from '../../activities/warehouses/types';
import { describeWarehouseConformance } from './conformance';

const env = process.env;
const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
const hasCredentials = Boolean((env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) || env.AWS_PROFILE || env.AWS_WEB_IDENTITY_TOKEN_FILE);
const missing = [
  !env.REDSHIFT_WORKGROUP && !env.REDSHIFT_CLUSTER && 'REDSHIFT_WORKGROUP or REDSHIFT_CLUSTER',
  env.REDSHIFT_CLUSTER && !env.REDSHIFT_DB_USER && !env.REDSHIFT_SECRET_ARN && 'REDSHIFT_DB_USER or REDSHIFT_SECRET_ARN',
  !region && 'AWS_REGION',
  !hasCredentials && 'AWS credentials (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE or AWS_WEB_IDENTITY_TOKEN_FILE)',
].filter((item): item is string => typeof item === 'string');

if (missing.length > 0) {
  describe.skip(`redshift live conformance (skipped: set ${missing.join(', ')} to run it against a real Redshift)`, () => {
    test('runs against a real Redshift', () => undefined);
  });
} else {
  const database = env.REDSHIFT_DATABASE ?? 'dev';
  const target: StatementTarget = env.REDSHIFT_WORKGROUP
    ? { Database: database, WorkgroupName: env.REDSHIFT_WORKGROUP }
    : {
        Database: database,
        ClusterIdentifier: env.REDSHIFT_CLUSTER,
        DbUser: env.REDSHIFT_DB_USER,
        SecretArn: env.REDSHIFT_SECRET_ARN,
      };
  const plugin = createRedshiftWarehouse({ polling: { firstDelayMs: 100, maxDelayMs: 2_000, timeoutMs: 5 * 60_000 } });
  const schemas: string[] = [];

  const configFor = (schema: string, viaS3: boolean): DestinationConfigOf<'redshift'> => ({
    kind: 'redshift',
    region: region ?? '',
    database,
    schema,
    workgroupName: target.WorkgroupName,
    clusterIdentifier: target.ClusterIdentifier,
    dbUser: target.DbUser,
    secretArn: target.SecretArn,
    s3Staging:
      viaS3 && env.REDSHIFT_S3_BUCKET && env.REDSHIFT_S3_IAM_ROLE
        ? { bucket: env.REDSHIFT_S3_BUCKET, prefix: 'insight-hub-tests/', iamRoleArn: env.REDSHIFT_S3_IAM_ROLE }
        : undefined,
  });

  afterAll(async () => {
    const client = new RedshiftDataClient({ region });
    const api = new DataApi(client, target, { firstDelayMs: 100, maxDelayMs: 2_000, timeoutMs: 60_000 });
    try {
      for (const schema of schemas) await api.execute(`DROP SCHEMA IF EXISTS ${quoteIdentifier(schema)} CASCADE`);
    } finally {
      client.destroy();
    }
  }, 300_000);

  const variants = env.REDSHIFT_S3_BUCKET && env.REDSHIFT_S3_IAM_ROLE ? [false, true] : [false];
  for (const viaS3 of variants) {
    describe(`redshift live, staging by ${viaS3 ? 'COPY from S3' : 'bound INSERTs'}`, () => {
      jest.setTimeout(300_000);
      describeWarehouseConformance({
        plugin,
        async freshDestination() {
          const schema = `ih_conformance_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
          schemas.push(schema);
          return { config: configFor(schema, viaS3), dataDir: tmpdir(), schema };
        },
      });
    });
  }
}
