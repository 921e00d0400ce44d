/**
 * Brandwatch access tokens (the api-password grant). A token lives a year, so each worker asks once
 * per account and keeps it; a token Brandwatch stops accepting is dropped and asked for again.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { BrandwatchSourceConfig } from './definition';
import { ConnectorError } from '../../errors';
import { parseBody, type HttpCall } from '../http-kit';
import { brandwatchFailure, request } from './http';

const TOKEN_REQUEST: HttpCall = { service: 'Brandwatch', action: 'the token request' };

const tokenResponseSchema = z.object({ access_token: z.string().min(1), expires_in: z.number().positive().optional() });

/** Renewed this long before Brandwatch says it expires, so that no request carries a dying token. */
const EXPIRY_MARGIN_MS = 60_000;

const tokens = new Map<string, { token: string; expiresAt: number }>();

/** A digest, so that the password never sits in the clear as a map key. */
const accountKey = (config: BrandwatchSourceConfig): string =>
  createHash('sha256')
    .update(JSON.stringify([config.apiUrl, config.username, config.password]))
    .digest('hex');

export function cachedToken(config: BrandwatchSourceConfig, now = Date.now()): string | null {
  const entry = tokens.get(accountKey(config));
  return entry && entry.expiresAt > now ? entry.token : null;
}

export function forgetToken(config: BrandwatchSourceConfig): void {
  tokens.delete(accountKey(config));
}

/** Asks Brandwatch for a token (one API request) and keeps it. */
export async function requestToken(config: BrandwatchSourceConfig, signal: AbortSignal): Promise<string> {
  const url = new URL('/oauth/token', config.apiUrl);
  url.search = new URLSearchParams({
    username: config.username,
    grant_type: 'api-password',
    client_id: 'brandwatch-api-client',
  }).toString();
  const response = await request(
    url,
    {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ password: config.password }),
    },
    TOKEN_REQUEST,
    signal,
  );
  if (response.status === 400 || response.status === 401) {
    throw new ConnectorError(
      'auth',
      `Brandwatch refused the login (HTTP ${response.status})`,
      "check the connector's username and password",
    );
  }
  if (response.status !== 200) throw brandwatchFailure(response, TOKEN_REQUEST);
  const token = parseBody(tokenResponseSchema, response.body, TOKEN_REQUEST);
  const lifetimeMs = (token.expires_in ?? 3600) * 1000;
  tokens.set(accountKey(config), { token: token.access_token, expiresAt: Date.now() + lifetimeMs - EXPIRY_MARGIN_MS });
  return token.access_token;
}
