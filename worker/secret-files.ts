/**
 * Secrets given as files: `<NAME>_FILE=/run/secrets/…` instead of `<NAME>=…`, the convention of
 * Docker secrets (the official images' POSTGRES_PASSWORD_FILE). A value in a file stays out of
 * `docker inspect`, the process table and a shell's history.
 */
import { readFileSync } from 'node:fs';
import type { z } from 'zod';

/** The variables that may be given as a file, each holding a credential or a key ring. */
export const FILE_BACKED_VARIABLES = [
  'DATABASE_URL',
  'INSIGHT_HUB_SECRET_KEYS',
  'INSIGHT_HUB_PAYLOAD_KEYS',
  'METRICS_SCRAPE_TOKEN',
] as const;

/** The environment with each `<NAME>_FILE` replaced by `<NAME>` holding the file's content. */
function withSecretFiles(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const resolved: NodeJS.ProcessEnv = { ...env };
  for (const name of FILE_BACKED_VARIABLES) {
    const fileVariable = `${name}_FILE`;
    const file = env[fileVariable];
    if (file === undefined) continue;
    if (env[name] !== undefined) throw new Error(`invalid environment: ${fileVariable}: set ${name} or ${fileVariable}, not both`);
    resolved[name] = readSecret(fileVariable, file);
    delete resolved[fileVariable];
  }
  return resolved;
}

/** The environment, its secret files read, through `schema`: every problem named by its variable in one error. */
export function parseEnvironment<Schema extends z.ZodType>(schema: Schema, env: NodeJS.ProcessEnv): z.output<Schema> {
  const parsed = schema.safeParse(withSecretFiles(env));
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  throw new Error(`invalid environment: ${problems.join('; ')}`);
}

function readSecret(variable: string, file: string): string {
  let content: string;
  try {
    content = readFileSync(file, 'utf8');
  } catch (error) {
    const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : String(error);
    throw new Error(`invalid environment: ${variable}: cannot read ${file} (${code})`, { cause: error });
  }
  // Editors and `echo` end a file with a newline, which is no part of the secret. The content is never quoted.
  const value = content.trim();
  if (value === '') throw new Error(`invalid environment: ${variable}: ${file} is empty`);
  return value;
}
