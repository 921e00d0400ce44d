/** JWTs as an identity provider would sign them, with node:crypto, for the API's tests. */
import { createHmac, sign, type KeyObject } from 'node:crypto';

const segment = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

export type Claims = Record<string, unknown>;

/** Claims for `role`, valid for an hour unless overridden. */
export const claimsFor = (role: string, overrides: Claims = {}): Claims => ({
  sub: `jwt-${role}`,
  role,
  exp: Math.floor(Date.now() / 1_000) + 3_600,
  ...overrides,
});

export function hs256(claims: Claims, secret: string | Buffer, header: Claims = { alg: 'HS256', typ: 'JWT' }): string {
  const signed = `${segment(header)}.${segment(claims)}`;
  return `${signed}.${createHmac('sha256', secret).update(signed).digest('base64url')}`;
}

export function rs256(claims: Claims, privateKey: KeyObject): string {
  const signed = `${segment({ alg: 'RS256', typ: 'JWT' })}.${segment(claims)}`;
  return `${signed}.${sign('RSA-SHA256', Buffer.from(signed), privateKey).toString('base64url')}`;
}

/** A token whose header says `none` and carries no signature. */
export const unsigned = (claims: Claims): string => `${segment({ alg: 'none' })}.${segment(claims)}.`;
