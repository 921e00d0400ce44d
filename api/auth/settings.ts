/** How the API checks JWT bearer tokens, from the environment; API keys need no settings (they live in the store). */
import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { importSPKI } from 'jose';
import { z } from 'zod';
import { remoteKeySet } from './jwks';
import { asymmetricAlgorithmSchema, type JwtSettings, type PublicKeys } from './jwt';

const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['localhost', '127.0.0.1', '[::1]']);

const seconds = (max: number) =>
  z
    .string()
    .regex(/^\d+$/, 'must be a whole number of seconds')
    .transform(Number)
    .pipe(z.number().max(max, `must be at most ${max} seconds`));

const jwksUrlSchema = z
  .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
  .transform((text) => new URL(text))
  .refine(
    (url) => url.protocol === 'https:' || LOOPBACK_HOSTS.has(url.hostname),
    'must be https (plain http only to a loopback address): keys fetched over plain http could be swapped on the way',
  );

const algorithmsSchema = z
  .string()
  .transform((list) => list.split(',').map((name) => name.trim()))
  .pipe(z.array(asymmetricAlgorithmSchema).min(1));

const authEnvSchema = z
  .object({
    INSIGHT_HUB_JWT_SECRET: z
      .string()
      .min(32, 'must be at least 32 characters: a shorter HS256 secret can be guessed offline from any token')
      .optional(),
    INSIGHT_HUB_JWT_PUBLIC_KEY_FILE: z.string().min(1).optional(),
    INSIGHT_HUB_JWT_JWKS_URL: jwksUrlSchema.optional(),
    INSIGHT_HUB_JWT_JWKS_ALGORITHMS: algorithmsSchema.optional(),
    INSIGHT_HUB_JWT_JWKS_COOLDOWN_SECONDS: seconds(3_600)
      .pipe(z.number().min(1, 'must be at least 1 second: each unknown kid may cause a fetch from the identity provider'))
      .optional(),
    INSIGHT_HUB_JWT_ISSUER: z.string().min(1).optional(),
    INSIGHT_HUB_JWT_AUDIENCE: z.string().min(1).optional(),
    INSIGHT_HUB_JWT_ROLE_CLAIM: z.string().min(1).max(200).optional(),
    INSIGHT_HUB_JWT_CLOCK_SKEW_SECONDS: seconds(300).optional(),
  })
  .superRefine((env, context) => {
    if (env.INSIGHT_HUB_JWT_PUBLIC_KEY_FILE !== undefined && env.INSIGHT_HUB_JWT_JWKS_URL !== undefined) {
      context.addIssue({
        code: 'custom',
        path: ['INSIGHT_HUB_JWT_JWKS_URL'],
        message: 'set INSIGHT_HUB_JWT_PUBLIC_KEY_FILE or INSIGHT_HUB_JWT_JWKS_URL, not both',
      });
    }
    for (const name of ['INSIGHT_HUB_JWT_JWKS_ALGORITHMS', 'INSIGHT_HUB_JWT_JWKS_COOLDOWN_SECONDS'] as const) {
      if (env[name] !== undefined && env.INSIGHT_HUB_JWT_JWKS_URL === undefined) {
        context.addIssue({ code: 'custom', path: [name], message: 'applies only with INSIGHT_HUB_JWT_JWKS_URL, which is not set' });
      }
    }
  });

type AuthEnv = z.infer<typeof authEnvSchema>;

/** When unset: clocks up to 30 s apart still agree on `exp` and `nbf`. */
const DEFAULT_CLOCK_SKEW_SECONDS = 30;
/** When unset: jose's own default, at most one fetch per 30 s for kids the cached set lacks. */
const DEFAULT_JWKS_COOLDOWN_SECONDS = 30;

export interface AuthenticationSettings {
  jwt: JwtSettings;
}

export function authenticationFromEnv(env: NodeJS.ProcessEnv = process.env): AuthenticationSettings {
  const parsed = authEnvSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`invalid authentication settings: ${problems.join('; ')}`);
  }
  const {
    INSIGHT_HUB_JWT_SECRET: secret,
    INSIGHT_HUB_JWT_ISSUER: issuer,
    INSIGHT_HUB_JWT_AUDIENCE: audience,
    INSIGHT_HUB_JWT_ROLE_CLAIM: roleClaim,
  } = parsed.data;
  const publicKeys = publicKeysOf(parsed.data);
  return {
    jwt: {
      ...(secret === undefined ? {} : { hs256Secret: Buffer.from(secret, 'utf8') }),
      ...(publicKeys === undefined ? {} : { publicKeys }),
      ...(issuer === undefined ? {} : { issuer }),
      ...(audience === undefined ? {} : { audience }),
      ...(roleClaim === undefined ? {} : { roleClaim }),
      clockToleranceSeconds: parsed.data.INSIGHT_HUB_JWT_CLOCK_SKEW_SECONDS ?? DEFAULT_CLOCK_SKEW_SECONDS,
    },
  };
}

function publicKeysOf(env: AuthEnv): PublicKeys | undefined {
  if (env.INSIGHT_HUB_JWT_JWKS_URL !== undefined) {
    const cooldownSeconds = env.INSIGHT_HUB_JWT_JWKS_COOLDOWN_SECONDS ?? DEFAULT_JWKS_COOLDOWN_SECONDS;
    return {
      algorithms: env.INSIGHT_HUB_JWT_JWKS_ALGORITHMS ?? ['RS256'],
      keyFor: remoteKeySet(env.INSIGHT_HUB_JWT_JWKS_URL, { cooldownSeconds }),
    };
  }
  if (env.INSIGHT_HUB_JWT_PUBLIC_KEY_FILE !== undefined) {
    const spki = readRsaPublicKey(env.INSIGHT_HUB_JWT_PUBLIC_KEY_FILE);
    let imported: ReturnType<typeof importSPKI> | undefined;
    return { algorithms: ['RS256'], keyFor: () => (imported ??= importSPKI(spki, 'RS256')) };
  }
  return undefined;
}

/** Read and checked at start-up, so a bad file stops the API with its name; normalised to SPKI PEM for jose. */
function readRsaPublicKey(file: string): string {
  let key: ReturnType<typeof createPublicKey>;
  try {
    key = createPublicKey(readFileSync(file));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`INSIGHT_HUB_JWT_PUBLIC_KEY_FILE: ${file} is not a readable PEM public key (${reason})`, { cause: error });
  }
  if (key.asymmetricKeyType !== 'rsa') {
    throw new Error(`INSIGHT_HUB_JWT_PUBLIC_KEY_FILE: ${file} holds a ${String(key.asymmetricKeyType)} key; RS256 needs an RSA key`);
  }
  return key.export({ type: 'spki', format: 'pem' }).toString();
}
