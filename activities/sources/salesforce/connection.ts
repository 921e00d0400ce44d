/**
 * jsforce connections: an OAuth password login or a preset access token, and one logged-in
 * connection per org and user for the life of the worker. Every page is its own activity, and
 * logging in per page would spend a request of the org's limit each time.
 */
import { createHash } from 'node:crypto';
import { Connection } from 'jsforce/lib/connection';
import { ConnectorError, RateLimitedError } from '../../errors';
import { untilAborted } from '../abort';
import type { SalesforceSourceConfig } from './definition';

const OAUTH_REFUSALS = new Set([
  'invalid_grant',
  'invalid_client_id',
  'invalid_client',
  'unauthorized_client',
  'inactive_user',
  'inactive_org',
  'unsupported_grant_type',
]);

function loginError(error: unknown): ConnectorError {
  const name = error instanceof Error ? error.name : 'unknown';
  const message = error instanceof Error ? error.message : String(error);
  if (OAUTH_REFUSALS.has(name)) {
    return new ConnectorError(
      'auth',
      `Salesforce refused the OAuth password login (${name})`,
      "check the username, the password (with the user's security token appended when the org requires it) " +
        "and the connected app's client id and secret, then update the connector",
    );
  }
  // jsforce names a token-endpoint failure without an OAuth error body ERROR_HTTP_<status>.
  const status = Number(/^ERROR_HTTP_(\d{3})$/.exec(name)?.[1] ?? Number.NaN);
  if (status === 429) return new RateLimitedError(`Salesforce throttled the login: ${message}`, null);
  if (status >= 400 && status < 500) {
    return new ConnectorError('config', `Salesforce login answered HTTP ${status}`, "check the connector's loginUrl");
  }
  return new ConnectorError('transient', `Salesforce login failed: ${message}`);
}

async function openConnection(config: SalesforceSourceConfig, signal: AbortSignal): Promise<Connection> {
  const { auth, loginUrl, apiVersion } = config;
  if (auth.type === 'access-token') {
    return new Connection({ instanceUrl: loginUrl, accessToken: auth.accessToken, version: apiVersion });
  }
  const conn = new Connection({
    loginUrl,
    version: apiVersion,
    oauth2: { clientId: auth.clientId, clientSecret: auth.clientSecret, loginUrl },
  });
  try {
    await untilAborted(conn.login(auth.username, auth.password), signal);
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    throw loginError(error);
  }
  return conn;
}

const connections = new Map<string, Promise<Connection>>();

function connectionKey(config: SalesforceSourceConfig): string {
  return createHash('sha256')
    .update(JSON.stringify([config.loginUrl, config.apiVersion, config.auth]))
    .digest('hex');
}

/** The org's connection, logging in first when the worker has none; `loginCalls` counts that request. */
export async function connectionFor(
  config: SalesforceSourceConfig,
  signal: AbortSignal,
): Promise<{ conn: Connection; loginCalls: number }> {
  const key = connectionKey(config);
  const cached = connections.get(key);
  if (cached) return { conn: await cached, loginCalls: 0 };
  const opening = openConnection(config, signal);
  connections.set(key, opening);
  opening.catch(() => connections.delete(key));
  return { conn: await opening, loginCalls: config.auth.type === 'oauth-password' ? 1 : 0 };
}

/** A session the org no longer accepts is forgotten, so the retry logs in again. */
export function forgetConnection(config: SalesforceSourceConfig): void {
  connections.delete(connectionKey(config));
}
