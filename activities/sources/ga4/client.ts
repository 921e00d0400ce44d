/**
 * The Data API client of a connector, over REST (the SDK's `fallback`): one transport everywhere, so
 * quota errors have one shape (an HTTP 429) and a plain HTTP simulator can stand in for Google.
 * Clients are kept per credentials for the life of the worker, so that a service account's OAuth
 * token is minted once, not once per page.
 */
import { createHash } from 'node:crypto';
import { BetaAnalyticsDataClient } from '@google-analytics/data';
// google-gax pins its own google-auth-library: an auth client of another copy fails its type check.
import { googleAuthLibrary } from 'google-gax';
import { ConnectorError } from '../../errors';
import type { Ga4SourceConfig } from './definition';

type ClientOptions = NonNullable<ConstructorParameters<typeof BetaAnalyticsDataClient>[0]>;

const READ_SCOPE = 'https://www.googleapis.com/auth/analytics.readonly';

/**
 * Application default credentials, found before the SDK is given them: left to the SDK, a machine
 * without any fails the call and also leaves a second, unhandled rejection behind, which ends the
 * process (a connector saved without credentials took the API down when its catalog was asked).
 */
async function applicationDefaultCredentials(): Promise<ClientOptions> {
  try {
    return { authClient: await new googleAuthLibrary.GoogleAuth({ scopes: [READ_SCOPE] }).getClient() };
  } catch (error) {
    throw new ConnectorError(
      'auth',
      `GA4 found no application default credentials: ${error instanceof Error ? error.message : String(error)}`,
      "give the connector a service account's credentials or an accessToken, or set GOOGLE_APPLICATION_CREDENTIALS for the worker",
    );
  }
}

/** Service-account key, a preset access token, or application default credentials, in that order. */
async function authOptions(config: Ga4SourceConfig): Promise<ClientOptions> {
  if (config.credentials) return { credentials: config.credentials };
  if (config.accessToken) {
    const authClient = new googleAuthLibrary.OAuth2Client();
    authClient.setCredentials({ access_token: config.accessToken });
    return { authClient };
  }
  return applicationDefaultCredentials();
}

function endpointOptions(apiEndpoint: string | undefined): ClientOptions {
  if (!apiEndpoint) return {};
  const url = new URL(apiEndpoint);
  const protocol = url.protocol.replace(':', '');
  const port = url.port ? Number(url.port) : protocol === 'https' ? 443 : 80;
  return { apiEndpoint: url.hostname, port, protocol };
}

const clients = new Map<string, Promise<BetaAnalyticsDataClient>>();

/** The key holds no secret in the clear: it is a digest of the connection settings. */
const clientKey = (config: Ga4SourceConfig): string =>
  createHash('sha256')
    .update(JSON.stringify([config.credentials ?? null, config.accessToken ?? null, config.apiEndpoint ?? null]))
    .digest('hex');

async function openClient(config: Ga4SourceConfig): Promise<BetaAnalyticsDataClient> {
  return new BetaAnalyticsDataClient({ fallback: true, ...endpointOptions(config.apiEndpoint), ...(await authOptions(config)) });
}

export function ga4Client(config: Ga4SourceConfig): Promise<BetaAnalyticsDataClient> {
  const key = clientKey(config);
  const existing = clients.get(key);
  if (existing) return existing;
  const opening = openClient(config);
  clients.set(key, opening);
  // Credentials found missing are looked for again next time (they may have been set since).
  opening.catch(() => clients.delete(key));
  return opening;
}

/** Closes every cached client (worker shutdown, tests). */
export async function closeGa4Clients(): Promise<void> {
  const open = [...clients.values()];
  clients.clear();
  const opened = await Promise.allSettled(open);
  await Promise.all(opened.flatMap((result) => (result.status === 'fulfilled' ? [result.value.close()] : [])));
}
