/**
 * Decrypted load copies: while a warehouse reads a sealed batch its plaintext has no name on disk
 * (Linux) — DuckDB, Snowflake's PUT and BigQuery's load job read it all the same — nothing is left
 * once the load is done, a load killed mid-way leaves nothing readable and the next worker start
 * removes what it did leave; of what other loads left, only a running load's folder is kept.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { lstat, mkdir, readdir, readFile, readlink, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseKeyRing } from '../../activities/secrets';
import { PAYLOAD_KEYS_VARIABLE } from '../../activities/secrets/payload-codec';
import { loadingPlainFiles } from '../../activities/staging/plain-file-loads';
import { localPath, Staging } from '../../activities/staging/staging';
import { openStore } from '../../activities/store';
import { connectWarehouse } from '../../activities/warehouses';
import type { Warehouse } from '../../activities/warehouses/types';
import { startBigQuerySimulator } from '../../simulators/bigquery/server';
import { SIMULATOR_USER, startSnowflakeSimulator } from '../../simulators/snowflake/server';
import { createWorkers } from '../../worker/workers';
import { keyEntry } from '../secrets/fixtures';
import { useTempDir } from '../support/temp-dir';
import { uniqueName, useTemporal } from '../support/temporal';
import { CONNECTOR_ID, people, person } from '../warehouses/fixtures';

const CHILD = path.join(__dirname, 'killed-load-child.ts');
const REPOSITORY = path.resolve(__dirname, '../..');
const onLinux = process.platform === 'linux' ? it : it.skip;

const keyText = keyEntry('k1');
const keys = parseKeyRing(keyText, PAYLOAD_KEYS_VARIABLE);
const rows = [person('p1'), person('p2')];

const folder = useTempDir('plain-copies-', { each: true });
let dataDir: string;
let root: string;
let opened: string;
let staging: Staging;
beforeEach(() => {
  dataDir = folder.path;
  // Where createWorkers puts staging.
  root = path.join(dataDir, 'staging');
  opened = path.join(root, '.opened');
  staging = new Staging(root, keys);
});

/** Every regular file under `dir` whose bytes show one of the rows' emails. */
async function plaintextUnder(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => [])) {
    const file = path.join(entry.parentPath, entry.name);
    if (!entry.isFile()) continue;
    const bytes = await readFile(file);
    if (rows.some((row) => bytes.includes(String(row['email'])))) found.push(file);
  }
  return found;
}

const rowsIn = (ndjson: string): unknown[] =>
  ndjson
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));

onLinux('while a load reads a sealed batch its plaintext has no name on disk, and after the load nothing is left', async () => {
  const ref = await staging.writeBatch('c/person', people, rows, null);
  await staging.withPlainFiles([localPath(ref)], async ([plain]) => {
    expect(plain).toBeTruthy();
    const copy = plain ?? '';
    expect(path.dirname(path.dirname(copy))).toBe(opened);
    expect(path.basename(copy)).toBe(path.basename(localPath(ref)));
    expect((await lstat(copy)).isSymbolicLink()).toBe(true);
    expect(await readlink(copy)).toMatch(/^\/proc\/self\/fd\/\d+$/);
    expect(rowsIn(await readFile(copy, 'utf8'))).toEqual(rows);
    expect(await plaintextUnder(root)).toEqual([]);
  });
  expect(await readdir(opened)).toEqual([]);
});

/** Loads two sealed batches through the worker's wrapper; checks the figures and that no plaintext stays in staging. */
async function loadSealed(connect: () => Promise<Warehouse>): Promise<void> {
  const clean = await staging.writeBatch('c/person', people, rows, null);
  const quarantine = await staging.writeBatch(
    'c/person/quarantine',
    people,
    [{ record: person('p1', { email: null }), reasons: ['not_null(email)'] }],
    null,
  );
  const warehouse = loadingPlainFiles(await connect(), staging);
  try {
    await warehouse.ensureTable(people);
    const loadBatch = { connectorId: CONNECTOR_ID, source: 'salesforce', stream: people, loadId: 'plain-copies-1' };
    const result = await warehouse.load({ ...loadBatch, cleanFile: localPath(clean), quarantineFile: localPath(quarantine) });
    expect(result).toMatchObject({ merged: 2, quarantined: 1 });
  } finally {
    await warehouse.close();
  }
  expect(await plaintextUnder(root)).toEqual([]);
  expect(await readdir(opened)).toEqual([]);
}

describe('a warehouse load of sealed batches reads them by path and leaves no plaintext anywhere in staging', () => {
  it('DuckDB (read_json)', () => loadSealed(() => connectWarehouse({ kind: 'duckdb', schema: 'marketing' }, dataDir)));

  it('Snowflake, a batch large enough to go by PUT', async () => {
    const simulator = await startSnowflakeSimulator({ users: [SIMULATOR_USER] });
    try {
      const { name: username, password } = SIMULATOR_USER;
      const config = { account: simulator.account, accessUrl: simulator.url, username, auth: { type: 'password', password } } as const;
      await loadSealed(() =>
        connectWarehouse(
          { kind: 'snowflake', ...config, warehouse: 'LOAD_WH', database: 'INSIGHT_HUB', schema: 'marketing', stageThresholdRows: 1 },
          dataDir,
        ),
      );
      expect(simulator.statements().filter((sql) => sql.startsWith('PUT ')).length).toBeGreaterThan(0);
    } finally {
      await simulator.stop();
    }
  });

  it('BigQuery (a load job from the file)', async () => {
    const simulator = await startBigQuerySimulator();
    try {
      await loadSealed(() =>
        connectWarehouse(
          { kind: 'bigquery', projectId: 'insight-hub-test', schema: 'marketing', location: 'US', apiEndpoint: simulator.url },
          dataDir,
        ),
      );
    } finally {
      await simulator.stop();
    }
  });
});

describe('a load killed mid-way', () => {
  const temporal = useTemporal();

  /** Runs a load in a child process, kills it with SIGKILL while it holds its copy; returns the copy's path. */
  async function killLoadHoldingItsCopy(sealed: string): Promise<string> {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, root, sealed], {
      cwd: REPOSITORY,
      env: { ...process.env, [PAYLOAD_KEYS_VARIABLE]: keyText },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = once(child, 'exit');
    const printed = new Promise<string>((resolve) => {
      let line = '';
      child.stdout.on('data', (chunk: Buffer) => {
        line += chunk.toString();
        if (line.includes('\n')) resolve(line.trim());
      });
    });
    const copy = await Promise.race([
      printed,
      exited.then(() => Promise.reject(new Error(`the load ended before it was killed:\n${output}`))),
    ]);
    child.kill('SIGKILL');
    await exited;
    return copy;
  }

  it('leaves nothing readable, and the next worker start removes what it left', async () => {
    const ref = await staging.writeBatch('c/person', people, rows, null);
    const copy = await killLoadHoldingItsCopy(localPath(ref));
    expect(path.dirname(path.dirname(copy))).toBe(opened);
    expect(await readdir(opened)).toHaveLength(1);
    if (process.platform === 'linux') expect(await plaintextUnder(root)).toEqual([]);

    const store = await openStore({});
    try {
      const options = { connection: temporal.nativeConnection, namespace: temporal.namespace, store, dataDir, dataKeys: keys };
      const workers = await createWorkers({ ...options, taskQueue: uniqueName('plain-copies'), workflowBundle: temporal.bundle });
      await Promise.all(workers.map((worker) => worker.runUntil(Promise.resolve())));
    } finally {
      await store.close();
    }
    expect(await readdir(opened)).toEqual([]);
    expect(await plaintextUnder(root)).toEqual([]);
  });
});

it('of the folders other loads left, keeps only those of running loads: this process’s, and live processes’ on this host', async () => {
  const host = encodeURIComponent(os.hostname());
  const sleeper = spawn('sleep', ['60']);
  const finished = spawn('true');
  await once(finished, 'exit');
  const twoHoursAgo = new Date(Date.now() - 2 * 3_600_000);
  const leave = async (name: string, modified?: Date): Promise<string> => {
    const folder = path.join(opened, name);
    await mkdir(folder, { recursive: true });
    // What a load on a host without /proc/self/fd, or of an older version, leaves: a named plaintext copy.
    await writeFile(path.join(folder, 'batch.ndjson'), rows.map((row) => JSON.stringify(row)).join('\n'));
    if (modified) await utimes(folder, modified, modified);
    return name;
  };
  try {
    const live = await leave(`${host}+${sleeper.pid}+${randomUUID()}`);
    await leave(`${host}+${finished.pid}+${randomUUID()}`);
    // This process's pid on a folder it does not hold: an earlier process's (containers restart as pid 1).
    await leave(`${host}+${process.pid}+${randomUUID()}`);
    const youngForeign = await leave(`another-host+1+${randomUUID()}`);
    await leave(`another-host+1+${randomUUID()}`, twoHoursAgo);
    await leave(randomUUID(), twoHoursAgo);

    const ref = await staging.writeBatch('c/person', people, rows, null);
    await staging.withPlainFiles([localPath(ref)], async ([plain]) => {
      expect(await staging.discardStalePlainCopies()).toBe(4);
      expect(rowsIn(await readFile(plain ?? '', 'utf8'))).toEqual(rows);
    });
    expect((await readdir(opened)).sort()).toEqual([live, youngForeign].sort());
  } finally {
    sleeper.kill();
  }
});
