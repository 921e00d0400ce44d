/** How the API checks JWT bearer tokens, from the environment; API keys need no settings (they live in the store). */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { JwtSettings } from './jwt';

const authEnvSchema = z.object({
  INSIGHT_HUB_JWT_SECRET: z
    .string()
    .min(32, 'must be at least 32 characters: a shorter HS256 secret can be guessed offline from any token')
    .optional(),
  INSIGHT_HUB_JWT_PUBLIC_KEY_FILE: z.string().min(1).optional(),
  INSIGHT_HUB_JWT_ISSUER: z.string().min(1).optional(),
  INSIGHT_HUB_JWT_AUDIENCE: z.string().min(1).optional(),
});

export interface AuthenticationSettings {
  jwt: JwtSettings;
}

export function authenticationFromEnv(env: NodeJS.ProcessEnv = process.env): AuthenticationSettings {
  const parsed = authEnvSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`invalid authentication settings: ${problems.join('; ')}`);
  }
  const { INSIGHT_HUB_JWT_SECRET: secret, INSIGHT_HUB_JWT_PUBLIC_KEY_FILE: keyFile } = parsed.data;
  return {
    jwt: {
      ...(secret === undefined ? {} : { hs256Secret: Buffer.from(secret, 'utf8') }),
      ...(keyFile === undefined ? {} : { rs256PublicKey: readRsaPublicKey(keyFile) }),
      ...(parsed.data.INSIGHT_HUB_JWT_ISSUER === undefined ? {} : { issuer: parsed.data.INSIGHT_HUB_JWT_ISSUER }),
      ...(parsed.data.INSIGHT_HUB_JWT_AUDIENCE === undefined ? {} : { audience: parsed.data.INSIGHT_HUB_JWT_AUDIENCE }),
    },
  };
}

function readRsaPublicKey(file: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey(readFileSync(file));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`INSIGHT_HUB_JWT_PUBLIC_KEY_FILE: ${file} is not a readable PEM public key (${reason})`);
  }
  if (key.asymmetricKeyType !== 'rsa') {
    throw new Error(`INSIGHT_HUB_JWT_PUBLIC_KEY_FILE: ${file} holds a ${String(key.asymmetricKeyType)} key; RS256 needs an RSA key`);
  }
  return key;
}
