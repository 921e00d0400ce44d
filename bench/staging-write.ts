/**
 * Times Staging.writeBatch, the step every page, clean batch and quarantine goes through: 10k
 * contact rows written as one content-addressed NDJSON file in a temporary folder, 30 times after 5
 * to warm up; prints the least and the median. `--sealed` encrypts as a worker with payload keys does.
 *
 *   npx tsx bench/staging-write.ts [--sealed]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ephemeralKeyRing } from '../activities/secrets';
import { salesforceStreams } from '../activities/sources/salesforce/definition';
import { Staging } from '../activities/staging/staging';
import { contactRow } from '../test/quality/rows';

const ROWS = 10_000;

async function main(): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'ih-bench-staging-'));
  try {
    const staging = new Staging(dir, process.argv.includes('--sealed') ? ephemeralKeyRing() : undefined);
    const rows = Array.from({ length: ROWS }, (_, i) => contactRow(i + 1));
    const times: number[] = [];
    for (let run = 0; run < 35; run += 1) {
      const started = process.hrtime.bigint();
      await staging.writeBatch(`bench/${run}`, salesforceStreams.contact, rows, null);
      if (run >= 5) times.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
    times.sort((a, b) => a - b);
    console.log(`writeBatch of ${ROWS} contact rows: least ${times[0]?.toFixed(1)} ms, median ${times[15]?.toFixed(1)} ms`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

void main();
