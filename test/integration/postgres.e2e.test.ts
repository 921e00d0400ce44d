import { createFreshDatabase, startPostgres } from '../store/postgres';
import { describeEndToEnd } from './end-to-end';

const server = startPostgres();
if (server.available) {
  describeEndToEnd('PostgreSQL', async () => {
    const database = await createFreshDatabase(server.adminUrl);
    return { config: { kind: 'postgres', url: database.url, schema: 'marketing' }, stop: () => database.drop() };
  });
} else if (process.env.CI === 'true') {
  test('PostgreSQL is reachable (required on CI)', () => {
    throw new Error(server.reason);
  });
} else {
  test.skip(`Salesforce to PostgreSQL end to end (skipped: ${server.reason}; .ci/run starts PostgreSQL)`, () => undefined);
}
