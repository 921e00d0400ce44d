/** Connector configurations carrying every kind of credential, each a value no other test uses. */
import { randomBytes, randomUUID } from 'node:crypto';
import { connectorSettingsSchema, type ConnectorSettings } from '../../domain/connector';

/** One INSIGHT_HUB_SECRET_KEYS entry: `<id>:<base64 of 32 random bytes>`. */
export const keyEntry = (id: string): string => `${id}:${randomBytes(32).toString('base64')}`;

/** The message of what `fn` throws, for checking what it does not say. */
export function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  throw new Error('expected an error');
}

/** A Redshift Serverless destination whose AWS secret key is `secretAccessKey`. */
export const redshiftDestinationWith = (secretAccessKey: string) => ({
  kind: 'redshift',
  region: 'eu-west-1',
  database: 'dev',
  workgroupName: 'marketing',
  credentials: { accessKeyId: 'AKIAEXAMPLE', secretAccessKey },
});

export interface CredentialedConfiguration {
  destination: string;
  configuration: ConnectorSettings;
  /** Every credential in it, as the user typed it. */
  credentials: string[];
  /** Values that are not credentials and must stay readable in the stored JSON. */
  plainValues: string[];
}

const unique = (what: string) => `${what}-${randomUUID()}`;
const pem = (what: string) => `-----BEGIN PRIVATE KEY-----\n${unique(what)}\n-----END PRIVATE KEY-----\n`;

export function credentialedConfigurations(): CredentialedConfiguration[] {
  const clientSecret = unique('client-secret');
  const sfPassword = unique('sf-password');
  const source = {
    kind: 'salesforce',
    loginUrl: 'https://login.salesforce.com',
    auth: { type: 'oauth-password', clientId: 'client-id-1', clientSecret, username: 'integration@example.com', password: sfPassword },
  };
  const sourceSecrets = [clientSecret, sfPassword];
  const pgPassword = unique('pg-password');
  const sfKey = pem('snowflake');
  const passphrase = unique('passphrase');
  const bqKey = pem('bigquery');
  const awsSecret = unique('aws-secret');
  const destinations: { destination: unknown; credentials: string[]; plainValues: string[] }[] = [
    {
      destination: { kind: 'postgres', url: `postgresql://loader:${pgPassword}@db.internal:5432/warehouse` },
      credentials: [pgPassword],
      plainValues: ['postgresql://loader:', '@db.internal:5432/warehouse'],
    },
    {
      destination: {
        kind: 'snowflake',
        account: 'xy12345',
        username: 'LOADER',
        auth: { type: 'key-pair', privateKey: sfKey, passphrase },
        warehouse: 'LOAD_WH',
        database: 'MARKETING',
      },
      credentials: [sfKey, passphrase],
      plainValues: ['xy12345', 'LOAD_WH'],
    },
    {
      destination: {
        kind: 'bigquery',
        projectId: 'acme-analytics',
        credentials: { client_email: 'loader@acme.iam.gserviceaccount.com', private_key: bqKey },
      },
      credentials: [bqKey],
      plainValues: ['acme-analytics', 'loader@acme.iam.gserviceaccount.com'],
    },
    {
      destination: redshiftDestinationWith(awsSecret),
      credentials: [awsSecret],
      plainValues: ['eu-west-1', 'AKIAEXAMPLE'],
    },
  ];
  return destinations.map(({ destination, credentials, plainValues }) => {
    const configuration = connectorSettingsSchema.parse({ source, destination });
    return {
      destination: configuration.destination.kind,
      configuration,
      credentials: [...sourceSecrets, ...credentials],
      plainValues: ['integration@example.com', 'client-id-1', ...plainValues],
    };
  });
}

/** An access-token source: the other Salesforce credential. */
export function accessTokenConfiguration(): { configuration: ConnectorSettings; credential: string } {
  const accessToken = unique('access-token');
  const configuration = connectorSettingsSchema.parse({
    source: { kind: 'salesforce', loginUrl: 'https://acme.my.salesforce.com', auth: { type: 'access-token', accessToken } },
  });
  return { configuration, credential: accessToken };
}
