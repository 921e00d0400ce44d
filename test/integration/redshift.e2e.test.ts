import { startRedshiftSimulator } from '../../simulators/redshift/server';
import { startPostgres } from '../store/postgres';
import { redshiftAt } from '../warehouses/simulated';
import { describeEndToEnd } from './end-to-end';

const ACCESS_KEY = 'AKIDREDSHIFTE2E';
const postgres = startPostgres();

if (postgres.available) {
  describeEndToEnd('Redshift (local Data API simulator on PostgreSQL, real @aws-sdk/client-redshift-data)', async () => {
    const simulator = await startRedshiftSimulator({ postgresUrl: postgres.adminUrl, accessKeyIds: [ACCESS_KEY] });
    return {
      config: redshiftAt(simulator, ACCESS_KEY),
      stop: () => simulator.stop(),
    };
  });
} else if (process.env.CI === 'true') {
  test('PostgreSQL is reachable (required on CI)', () => {
    throw new Error(postgres.reason);
  });
} else {
  test.skip(`Salesforce to Redshift end to end (skipped: ${postgres.reason}; .ci/run starts PostgreSQL)`, () => undefined);
}
