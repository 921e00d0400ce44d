/**
 * The compose deployment starts: the worker and the API run as processes with exactly the environment
 * docker-compose.yml gives their containers (the image's ENV, the service's `environment`, its secrets
 * made by deploy/make-secrets.sh), against this machine's Temporal and PostgreSQL and a real
 * S3-compatible server for staging (moto's; compose runs SeaweedFS), and compose's own healthchecks
 * pass and keep passing. No Docker engine is needed; what a container would change is changed, and
 * only that: the other services' host names (postgresql:5432, temporal:7233, seaweedfs:8333) become
 * local addresses, /run/secrets and the volumes become folders, each listening port a free one (a
 * container has its own network), the image's workflow bundle is the one the test run built with
 * the same script, and the control plane gets a database of its own on the shared server (the
 * deployment's init script makes `insight_hub`).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import Ajv from 'ajv';
import { Client } from 'pg';
import { z } from 'zod';
import { currentBuildId } from '../../worker/deployment';
import { eventually } from '../support/eventually';
import { useFixture, type Defer } from '../support/fixture';
import { motoServer, startS3Server } from '../support/s3-server';
import { tempDir } from '../support/temp-dir';
import { testServerAddress, useTemporal, WORKFLOW_BUNDLE_VARIABLE } from '../support/temporal';
import {
  COMPOSE_FILE,
  REPOSITORY,
  containerEnvironment,
  readCompose,
  readComposeDocument,
  type ComposeFile,
  type ComposeService,
} from './compose';

const run = promisify(execFile);
const adminUrl = process.env.TEST_DATABASE_URL;
const temporal = useTemporal();

/** The variables an operator exports before `docker compose up` (README "Deploy"). */
const buildId = `compose-test-${randomBytes(4).toString('hex')}`;
const operatorVariables = { INSIGHT_HUB_BUILD_ID: buildId };

/** What the deployment's containers listen on, each given a free port here. */
const LISTENING_PORTS = ['API_PORT', 'WORKER_HTTP_PORT'];

interface Local {
  compose: ComposeFile;
  secretsDir: string;
  /** Host names of the compose network and the local addresses standing in for them. */
  hosts: Record<string, string>;
  volumes: Record<string, string>;
}

interface RunningService {
  name: string;
  child: ChildProcess;
  environment: Record<string, string>;
  output: () => string;
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (address === null || typeof address === 'string') throw new Error('no free port');
  return address.port;
}

const replaceHosts = (value: string, hosts: Record<string, string>): string =>
  Object.entries(hosts).reduce((text, [host, local]) => text.split(host).join(local), value);

/** The service's container environment, with container paths, host names and ports made local. */
async function localEnvironment(service: ComposeService, local: Local): Promise<Record<string, string>> {
  const environment: Record<string, string> = {};
  for (const [name, value] of Object.entries(containerEnvironment(service))) {
    let localValue = replaceHosts(value, local.hosts).replace(/^\/run\/secrets\//, `${local.secretsDir}/`);
    for (const mount of service.volumes) {
      const [volume = '', target = ''] = mount.split(':');
      if (localValue === target) localValue = local.volumes[volume] ?? localValue;
    }
    if (LISTENING_PORTS.includes(name)) localValue = String(await freePort());
    if (name === 'INSIGHT_HUB_WORKFLOW_BUNDLE') localValue = imageBundle();
    environment[name] = localValue;
  }
  return environment;
}

/**
 * The image's workflow bundle, built by its `RUN … scripts/bundle-workflows.ts`: the run's own, which
 * global-setup built with the same script from the same source.
 */
function imageBundle(): string {
  const bundle = process.env[WORKFLOW_BUNDLE_VARIABLE];
  if (!bundle) throw new Error(`${WORKFLOW_BUNDLE_VARIABLE} is not set: run the tests with jest, whose global setup bundles the workflows`);
  return bundle;
}

function startService(name: string, service: ComposeService, environment: Record<string, string>): RunningService {
  const [command = '', ...args] = service.command ?? [];
  // Only the environment compose gives: nothing of this test process's leaks in but PATH and HOME.
  const child = spawn(command, args, {
    cwd: REPOSITORY,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...environment },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-8_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return { name, child, environment, output: () => output };
}

/** Runs the service's compose healthcheck (`CMD` form) in its environment: healthy when it exits 0. */
async function healthy(service: ComposeService, running: RunningService): Promise<boolean> {
  const [form, command = '', ...args] = service.healthcheck?.test ?? [];
  if (form !== 'CMD') throw new Error(`${running.name}: healthcheck form ${String(form)} is not run here`);
  try {
    await run(command, args, { cwd: REPOSITORY, env: { PATH: process.env.PATH, ...running.environment }, timeout: 5_000 });
    return true;
  } catch {
    return false;
  }
}

async function stop(running: RunningService): Promise<void> {
  if (running.child.exitCode !== null || running.child.signalCode !== null) return;
  running.child.kill('SIGTERM');
  await once(running.child, 'exit');
}

/** Compose stages in a bucket: the test needs a real S3-compatible server, moto's, as the staging tests do. */
const moto = motoServer();
const missing = !adminUrl ? 'TEST_DATABASE_URL is not set (npm test sets it)' : 'missing' in moto ? moto.missing : undefined;
if (missing) console.warn(`compose-environment: skipped, ${missing}`);

(missing ? describe.skip : describe)('the compose deployment', () => {
  const deployment = useFixture('the compose services', async (defer) => {
    const secretsDir = await tempDir('compose-secrets-', defer);
    await run('bash', [path.join(REPOSITORY, 'deploy/make-secrets.sh'), secretsDir]);
    const database = await controlPlaneDatabase(secretsDir, defer);
    const s3 = await startS3Server(defer);
    const objectStore = new URL(s3.endpoint);
    const compose = readCompose(operatorVariables);
    const local: Local = {
      compose,
      secretsDir,
      hosts: { 'postgresql:5432': database.address, 'temporal:7233': testServerAddress(), 'seaweedfs:8333': objectStore.host },
      volumes: { 'worker-data': await tempDir('compose-worker-data-', defer), 'api-data': await tempDir('compose-api-data-', defer) },
    };
    // The database URL is a secret: its copy here names the local server and the test's database.
    const urlFile = path.join(secretsDir, 'database_url');
    const url = replaceHosts((await readFile(urlFile, 'utf8')).trim(), local.hosts).replace(/\/insight_hub$/, `/${database.name}`);
    await writeFile(urlFile, `${url}\n`);

    const services: RunningService[] = [];
    defer(() => Promise.all(services.map(stop)));
    for (const name of ['worker', 'api']) {
      const service = compose.services[name];
      if (!service) throw new Error(`docker-compose.yml has no ${name} service`);
      services.push(startService(name, service, await localEnvironment(service, local)));
    }
    return { compose, services, s3 };
  });

  test('the worker and the API start, pass their healthchecks and stay up', async () => {
    const { compose, services } = deployment();
    for (const running of services) {
      const service = compose.services[running.name];
      if (!service) throw new Error(`no ${running.name} service`);
      await eventually(
        `${running.name} to pass its compose healthcheck`,
        async () => {
          if (running.child.exitCode !== null) throw new Error(`${running.name} exited ${running.child.exitCode}:\n${running.output()}`);
          return (await healthy(service, running)) ? true : undefined;
        },
        { timeoutMs: 90_000, intervalMs: 500 },
      );
    }
    // restart: unless-stopped would hide a crash loop: both are still up, and still healthy, later.
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    for (const running of services) {
      const service = compose.services[running.name];
      expect({
        service: running.name,
        exitCode: running.child.exitCode,
        output: running.child.exitCode === null ? '' : running.output(),
      }).toEqual({
        service: running.name,
        exitCode: null,
        output: '',
      });
      if (service) expect(await healthy(service, running)).toBe(true);
    }
  }, 150_000);

  test('the API answers on its port, the worker made its build the current version and opened the staging bucket', async () => {
    const api = deployment().services.find((running) => running.name === 'api');
    const response = await fetch(`http://127.0.0.1:${api?.environment.API_PORT}/api/v1/openapi.json`);
    expect(response.status).toBe(200);
    const current = await eventually('the worker to make its build current', async () =>
      (await currentBuildId(temporal.nativeConnection, temporal.namespace, 'insight-hub')) === buildId ? buildId : undefined,
    );
    expect(current).toBe(buildId);
    // The worker stages in the bucket compose names, which it created on the object store at start.
    const bucket = new URL(api?.environment.STAGING_URL ?? '').hostname;
    const { s3 } = deployment();
    const client = new S3Client({
      endpoint: s3.endpoint,
      forcePathStyle: true,
      region: s3.credentials.AWS_REGION,
      credentials: {
        accessKeyId: s3.credentials.AWS_ACCESS_KEY_ID,
        secretAccessKey: s3.credentials.AWS_SECRET_ACCESS_KEY,
      },
    });
    const { Buckets = [] } = await client.send(new ListBucketsCommand({}));
    expect(Buckets.map((each) => each.Name)).toContain(bucket);
  });
});

describe('docker-compose.yml', () => {
  test('the file is valid Compose: the Compose Specification schema accepts it as compose interpolates it', () => {
    const validate = new Ajv({ strict: false, allErrors: true }).compile(composeSpecification());
    const valid = validate(readComposeDocument(operatorVariables));
    expect((validate.errors ?? []).map((error) => `${error.instancePath} ${error.message ?? ''}`)).toEqual([]);
    expect(valid).toBe(true);
  });

  test('no variable is missing: docker compose config accepts the file (when a docker compose CLI is installed)', async () => {
    const cli = await composeCli();
    if (!cli) {
      console.warn('compose-environment: no `docker compose` CLI here; the file was parsed by this test only');
      return;
    }
    const { stdout } = await run(cli[0] ?? '', [...cli.slice(1), '-f', COMPOSE_FILE, 'config', '--quiet'], {
      env: { ...process.env, ...operatorVariables },
    });
    expect(stdout).toBe('');
  });
});

/** A database and role of the control plane, as deploy/postgres/init-control-plane.sh makes them. */
async function controlPlaneDatabase(secretsDir: string, defer: Defer) {
  const password = (await readFile(path.join(secretsDir, 'control_plane_db_password'), 'utf8')).trim();
  const name = `compose_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const exists = await admin.query(`SELECT 1 FROM pg_roles WHERE rolname = 'insight_hub'`);
    if (exists.rowCount === 0) await admin.query(`CREATE ROLE insight_hub LOGIN`);
    await admin.query(`ALTER ROLE insight_hub PASSWORD '${password}'`);
    await admin.query(`CREATE DATABASE ${name} OWNER insight_hub`);
  } finally {
    await admin.end();
  }
  defer(async () => {
    const cleanup = new Client({ connectionString: adminUrl });
    await cleanup.connect();
    await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).finally(() => cleanup.end());
  });
  const server = new URL(adminUrl ?? '');
  return { name, address: `${server.hostname}:${server.port || '5432'}` };
}

/** `docker compose` (the v2 plugin) or `docker-compose` v2, when installed. */
async function composeCli(): Promise<string[] | undefined> {
  for (const candidate of [['docker', 'compose'], ['docker-compose']]) {
    try {
      const { stdout } = await run(candidate[0] ?? '', [...candidate.slice(1), 'version', '--short']);
      if (/^v?2\./.test(stdout.trim())) return candidate;
    } catch {
      // Not this one.
    }
  }
  return undefined;
}

/**
 * The Compose Specification's JSON schema (compose-spec/compose-spec, schema/compose-spec.json at
 * 170098ba07d9, Apache-2.0), the one `docker compose` validates with. Its draft-07 `$schema` is
 * dropped: Ajv knows that draft without the meta-schema's address.
 */
function composeSpecification(): Record<string, unknown> {
  const schema = z.record(z.string(), z.unknown()).parse(JSON.parse(readFileSync(path.join(__dirname, 'compose-spec.json'), 'utf8')));
  const { $schema: _draft, ...rest } = schema;
  return rest;
}
