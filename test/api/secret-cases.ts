/** The connector-secrets corpus: a configuration for each source and destination with secrets, and the secrets in it. */
import { randomUUID } from 'node:crypto';
import { redshiftDestinationWith } from '../secrets/fixtures';

export const secret = (what: string): string => `${what}-${randomUUID()}`;
const pem = (what: string): string => `-----BEGIN PRIVATE KEY-----\n${secret(what)}\n-----END PRIVATE KEY-----\n`;
/** A P-256 key as SendGrid shows it; the one test/webhooks/signature.test.ts verifies with. */
const SENDGRID_KEY =
  'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE83T4O/n84iotIvIW4mdBgQ/7dAfSmpqIM8kF9mN1flpVKS3GRqe62gw+2fNNRaINXvVpiglSI8eNEc6wEA3F+g==';
const today = (): string => new Date().toISOString().slice(0, 10);

export interface SecretCase {
  name: string;
  configuration: Record<string, unknown>;
  /** Every credential in it, as the user typed it. */
  secrets: string[];
}

/** A source holding no secret, for the cases about a destination's. */
export const cmsWith = (accessToken: string) => ({ kind: 'cms', endpoint: 'http://127.0.0.1:1/graphql', accessToken });

/** A connector per source and destination that holds secrets, with its secrets fresh for each test. */
export function secretCases(): SecretCase[] {
  const [clientSecret, sfPassword, sfToken, zdToken, cmsToken, ga4Key, ga4Token, bwPassword] = [
    secret('client-secret'),
    secret('sf-password'),
    secret('sf-token'),
    secret('zd-token'),
    secret('cms-token'),
    pem('ga4'),
    secret('ga4-token'),
    secret('bw-password'),
  ];
  const [pgPassword, sfDbPassword, sfKey, passphrase, bqKey, awsSecret, destinationSourceToken] = [
    secret('pg-password'),
    secret('snowflake-password'),
    pem('snowflake'),
    secret('passphrase'),
    pem('bigquery'),
    secret('aws-secret'),
    secret('cms-token'),
  ];
  const snowflake = { kind: 'snowflake', account: 'xy12345', username: 'LOADER', warehouse: 'LOAD_WH', database: 'MARKETING' };
  return [
    {
      name: 'Salesforce OAuth: client secret and password',
      configuration: {
        source: {
          kind: 'salesforce',
          loginUrl: 'http://127.0.0.1:1/login',
          auth: { type: 'oauth-password', clientId: 'client-id', clientSecret, username: 'api-user', password: sfPassword },
        },
      },
      secrets: [clientSecret, sfPassword],
    },
    {
      name: 'Salesforce access token',
      configuration: {
        source: { kind: 'salesforce', loginUrl: 'http://127.0.0.1:1/login', auth: { type: 'access-token', accessToken: sfToken } },
      },
      secrets: [sfToken],
    },
    {
      name: 'SendGrid verification key',
      configuration: { source: { kind: 'sendgrid', publicKey: SENDGRID_KEY } },
      secrets: [SENDGRID_KEY],
    },
    {
      name: 'Zendesk API token',
      configuration: {
        source: { kind: 'zendesk', subdomain: 'acme', email: 'agent@example.com', apiToken: zdToken, apiTokenIssuedAt: today() },
      },
      secrets: [zdToken],
    },
    { name: 'CMS access token', configuration: { source: cmsWith(cmsToken) }, secrets: [cmsToken] },
    {
      name: 'GA4 service-account private_key',
      configuration: {
        source: {
          kind: 'ga4',
          propertyId: '123456789',
          credentials: { client_email: 'reader@acme.iam.gserviceaccount.com', private_key: ga4Key },
        },
      },
      secrets: [ga4Key],
    },
    {
      name: 'GA4 access token',
      configuration: { source: { kind: 'ga4', propertyId: '123456789', accessToken: ga4Token } },
      secrets: [ga4Token],
    },
    {
      name: 'Brandwatch password',
      configuration: {
        // A port nothing listens on: the account check at create time cannot reach it and leaves it to the first cycle.
        source: {
          kind: 'brandwatch',
          apiUrl: 'http://127.0.0.1:1',
          username: 'analyst@example.com',
          password: bwPassword,
          projectId: 7,
          queryIds: [1, 2],
        },
      },
      secrets: [bwPassword],
    },
    {
      name: 'PostgreSQL URL password',
      configuration: {
        source: cmsWith(destinationSourceToken),
        destination: { kind: 'postgres', url: `postgresql://loader:${pgPassword}@db.internal:5432/warehouse` },
      },
      secrets: [destinationSourceToken, pgPassword],
    },
    {
      name: 'Snowflake password',
      configuration: {
        source: cmsWith(destinationSourceToken),
        destination: { ...snowflake, auth: { type: 'password', password: sfDbPassword } },
      },
      secrets: [destinationSourceToken, sfDbPassword],
    },
    {
      name: 'Snowflake key pair and passphrase',
      configuration: {
        source: cmsWith(destinationSourceToken),
        destination: { ...snowflake, auth: { type: 'key-pair', privateKey: sfKey, passphrase } },
      },
      secrets: [destinationSourceToken, sfKey, passphrase],
    },
    {
      name: 'BigQuery service-account private_key',
      configuration: {
        source: cmsWith(destinationSourceToken),
        destination: {
          kind: 'bigquery',
          projectId: 'acme-analytics',
          credentials: { client_email: 'loader@acme.iam.gserviceaccount.com', private_key: bqKey },
        },
      },
      secrets: [destinationSourceToken, bqKey],
    },
    {
      name: 'Redshift access key',
      configuration: {
        source: cmsWith(destinationSourceToken),
        destination: redshiftDestinationWith(awsSecret),
      },
      secrets: [destinationSourceToken, awsSecret],
    },
  ];
}
