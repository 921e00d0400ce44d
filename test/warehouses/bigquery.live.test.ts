/**
 * The warehouse conformance suite against a real BigQuery project. Runs when
 * GOOGLE_APPLICATION_CREDENTIALS (a service-account key file) and BIGQUERY_PROJECT are set;
 * BIGQUERY_LOCATION defaults to US. Every test writes to a dataset of its own, deleted afterwards.
 */
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { BigQuery } from '@google-cloud/bigquery';
import { bigqueryWarehouse } from '../../activities/warehouses/bigquery';
import { describeWarehouseConformance } from './conformance';

const project = process.env.BIGQUERY_PROJECT;
const location = process.env.BIGQUERY_LOCATION ?? 'US';

if (project && process.env.GOOGLE_APPLICATION_CREDENTIALS) {
  // The SDK's HTTP layer loads node-fetch by dynamic import, which jest allows only with this flag.
  if (!process.env.NODE_OPTIONS?.includes('--experimental-vm-modules')) {
    throw new Error('the BigQuery tests need NODE_OPTIONS=--experimental-vm-modules (as scripts/test.sh sets)');
  }
  const run = randomUUID().slice(0, 8);
  const created: string[] = [];
  afterAll(async () => {
    const client = new BigQuery({ projectId: project, location });
    await Promise.all(created.map((dataset) => client.dataset(dataset).delete({ force: true })));
  });

  describeWarehouseConformance({
    plugin: bigqueryWarehouse,
    async freshDestination() {
      const schema = `ih_conformance_${run}_${created.length + 1}`;
      created.push(schema);
      return { config: { kind: 'bigquery', projectId: project, schema, location }, dataDir: tmpdir(), schema };
    },
  });
} else {
  describe.skip('BigQuery live conformance (skipped: set GOOGLE_APPLICATION_CREDENTIALS and BIGQUERY_PROJECT to run it)', () => {
    test('the warehouse conformance suite against a real BigQuery project', () => undefined);
  });
}
