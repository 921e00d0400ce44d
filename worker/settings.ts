/** Process settings from the environment, validated once at start-up with errors that name the variable. */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { createSecureContext } from 'node:tls';
import type { TLSConfig } from '@temporalio/client';
import { z } from 'zod';
import { SOURCE_KINDS, type SourceKind } from '../domain/connector';
import { isPushSource, queueRatePerSecond, type RateLimit } from '../domain/sources';
import type { StagingLocation } from '../activities/staging/location';
import { DEFAULT_DUCKDB_MEMORY_LIMIT, duckdbMemoryLimitSchema } from '../activities/warehouses/duckdb/memory-limit';
import { stagingLocation, stagingVariables } from './staging-settings';
import type { DeploymentVersion } from './deployment';
import { parseEnvironment } from './secret-files';

const keyRingSpec = z.string().min(1, 'must list at least one key as id:base64key, e.g. k1:$(openssl rand -base64 32)');
const pemFile = z.string().min(1, 'must be the path of a PEM file');

export type SourceRates = Partial<Record<SourceKind, RateLimit>>;

const RATE_ENTRY = /^([a-z0-9_]+)\s*=\s*(\d+(?:\.\d+)?)\s*\/\s*(\d+(?:\.\d+)?)\s*s?$/;
const RATE_EXAMPLE = 'e.g. salesforce=1000/60s,zendesk=700/60s';
const isSourceKind = (name: string): name is SourceKind => SOURCE_KINDS.some((kind) => kind === name);

/** `<source>=<requests>/<seconds>s,…`: the rate each source's task queue is given instead of the documented one. */
const sourceRatesSpec = z.string().transform((spec, ctx): SourceRates => {
  const rates: SourceRates = {};
  const refuse = (message: string) => {
    ctx.addIssue({ code: 'custom', message });
    return z.NEVER;
  };
  const entries = spec.split(',').map((part) => part.trim());
  for (const entry of entries.filter((part) => part !== '')) {
    const match = RATE_ENTRY.exec(entry);
    if (!match) return refuse(`"${entry}" is not <source>=<requests>/<seconds>s, ${RATE_EXAMPLE}`);
    const [, name = '', requests = '', seconds = ''] = match;
    if (!isSourceKind(name)) return refuse(`"${name}" is not a source; sources: ${SOURCE_KINDS.join(', ')}`);
    if (isPushSource(name)) return refuse(`${name} pushes its events to a webhook: it has no request rate to set`);
    if (rates[name]) return refuse(`${name} is given twice`);
    const limit = { requests: Number(requests), perSeconds: Number(seconds) };
    if (limit.perSeconds === 0) return refuse(`${entry}: the window must be longer than 0 seconds`);
    // The queue's rate keeps a burst in the window too (domain/sources.ts): a rate of 0 would start nothing.
    if (!(queueRatePerSecond(limit) > 0)) return refuse(`${entry} is too low: the queue could start no request`);
    rates[name] = limit;
  }
  return rates;
});

const settingsSchema = z.object({
  DATA_DIR: z.string().min(1).default('.data'),
  /** PostgreSQL for the control plane; the embedded PGlite store under DATA_DIR when unset. */
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional(),
  TEMPORAL_ADDRESS: z.string().min(1).default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  API_PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  API_HOST: z.string().min(1).default('127.0.0.1'),
  /** `id:base64key,…`, the first encrypts: the keys of connector credentials (activities/secrets). */
  INSIGHT_HUB_SECRET_KEYS: keyRingSpec.optional(),
  /** The same format: the keys of Temporal payloads and staged files (activities/secrets/payload-codec). */
  INSIGHT_HUB_PAYLOAD_KEYS: keyRingSpec.optional(),
  /**
   * Rates of the sources' task queues in place of their documented limits (domain/sources.ts), for
   * an account with a higher tier or a simulator; every worker of a namespace must be given the same.
   */
  INSIGHT_HUB_SOURCE_RATES: sourceRatesSpec.optional(),
  ...stagingVariables,
  /** The embedded DuckDB warehouse's memory_limit (activities/warehouses/duckdb/memory-limit.ts). */
  INSIGHT_HUB_DUCKDB_MEMORY_LIMIT: duckdbMemoryLimitSchema.default(DEFAULT_DUCKDB_MEMORY_LIMIT),
  /** Workflow code bundled at build time (scripts/bundle-workflows.ts); workers bundle it from source at start-up when unset. */
  INSIGHT_HUB_WORKFLOW_BUNDLE: z.string().min(1, 'must be the path of a bundle built by scripts/bundle-workflows.ts').optional(),
  /** Where people reach the API and its dashboard: the links in notifications. The API's own address when unset. */
  INSIGHT_HUB_PUBLIC_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL, e.g. https://insight-hub.example.com' }).optional(),
  /** HTTPS (TLS 1.3 minimum) when both are set. */
  API_TLS_CERT_FILE: pemFile.optional(),
  API_TLS_KEY_FILE: pemFile.optional(),
  /** Web UI origins allowed to call the codec endpoint from the browser, comma-separated. */
  CODEC_CORS_ORIGINS: z
    .string()
    .default('http://127.0.0.1:8233,http://localhost:8233')
    .transform((list) =>
      list
        .split(',')
        .map((origin) => origin.trim())
        .filter((origin) => origin !== ''),
    )
    .pipe(z.array(z.url({ protocol: /^https?$/, error: 'must list http(s) origins, e.g. http://127.0.0.1:8233' }))),
  /** TLS to Temporal when any is set: the server's CA, and a client certificate and key for mTLS. */
  TEMPORAL_TLS_CA_FILE: pemFile.optional(),
  TEMPORAL_TLS_CERT_FILE: pemFile.optional(),
  TEMPORAL_TLS_KEY_FILE: pemFile.optional(),
  TEMPORAL_TLS_SERVER_NAME: z.string().min(1).optional(),
  /** Worker Versioning (worker/deployment.ts) when set: the build these workers are. */
  INSIGHT_HUB_BUILD_ID: z
    .string()
    .regex(/^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/, 'must be 1 to 128 letters, digits, dots, dashes or underscores, e.g. a commit id')
    .optional(),
  INSIGHT_HUB_DEPLOYMENT_NAME: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,128}$/, 'must be 1 to 128 letters, digits, dashes or underscores')
    .default('insight-hub'),
  /** Whether this build makes its version the current one once its workers poll. */
  INSIGHT_HUB_SET_CURRENT_VERSION: z.enum(['true', 'false'], { error: 'must be true or false' }).default('false'),
});
type Environment = z.infer<typeof settingsSchema>;

export interface ApiTls {
  cert: Buffer;
  key: Buffer;
}

export interface Settings {
  dataDir: string;
  databaseUrl: string | undefined;
  temporalAddress: string;
  namespace: string;
  apiPort: number;
  apiHost: string;
  secretKeys: string | undefined;
  payloadKeys: string | undefined;
  /** Sources whose queue rate is set here rather than by their documented limit. */
  sourceRates: SourceRates;
  /** Where batches are staged: a folder, or a bucket several worker hosts share. */
  staging: StagingLocation;
  /** What the embedded DuckDB warehouse's buffer manager may hold, e.g. 1GB. */
  duckdbMemoryLimit: string;
  /** Undefined: workers bundle the workflow code at start-up. */
  workflowBundlePath: string | undefined;
  /** Undefined: the API serves plain HTTP. */
  apiTls: ApiTls | undefined;
  codecAllowedOrigins: string[];
  /** The base of the links notifications carry (INSIGHT_HUB_PUBLIC_URL). */
  publicUrl: string;
  /** Undefined: a plain connection to Temporal. */
  temporalTls: TLSConfig | undefined;
  /** Undefined: unversioned workers (the demo, the tests). */
  deploymentVersion: DeploymentVersion | undefined;
  setCurrentVersion: boolean;
}

export function loadSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const s = parseEnvironment(settingsSchema, env);
  const apiTls = pairOfFiles(s, 'API_TLS_CERT_FILE', 'API_TLS_KEY_FILE');
  return {
    dataDir: path.resolve(s.DATA_DIR),
    databaseUrl: s.DATABASE_URL,
    temporalAddress: s.TEMPORAL_ADDRESS,
    namespace: s.TEMPORAL_NAMESPACE,
    apiPort: s.API_PORT,
    apiHost: s.API_HOST,
    secretKeys: s.INSIGHT_HUB_SECRET_KEYS,
    payloadKeys: s.INSIGHT_HUB_PAYLOAD_KEYS,
    sourceRates: s.INSIGHT_HUB_SOURCE_RATES ?? {},
    staging: stagingLocation(s, path.resolve(s.DATA_DIR)),
    duckdbMemoryLimit: s.INSIGHT_HUB_DUCKDB_MEMORY_LIMIT,
    workflowBundlePath: workflowBundlePath(s),
    apiTls: apiTls && checkedPair(apiTls, 'API_TLS_CERT_FILE', 'API_TLS_KEY_FILE'),
    codecAllowedOrigins: s.CODEC_CORS_ORIGINS.map((origin) => new URL(origin).origin),
    publicUrl: (s.INSIGHT_HUB_PUBLIC_URL ?? `${apiTls ? 'https' : 'http'}://${s.API_HOST}:${s.API_PORT}`).replace(/\/+$/, ''),
    temporalTls: temporalTls(s),
    ...deployment(s),
  };
}

function workflowBundlePath(env: Environment): string | undefined {
  const file = env.INSIGHT_HUB_WORKFLOW_BUNDLE;
  if (file === undefined) return undefined;
  let isFile = false;
  try {
    isFile = statSync(file).isFile();
  } catch {
    // Missing, unreadable or under something that is not a folder: all are "no file there" to the worker.
  }
  if (isFile) return path.resolve(file);
  throw new Error(
    `invalid environment: INSIGHT_HUB_WORKFLOW_BUNDLE: no file at ${file}; build it with \`npx tsx scripts/bundle-workflows.ts ${file}\`, or unset it to bundle at start-up`,
  );
}

function deployment(env: Environment): Pick<Settings, 'deploymentVersion' | 'setCurrentVersion'> {
  const setCurrentVersion = env.INSIGHT_HUB_SET_CURRENT_VERSION === 'true';
  if (env.INSIGHT_HUB_BUILD_ID === undefined) {
    if (setCurrentVersion) throw new Error('invalid environment: INSIGHT_HUB_SET_CURRENT_VERSION: needs INSIGHT_HUB_BUILD_ID');
    return { deploymentVersion: undefined, setCurrentVersion };
  }
  return { deploymentVersion: { deploymentName: env.INSIGHT_HUB_DEPLOYMENT_NAME, buildId: env.INSIGHT_HUB_BUILD_ID }, setCurrentVersion };
}

type FileVariable = 'API_TLS_CERT_FILE' | 'API_TLS_KEY_FILE' | 'TEMPORAL_TLS_CA_FILE' | 'TEMPORAL_TLS_CERT_FILE' | 'TEMPORAL_TLS_KEY_FILE';

function readPem(env: Environment, variable: FileVariable): Buffer | undefined {
  const file = env[variable];
  if (file === undefined) return undefined;
  let content: Buffer;
  try {
    content = readFileSync(file);
  } catch (error) {
    const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : String(error);
    throw new Error(`invalid environment: ${variable}: cannot read ${file} (${code})`, { cause: error });
  }
  if (!content.includes('-----BEGIN ')) throw new Error(`invalid environment: ${variable}: ${file} is not a PEM file`);
  return content;
}

/** A certificate and its key are set together or not at all. */
function pairOfFiles(env: Environment, certVariable: FileVariable, keyVariable: FileVariable): ApiTls | undefined {
  const cert = readPem(env, certVariable);
  const key = readPem(env, keyVariable);
  if (cert === undefined && key === undefined) return undefined;
  if (cert === undefined || key === undefined) {
    const [set, unset] = cert === undefined ? [keyVariable, certVariable] : [certVariable, keyVariable];
    throw new Error(`invalid environment: ${unset}: must be set together with ${set}`);
  }
  return { cert, key };
}

/** Refuses a key that does not belong to its certificate now, not at the first connection. */
function checkedPair(pair: ApiTls, certVariable: FileVariable, keyVariable: FileVariable): ApiTls {
  try {
    createSecureContext(pair);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`invalid environment: ${certVariable} and ${keyVariable} do not make a certificate and its key (${reason})`, {
      cause: error,
    });
  }
  return pair;
}

function temporalTls(env: Environment): TLSConfig | undefined {
  const ca = readPem(env, 'TEMPORAL_TLS_CA_FILE');
  const pair = pairOfFiles(env, 'TEMPORAL_TLS_CERT_FILE', 'TEMPORAL_TLS_KEY_FILE');
  const serverName = env.TEMPORAL_TLS_SERVER_NAME;
  if (ca === undefined && pair === undefined && serverName === undefined) return undefined;
  return {
    ...(ca && { serverRootCACertificate: ca }),
    ...(pair && { clientCertPair: { crt: checkedPair(pair, 'TEMPORAL_TLS_CERT_FILE', 'TEMPORAL_TLS_KEY_FILE').cert, key: pair.key } }),
    ...(serverName && { serverNameOverride: serverName }),
  };
}
