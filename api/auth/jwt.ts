/**
 * JWT bearer tokens, checked with node:crypto alone: HS256 against a shared secret, RS256 against an
 * identity provider's public key. The algorithm a token names must be one configured here, so a
 * token signed with HS256 over the public key (the classic algorithm confusion) is refused.
 */
import { createHmac, timingSafeEqual, verify, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { roleSchema, type Role } from '../../domain/access';

export interface JwtSettings {
  hs256Secret?: Buffer;
  rs256PublicKey?: KeyObject;
  /** Checked when set: the token's `iss` must equal it. */
  issuer?: string;
  /** Checked when set: the token's `aud` must equal or contain it. */
  audience?: string;
}

export type JwtAlgorithm = 'HS256' | 'RS256';

export interface VerifiedJwt {
  subject: string;
  role: Role;
  algorithm: JwtAlgorithm;
}

/** A token that was refused; the message says why and is safe to return (it never quotes the token). */
export class TokenRejected extends Error {
  override name = 'TokenRejected';
}

const headerSchema = z.object({ alg: z.string(), typ: z.string().optional() });

const claimsSchema = z.object({
  sub: z.string().min(1).max(255),
  role: roleSchema,
  exp: z.number({ error: 'exp (expiry, seconds since the epoch) is required' }),
  nbf: z.number().optional(),
  iss: z.string().optional(),
  aud: z.union([z.string(), z.array(z.string())]).optional(),
});

const SEGMENT = /^[A-Za-z0-9_-]*$/;

export function verifyJwt(token: string, settings: JwtSettings, nowMs: number = Date.now()): VerifiedJwt {
  const segments = token.split('.');
  const [header, payload, signature] = segments;
  // An empty signature still parses, so that `alg: none` is refused by name below.
  if (segments.length !== 3 || !header || !payload || signature === undefined || !segments.every((part) => SEGMENT.test(part))) {
    throw new TokenRejected('the bearer token is neither an API key (ihk_...) nor a JWT (three base64url parts)');
  }
  const { alg } = parseSegment(headerSchema, header, 'header');
  const algorithm = checkSignature(alg, `${header}.${payload}`, Buffer.from(signature, 'base64url'), settings);
  const claims = parseSegment(claimsSchema, payload, 'claims');
  const now = nowMs / 1_000;
  if (claims.exp <= now) throw new TokenRejected(`the token expired at ${new Date(claims.exp * 1_000).toISOString()}`);
  if (claims.nbf !== undefined && claims.nbf > now) throw new TokenRejected('the token is not valid yet (nbf)');
  if (settings.issuer !== undefined && claims.iss !== settings.issuer) throw new TokenRejected('the token has another issuer (iss)');
  if (settings.audience !== undefined && !audiences(claims.aud).includes(settings.audience)) {
    throw new TokenRejected('the token is not meant for this API (aud)');
  }
  return { subject: claims.sub, role: claims.role, algorithm };
}

function checkSignature(alg: string, signed: string, signature: Buffer, settings: JwtSettings): JwtAlgorithm {
  if (alg === 'HS256' && settings.hs256Secret) {
    const expected = createHmac('sha256', settings.hs256Secret).update(signed).digest();
    if (expected.length !== signature.length || !timingSafeEqual(expected, signature)) throw new TokenRejected('bad token signature');
    return 'HS256';
  }
  if (alg === 'RS256' && settings.rs256PublicKey) {
    if (!verify('RSA-SHA256', Buffer.from(signed), settings.rs256PublicKey, signature)) throw new TokenRejected('bad token signature');
    return 'RS256';
  }
  const accepted = [settings.hs256Secret ? 'HS256' : null, settings.rs256PublicKey ? 'RS256' : null].filter((a) => a !== null);
  throw new TokenRejected(
    accepted.length === 0
      ? 'JWT bearer tokens are not accepted here (no INSIGHT_HUB_JWT_SECRET or INSIGHT_HUB_JWT_PUBLIC_KEY_FILE): use an API key'
      : `token algorithm ${alg.slice(0, 20)} is not accepted: only ${accepted.join(', ')}`,
  );
}

function parseSegment<S extends z.ZodType>(schema: S, segment: string, part: 'header' | 'claims'): z.output<S> {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
  } catch {
    throw new TokenRejected(`the token ${part} is not JSON`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((issue) => `${issue.path.join('.') || part}: ${issue.message}`).join('; ');
    throw new TokenRejected(`invalid token ${part}: ${fields}`);
  }
  return parsed.data;
}

const audiences = (aud: string | string[] | undefined): string[] => (aud === undefined ? [] : typeof aud === 'string' ? [aud] : aud);
