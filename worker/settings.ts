/** Process settings from the environment, validated once at start-up with errors that name the variable. */
import path from 'node:path';
import { z } from 'zod';

const settingsSchema = z.object({
  DATA_DIR: z.string().min(1).default('.data'),
  /** PostgreSQL for the control plane; the embedded PGlite store under DATA_DIR when unset. */
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL').optional(),
  TEMPORAL_ADDRESS: z.string().min(1).default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  API_PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  API_HOST: z.string().min(1).default('127.0.0.1'),
  /** `id:base64key,…`, the first encrypts: the keys of connector credentials (activities/secrets). */
  INSIGHT_HUB_SECRET_KEYS: z
    .string()
    .min(1, 'must list at least one key as id:base64key, e.g. k1:$(openssl rand -base64 32)')
    .optional(),
});

export interface Settings {
  dataDir: string;
  databaseUrl: string | undefined;
  temporalAddress: string;
  namespace: string;
  apiPort: number;
  apiHost: string;
  secretKeys: string | undefined;
}

export function loadSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const parsed = settingsSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`invalid environment: ${problems.join('; ')}`);
  }
  const s = parsed.data;
  return {
    dataDir: path.resolve(s.DATA_DIR),
    databaseUrl: s.DATABASE_URL,
    temporalAddress: s.TEMPORAL_ADDRESS,
    namespace: s.TEMPORAL_NAMESPACE,
    apiPort: s.API_PORT,
    apiHost: s.API_HOST,
    secretKeys: s.INSIGHT_HUB_SECRET_KEYS,
  };
}
