/**
 * Proves who a request comes from: an API key (`Authorization: Bearer ihk_...` or `X-API-Key`) looked
 * up in the store, or a JWT bearer token; on the codec's routes also either of them from the Web UI's
 * session cookie (./codec-session.ts). Answers with the principal, or why the credential is refused.
 */
import type { Request } from 'express';
import type { Store } from '../../activities/store/store';
import { API_KEY_PREFIX, parseApiKeyToken, sameSecret } from './api-key-token';
import { codecSessionCredential } from './codec-session';
import { TokenRejected, verifyJwt } from './jwt';
import type { Principal } from './principal';
import type { AuthenticationSettings } from './settings';

export type Authentication =
  { outcome: 'authenticated'; principal: Principal } | { outcome: 'missing' } | { outcome: 'refused'; reason: string };

const BEARER = /^Bearer\s+(\S+)\s*$/i;

export async function authenticate(req: Request, store: Pick<Store, 'apiKeys'>, settings: AuthenticationSettings): Promise<Authentication> {
  const credential = credentialOf(req);
  if (credential.outcome !== 'sent') return credential;
  if (credential.token.startsWith(API_KEY_PREFIX)) return apiKeyPrincipal(credential.token, store);
  if (credential.header === 'x-api-key')
    return { outcome: 'refused', reason: 'X-API-Key takes an API key (ihk_...); send a JWT as Authorization: Bearer' };
  try {
    const { subject, role, algorithm } = await verifyJwt(credential.token, settings.jwt);
    return { outcome: 'authenticated', principal: { subject, role, credential: { kind: 'jwt', algorithm } } };
  } catch (error) {
    if (error instanceof TokenRejected) return { outcome: 'refused', reason: error.message };
    throw error;
  }
}

export type SentCredential =
  | { outcome: 'sent'; token: string; header: 'authorization' | 'x-api-key' }
  | { outcome: 'missing' }
  | { outcome: 'refused'; reason: string };

/** The credential a request carries, as sent: the codec session keeps it to send it again. */
export function credentialOf(req: Request): SentCredential {
  const authorization = req.get('authorization');
  const apiKey = req.get('x-api-key');
  if (authorization !== undefined && apiKey !== undefined) {
    return { outcome: 'refused', reason: 'send one credential: Authorization or X-API-Key, not both' };
  }
  if (apiKey !== undefined) return { outcome: 'sent', token: apiKey.trim(), header: 'x-api-key' };
  if (authorization === undefined) {
    const session = codecSessionCredential(req);
    return session === undefined ? { outcome: 'missing' } : { outcome: 'sent', token: session, header: 'authorization' };
  }
  const bearer = BEARER.exec(authorization)?.[1];
  if (bearer === undefined) return { outcome: 'refused', reason: 'the Authorization header must be "Bearer <API key or JWT>"' };
  return { outcome: 'sent', token: bearer, header: 'authorization' };
}

async function apiKeyPrincipal(token: string, store: Pick<Store, 'apiKeys'>, now: Date = new Date()): Promise<Authentication> {
  const sent = parseApiKeyToken(token);
  if (!sent) return { outcome: 'refused', reason: 'malformed API key: expected ihk_<16 hex digits>_<43 characters>' };
  const stored = await store.apiKeys.find(sent.keyId);
  // One answer for an unknown id and a wrong secret: neither tells a guesser which ids exist.
  if (!stored || !sameSecret(sent.secretSha256, stored.secretSha256)) return { outcome: 'refused', reason: 'unknown or wrong API key' };
  if (stored.revokedAt !== null) return { outcome: 'refused', reason: `API key ${stored.keyId} was revoked at ${stored.revokedAt}` };
  if (stored.expiresAt !== null && Date.parse(stored.expiresAt) <= now.getTime()) {
    return { outcome: 'refused', reason: `API key ${stored.keyId} expired at ${stored.expiresAt}` };
  }
  return {
    outcome: 'authenticated',
    principal: { subject: stored.subject, role: stored.role, credential: { kind: 'api-key', keyId: stored.keyId } },
  };
}
