/**
 * JWT bearer tokens, verified with jose: HS256 against a shared secret, asymmetric algorithms against
 * an identity provider's public key (a PEM file) or key set (a JWKS URL, key picked by `kid`). The
 * algorithm a token names picks its key, and only from the algorithms configured for that key, so
 * `none`, and an HS256 token keyed with a public key (the classic algorithm confusion), are refused.
 */
import { decodeProtectedHeader, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { z } from 'zod';
import type { Role } from '../../domain/access';
import { DEFAULT_ROLE_CLAIM, roleFromClaims } from './role-claim';

export const ASYMMETRIC_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'] as const;
export const asymmetricAlgorithmSchema = z.enum(ASYMMETRIC_ALGORITHMS);
export type AsymmetricAlgorithm = z.infer<typeof asymmetricAlgorithmSchema>;
export type JwtAlgorithm = 'HS256' | AsymmetricAlgorithm;

/** The identity provider's public keys: one PEM key, or a JWKS whose keys are picked by `kid`. */
export interface PublicKeys {
  /** Pinned: a token naming another algorithm is refused before any key is looked at. */
  algorithms: readonly AsymmetricAlgorithm[];
  keyFor: JWTVerifyGetKey;
}

export interface JwtSettings {
  /** HS256 tokens are checked against this shared secret; without it HS256 is refused. */
  hs256Secret?: Uint8Array;
  publicKeys?: PublicKeys;
  /** Checked when set: the token's `iss` must equal it. */
  issuer?: string;
  /** Checked when set: the token's `aud` must equal or contain it. */
  audience?: string;
  /** Where the role is: a claim name or dotted path; `role` when unset (see role-claim.ts). */
  roleClaim?: string;
  /** How far `exp` and `nbf` may be off, for clocks that disagree; none when unset. */
  clockToleranceSeconds?: number;
}

export interface VerifiedJwt {
  subject: string;
  role: Role;
  algorithm: JwtAlgorithm;
}

/** A token that was refused; the message says why and is safe to return (it never quotes the token). */
export class TokenRejected extends Error {
  override name = 'TokenRejected';
}

const SEGMENT = /^[A-Za-z0-9_-]*$/;
const headerSchema = z.object({ alg: z.string(), kid: z.string().optional() });
const subjectSchema = z.string().min(1).max(255);

interface Verifier {
  /** The algorithm the header names, once it is known to be one configured for the key. */
  algorithm: JwtAlgorithm;
  algorithms: readonly JwtAlgorithm[];
  key: Uint8Array | JWTVerifyGetKey;
}

export async function verifyJwt(token: string, settings: JwtSettings): Promise<VerifiedJwt> {
  const header = headerOf(token);
  const verifier = verifierFor(header.alg, settings);
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, verifier.key, {
      algorithms: [...verifier.algorithms],
      requiredClaims: ['exp', 'sub'],
      ...(settings.issuer === undefined ? {} : { issuer: settings.issuer }),
      ...(settings.audience === undefined ? {} : { audience: settings.audience }),
      clockTolerance: settings.clockToleranceSeconds ?? 0,
    }));
  } catch (error) {
    throw error instanceof errors.JOSEError ? new TokenRejected(refusal(error, header, settings)) : error;
  }
  const subject = subjectSchema.safeParse(payload.sub);
  if (!subject.success) throw new TokenRejected('the token subject (sub) must be a string of 1 to 255 characters');
  const role = roleFromClaims(payload, settings.roleClaim ?? DEFAULT_ROLE_CLAIM);
  if (!role.found) throw new TokenRejected(role.reason);
  return { subject: subject.data, role: role.role, algorithm: verifier.algorithm };
}

function headerOf(token: string): z.infer<typeof headerSchema> {
  const segments = token.split('.');
  // An empty signature still passes, so that `alg: none` is refused by name below.
  if (segments.length !== 3 || !segments[0] || !segments[1] || !segments.every((part) => SEGMENT.test(part))) {
    throw new TokenRejected('the bearer token is neither an API key (ihk_...) nor a JWT (three base64url parts)');
  }
  let decoded: unknown;
  try {
    decoded = decodeProtectedHeader(token);
  } catch {
    throw new TokenRejected('the token header is not JSON');
  }
  const header = headerSchema.safeParse(decoded);
  if (!header.success) throw new TokenRejected('invalid token header: alg must be a string, and kid a string when present');
  return header.data;
}

function verifierFor(alg: string, { hs256Secret, publicKeys }: JwtSettings): Verifier {
  // Copied: jose checks `instanceof Uint8Array`, which a Buffer made in another realm (jest's sandbox) fails.
  if (alg === 'HS256' && hs256Secret) return { algorithm: 'HS256', algorithms: ['HS256'], key: new Uint8Array(hs256Secret) };
  const asymmetric = publicKeys?.algorithms.find((accepted) => accepted === alg);
  if (publicKeys && asymmetric) return { algorithm: asymmetric, algorithms: publicKeys.algorithms, key: publicKeys.keyFor };
  const accepted = [...(hs256Secret ? ['HS256'] : []), ...(publicKeys?.algorithms ?? [])];
  throw new TokenRejected(
    accepted.length === 0
      ? 'JWT bearer tokens are not accepted here (no INSIGHT_HUB_JWT_SECRET, INSIGHT_HUB_JWT_PUBLIC_KEY_FILE or INSIGHT_HUB_JWT_JWKS_URL): use an API key'
      : `token algorithm ${JSON.stringify(alg.slice(0, 20))} is not accepted: only ${accepted.join(', ')}`,
  );
}

const CLAIMS: Record<string, string> = {
  exp: 'expiry (exp)',
  nbf: 'start of validity (nbf)',
  sub: 'subject (sub)',
  iss: 'issuer (iss)',
  aud: 'audience (aud)',
};

/** Why jose refused the token, in words a caller can act on; never the token, nor its claims' values. */
function refusal(error: InstanceType<typeof errors.JOSEError>, header: z.infer<typeof headerSchema>, settings: JwtSettings): string {
  if (error instanceof errors.JWTExpired) {
    const { exp } = error.payload;
    return exp === undefined ? 'the token expired' : `the token expired at ${new Date(exp * 1_000).toISOString()}`;
  }
  if (error instanceof errors.JWTClaimValidationFailed) return claimRefusal(error, settings);
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'bad token signature';
  if (error instanceof errors.JWKSNoMatchingKey) {
    return header.kid === undefined
      ? 'the token names no key (kid) and no key in the JWKS fits it'
      : `unknown signing key: the JWKS has no key with kid ${JSON.stringify(header.kid.slice(0, 64))} for ${header.alg}`;
  }
  if (error instanceof errors.JWKSMultipleMatchingKeys)
    return 'the token names no key (kid) and the JWKS holds several: the token must name its kid';
  if (error instanceof errors.JOSEAlgNotAllowed) return `token algorithm ${JSON.stringify(header.alg.slice(0, 20))} is not accepted`;
  // JWTInvalid, JWSInvalid, JOSENotSupported: jose's messages name the rule, never a value.
  return `invalid token: ${error.message}`;
}

function claimRefusal(error: InstanceType<typeof errors.JWTClaimValidationFailed>, { issuer, audience }: JwtSettings): string {
  const claim = CLAIMS[error.claim] ?? `"${error.claim}" claim`;
  if (error.reason === 'missing') return `the token has no ${claim}, which is required`;
  if (error.reason === 'invalid') return `the token ${claim} is malformed: ${error.message}`;
  if (error.claim === 'iss') return `the token has another issuer (iss): this API takes tokens from ${issuer ?? 'its configured issuer'}`;
  if (error.claim === 'aud')
    return `the token is not meant for this API: its audience (aud) does not include ${audience ?? 'the configured audience'}`;
  if (error.claim === 'nbf') return 'the token is not valid yet (nbf)';
  return `the token ${claim} does not pass its check`;
}
