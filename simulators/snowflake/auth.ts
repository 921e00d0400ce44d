/**
 * Who may log in: users with a password, a registered RSA public key (key-pair auth), or both.
 * Key-pair login checks the JWT snowflake-sdk signs (authentication/auth_keypair.js) as Snowflake
 * does: RS256 signature, subject ACCOUNT.USER, issuer ACCOUNT.USER.SHA256:<public key fingerprint>.
 */
import { createHash, createPublicKey, timingSafeEqual, verify, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { BAD_CREDENTIALS, BAD_JWT, type LoginRequest } from './wire';

export interface SimulatorUser {
  /** Login name; matched case-insensitively, as Snowflake does. */
  name: string;
  password?: string;
  /** PEM public key registered for key-pair authentication (RSA_PUBLIC_KEY). */
  publicKey?: string;
}

export type LoginOutcome = { ok: true; user: string } | { ok: false; code: string; message: string };

const jwtPayloadSchema = z.object({ iss: z.string(), sub: z.string() });
const jwtHeaderSchema = z.object({ alg: z.literal('RS256') });

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function publicKeyFingerprint(key: KeyObject): string {
  return `SHA256:${createHash('sha256')
    .update(key.export({ type: 'spki', format: 'der' }))
    .digest('base64')}`;
}

/** A JWT segment's JSON; undefined when it is none, which fails the schema checks below. */
function decodeSegment(segment: string): unknown {
  try {
    return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

function verifyJwt(token: string, account: string, user: SimulatorUser): boolean {
  if (!user.publicKey) return false;
  const [header, payload, signature] = token.split('.');
  if (!header || !payload || !signature) return false;
  const key = createPublicKey(user.publicKey);
  const signed = verify('RSA-SHA256', Buffer.from(`${header}.${payload}`), key, Buffer.from(signature, 'base64url'));
  if (!signed || !jwtHeaderSchema.safeParse(decodeSegment(header)).success) return false;
  const claims = jwtPayloadSchema.safeParse(decodeSegment(payload));
  if (!claims.success) return false;
  const subject = `${account.toUpperCase()}.${user.name.toUpperCase()}`;
  return claims.data.sub === subject && claims.data.iss === `${subject}.${publicKeyFingerprint(key)}`;
}

export function authenticate(users: readonly SimulatorUser[], account: string, request: LoginRequest): LoginOutcome {
  const { LOGIN_NAME, PASSWORD, TOKEN, AUTHENTICATOR } = request.data;
  const user = users.find((u) => u.name.toUpperCase() === LOGIN_NAME.toUpperCase());
  if ((AUTHENTICATOR ?? 'SNOWFLAKE').toUpperCase() === 'SNOWFLAKE_JWT') {
    const sameAccount = request.data.ACCOUNT_NAME.toUpperCase() === account.toUpperCase();
    const valid = user !== undefined && TOKEN !== undefined && sameAccount && verifyJwt(TOKEN, account, user);
    return valid ? { ok: true, user: user.name } : { ok: false, ...BAD_JWT };
  }
  const valid = user?.password !== undefined && PASSWORD !== undefined && sameText(user.password, PASSWORD);
  return valid && user ? { ok: true, user: user.name } : { ok: false, ...BAD_CREDENTIALS };
}
