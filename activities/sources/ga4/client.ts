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
import type { Ga4SourceConfig } from './definition';

type ClientOptions = NonNullable<ConstructorParameters<typeof BetaAnalyticsDataClient>[0]>;

/** Service-account key, a preset access token, or application default credentials, in that order. */
function authOptions(config: Ga4SourceConfig): ClientOptions {
  if (config.credentials) return { credentials: config.credentials };
  if (config.accessToken) {
    const authClient = new googleAuthLibrary.OAuth2Client();
    authClient.setCredentials({ access_token: config.accessToken });
    return { authClient };
  }
  return {};
}

function endpointOptions(apiEndpoint: string | undefined): ClientOptions {
  if (!apiEndpoint) return {};
  const url = new URL(apiEndpoint);
  const protocol = url.protocol.replace(':', '');
  const port = url.port ? Number(url.port) : protocol === 'https' ? 443 : 80;
  return { apiEndpoint: url.hostname, port, protocol };
}

const clients = new Map<string, BetaAnalyticsDataClient>();

/** The key holds no secret in the clear: it is a digest of the connection settings. */
const clientKey = (config: Ga4SourceConfig): string =>
  createHash('sha256')
    .update(JSON.stringify([config.credentials ?? null, config.accessToken ?? null, config.apiEndpoint ?? null]))
    .digest('hex');

export function ga4Client(config: Ga4SourceConfig): BetaAnalyticsDataClient {
  const key = clientKey(config);
  const existing = clients.get(key);
  if (existing) return existing;
  const client = new BetaAnalyticsDataClient({ fallback: true, ...endpointOptions(config.apiEndpoint), ...authOptions(config) });
  clients.set(key, client);
  return client;
}

/** Closes every cached client (worker shutdown, tests). */
export async function closeGa4Clients(): Promise<void> {
  const open = [...clients.values()];
  clients.clear();
  await Promise.all(open.map((client) => client.close()));
}
