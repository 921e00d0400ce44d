/**
 * Insight Hub's bulk path side by side with dlt and with the physical limit, on the same simulated
 * Salesforce org served from a process of its own (no rate limit on either side):
 *
 *   - insight-hub: one ingestion cycle (bench/salesforce-cycle.ts, `--rate 1000/1`)
 *   - dlt-arrow, dlt-dicts: dlt 1.31 merging into DuckDB (dlt_salesforce.py), Arrow tables and dicts
 *   - fetch, upsert: every page fetched and parsed, then DuckDB's own upsert of the rows (limit.ts);
 *     their sum is the limit a loader could reach
 *
 * Runs are interleaved (each round runs every system once), each in a fresh process and folder.
 * Writes min/median per system and the ratios to a JSON file, prints a Markdown table, and puts it
 * into bench/README.md between the markers of that size.
 *
 *   npx tsx bench/vs-dlt/run.ts [contacts=100000] [--runs 3] [--out file.json]
 *   npx tsx bench/vs-dlt/run.ts 100000 --summarize bench/vs-dlt/results-100000.json
 *
 * dlt is installed by this runner into bench/.venv (python3 -m venv, then pip).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { SIMULATOR_CREDENTIALS } from '../../simulators/salesforce/server';
import { CONTACT_FIELDS, CONTACT_SOQL } from './contact-stream';
import { markdownTable, summarize, type Sample, type SystemName } from './summary';

const ROOT = path.resolve(__dirname, '..', '..');
const VENV = path.join(ROOT, 'bench', '.venv');
const PYTHON = path.join(VENV, 'bin', 'python');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');
/** What dlt_salesforce.py was written against; pinned so that figures from different days compare. */
const PYTHON_PACKAGES = ['dlt[duckdb]==1.31.0', 'pyarrow==26.0.1', 'requests'];

const flag = (name: string): string | undefined => {
  const at = process.argv.indexOf(name);
  return at === -1 ? undefined : process.argv[at + 1];
};
const positional = process.argv[2] && !process.argv[2].startsWith('--') ? process.argv[2] : undefined;
const contacts = Number(positional ?? 100_000);
const runs = Number(flag('--runs') ?? 3);
const outFile = path.resolve(flag('--out') ?? path.join(ROOT, 'bench', 'vs-dlt', `results-${contacts}.json`));
/** What one system may take on one run: well above dlt's slowest path at a million rows. */
const PROCESS_TIMEOUT_MS = Math.max(10 * 60_000, contacts * 3);
const say = (line: string) => process.stderr.write(`${line}\n`);

function ensureDlt(): void {
  const present = spawnSync(PYTHON, ['-c', 'import dlt, duckdb, pyarrow, requests'], { stdio: 'ignore' });
  if (present.status === 0) return;
  say('installing dlt into bench/.venv…');
  const steps: [string, string[]][] = [
    ['python3', ['-m', 'venv', VENV]],
    [PYTHON, ['-m', 'pip', 'install', '--quiet', ...PYTHON_PACKAGES]],
  ];
  for (const [command, args] of steps) {
    const result = spawnSync(command, args, { stdio: 'inherit' });
    if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (exit ${result.status})`);
  }
}

/** Runs one system's process and returns the JSON line it prints last. */
async function measure(command: string, args: string[]): Promise<Record<string, unknown>> {
  const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  // A system that hangs (a cycle waiting on a queue nobody polls) fails the run instead of stalling it.
  const timer = setTimeout(() => child.kill('SIGTERM'), PROCESS_TIMEOUT_MS);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearTimeout(timer);
  const last = stdout.trim().split('\n').pop() ?? '';
  if (code !== 0 || !last.startsWith('{')) throw new Error(`${command} ${args.join(' ')} exited ${code}:\n${stderr.slice(-2000)}`);
  return JSON.parse(last) as Record<string, unknown>;
}

async function startSimulator(): Promise<{ url: string; stop: () => void }> {
  const child = spawn(TSX, [path.join(__dirname, 'simulator.ts'), String(contacts)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const url = await new Promise<string>((resolve, reject) => {
    lines.once('line', (line) => resolve((JSON.parse(line) as { url: string }).url));
    child.once('exit', (code) => reject(new Error(`the simulator exited ${code} before listening`)));
  });
  return { url, stop: () => child.kill('SIGTERM') };
}

function sampleOf(system: SystemName, figures: Record<string, unknown>): Sample {
  const number = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined);
  const seconds = number(figures.seconds);
  if (seconds === undefined) throw new Error(`${system} printed no time`);
  const sample: Sample = { system, seconds };
  for (const field of ['committedSeconds', 'cpuSeconds', 'peakRssMiB', 'loaded', 'extracted', 'quarantined'] as const) {
    const value = number(figures[field]);
    if (value !== undefined) sample[field] = value;
  }
  if (typeof figures.activities === 'object' && figures.activities !== null) sample.activities = figures.activities as Sample['activities'];
  return sample;
}

/** One process per system and round; the limit's process gives two figures, fetch and upsert. */
async function round(simulatorUrl: string): Promise<Sample[]> {
  const samples: Sample[] = [];
  const inFreshFolder = async <T>(work: (dir: string) => Promise<T>): Promise<T> => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'insight-hub-vs-dlt-'));
    try {
      return await work(dir);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  };
  say('  insight-hub…');
  const cycle = await measure(TSX, [
    path.join(ROOT, 'bench', 'salesforce-cycle.ts'),
    String(contacts),
    '--rate',
    '1000/1',
    '--simulator',
    simulatorUrl,
    '--json',
  ]);
  samples.push(sampleOf('insight-hub', cycle));
  for (const mode of ['arrow', 'dicts'] as const) {
    say(`  dlt-${mode}…`);
    const script = path.join(__dirname, 'dlt_salesforce.py');
    const login = JSON.stringify(SIMULATOR_CREDENTIALS);
    const figures = await inFreshFolder((dir) =>
      measure(PYTHON, [script, mode, simulatorUrl, dir, CONTACT_SOQL, JSON.stringify(CONTACT_FIELDS), login]),
    );
    samples.push(sampleOf(`dlt-${mode}`, figures));
  }
  say('  fetch and upsert…');
  const limit = await inFreshFolder((dir) => measure(TSX, [path.join(__dirname, 'limit.ts'), simulatorUrl, dir]));
  samples.push(sampleOf('fetch', { seconds: limit.fetchSeconds, loaded: limit.rows }));
  samples.push(sampleOf('upsert', { seconds: limit.upsertSeconds, loaded: limit.loaded }));
  return samples;
}

const README = path.join(ROOT, 'bench', 'README.md');

/** Replaces the table between this size's markers in bench/README.md, when the markers are there. */
async function updateReadme(table: string): Promise<boolean> {
  const start = `<!-- vs-dlt ${contacts} start -->`;
  const end = `<!-- vs-dlt ${contacts} end -->`;
  const text = await readFile(README, 'utf8');
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from === -1 || to < from) return false;
  await writeFile(README, `${text.slice(0, from + start.length)}\n${table}\n${text.slice(to)}`);
  return true;
}

/** `--summarize <results.json>`: the table of a run already made, again (after the summary changed). */
async function summarizeAgain(file: string): Promise<void> {
  const earlier = JSON.parse(await readFile(file, 'utf8')) as { contacts: number; samples: Sample[] };
  const summary = summarize(earlier.samples);
  await writeFile(file, `${JSON.stringify({ ...earlier, ...summary, samples: earlier.samples }, null, 2)}\n`);
  const table = markdownTable(summary, earlier.contacts);
  console.log(table);
  if (earlier.contacts === contacts) await updateReadme(table);
}

async function main(): Promise<void> {
  const earlier = flag('--summarize');
  if (earlier) return summarizeAgain(path.resolve(earlier));
  ensureDlt();
  say(`starting the simulator with ${contacts} contacts…`);
  const simulator = await startSimulator();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      simulator.stop();
      process.exit(1);
    });
  }
  const loadBefore = os.loadavg();
  const samples: Sample[] = [];
  try {
    for (let run = 1; run <= runs; run += 1) {
      say(`round ${run} of ${runs}`);
      samples.push(...(await round(simulator.url)));
    }
  } finally {
    simulator.stop();
  }
  const summary = summarize(samples);
  const result = {
    measuredAt: new Date().toISOString(),
    contacts,
    runs,
    machine: { cores: os.cpus().length, loadAverageBefore: loadBefore[0], loadAverageAfter: os.loadavg()[0] },
    ...summary,
    samples,
  };
  await writeFile(outFile, `${JSON.stringify(result, null, 2)}\n`);
  const table = markdownTable(summary, contacts);
  console.log(table);
  say(`figures in ${path.relative(ROOT, outFile)}${(await updateReadme(table)) ? ', table in bench/README.md' : ''}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
