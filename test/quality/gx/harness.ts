/**
 * Runs test/quality/gx/run_gx.py in the Python environment scripts/python-env.sh creates: the real
 * Great Expectations (and Python's re) the differential tests compare Insight Hub with.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const ROOT = resolve(__dirname, '../../..');
const VENV = process.env.INSIGHT_HUB_VENV ?? join(ROOT, '.data/venv');
const SCRIPT = join(__dirname, 'run_gx.py');
export const CREATE_COMMAND = 'bash scripts/python-env.sh';

/** The environment's python, or why there is none fit for the tests. */
export function gxPython(): { python: string } | { missing: string } {
  const python = join(VENV, 'bin/python');
  if (!existsSync(python)) return { missing: `no Python environment at ${VENV}` };
  const stamp = join(VENV, '.insight-hub-requirements');
  const wanted = createHash('sha256')
    .update(readFileSync(join(__dirname, 'requirements.txt')))
    .digest('hex');
  if (!existsSync(stamp) || readFileSync(stamp, 'utf8').trim() !== wanted) {
    return { missing: `the Python environment at ${VENV} does not hold test/quality/gx/requirements.txt` };
  }
  return { python };
}

/** What a describe block says when it is skipped. */
export const skippedBecause = (missing: string): string => `skipped: ${missing} (create it with \`${CREATE_COMMAND}\`)`;

/** Runs one job in one Python process; `files` are written beside the job first (batches). */
export async function runPython(python: string, job: unknown, files: Record<string, string> = {}): Promise<unknown> {
  const dir = await mkdtemp(join(tmpdir(), 'ih-gx-'));
  try {
    const paths = Object.fromEntries(Object.keys(files).map((name) => [name, join(dir, name)]));
    for (const [name, content] of Object.entries(files)) await writeFile(join(dir, name), content);
    const resolved = JSON.parse(JSON.stringify(job), (_key, value: unknown) =>
      typeof value === 'string' && value.startsWith('file:') ? (paths[value.slice(5)] ?? value) : value,
    );
    await writeFile(join(dir, 'job.json'), JSON.stringify(resolved));
    await promisify(execFile)(python, [SCRIPT, join(dir, 'job.json'), join(dir, 'answers.json')], {
      maxBuffer: 64 * 1024 * 1024,
      timeout: 300_000,
    });
    return JSON.parse(await readFile(join(dir, 'answers.json'), 'utf8'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
