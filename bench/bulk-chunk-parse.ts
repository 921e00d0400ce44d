/**
 * Times the parse of one Bulk API 2.0 results chunk of N simulated contacts (default 10,000, the
 * default batch size): the product's parser (Papa Parse, activities/sources/salesforce/bulk-pages.ts)
 * beside csv-parse's sync parse (jsforce's own dependency, which the product used before). The
 * chunk is CSV as Salesforce writes it: every value quoted, a null an empty field, LF.
 *
 *   npx tsx bench/bulk-chunk-parse.ts 10000 --runs 20
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { salesforceStreams } from '../activities/sources/salesforce/definition';
import { parseResultsChunk } from '../activities/sources/salesforce/bulk-pages';
import { startSalesforceSimulator } from '../simulators/salesforce/server';

const contacts = Number(process.argv[2] ?? 10_000);
const runs = Number(process.argv[process.argv.indexOf('--runs') + 1] ?? 20) || 20;
const jsforceRequire = createRequire(require.resolve('jsforce'));
const { parse: csvParse } = jsforceRequire('csv-parse/sync') as { parse: (csv: string, options: object) => string[][] };

const quoted = (value: unknown): string => (value === null || value === undefined ? '' : `"${String(value).replace(/"/g, '""')}"`);

function medianMs(parse: () => unknown): number {
  const times: number[] = [];
  for (let run = 0; run < runs + 3; run += 1) {
    const started = performance.now();
    parse();
    if (run >= 3) times.push(performance.now() - started); // the first three warm the JIT
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)] ?? NaN;
}

async function main(): Promise<void> {
  const simulator = await startSalesforceSimulator({ contacts, counts: { Lead: 0, Opportunity: 0, CampaignMember: 0 } });
  try {
    const fields = salesforceStreams.contact.columns.map((column) => column.sourceField ?? column.name);
    const records = simulator.records('Contact');
    const csv = [fields.join(','), ...records.map((record) => fields.map((field) => quoted(record[field])).join(','))].join('\n') + '\n';
    const product = parseResultsChunk(csv);
    const before = csvParse(csv, { delimiter: ',' });
    assert.deepEqual([product.header, ...product.rows], before, 'both parsers read the same arrays');
    const papa = medianMs(() => parseResultsChunk(csv));
    const csvParseMs = medianMs(() => csvParse(csv, { delimiter: ',' }));
    process.stdout.write(
      `${records.length} contacts × ${fields.length} fields, ${(csv.length / 1e6).toFixed(2)} MB; median of ${runs}:\n` +
        `  Papa Parse (the product)  ${papa.toFixed(1)} ms\n` +
        `  csv-parse sync (before)   ${csvParseMs.toFixed(1)} ms\n`,
    );
  } finally {
    await simulator.stop();
  }
}

void main();
