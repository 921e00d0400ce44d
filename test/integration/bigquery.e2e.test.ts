import { startBigQuerySimulator } from '../../simulators/bigquery/server';
import { describeEndToEnd } from './end-to-end';

// No probe of the GCE metadata server: nothing leaves loopback.
process.env.METADATA_SERVER_DETECTION = 'none';

describeEndToEnd('BigQuery (local simulator, real @google-cloud/bigquery)', async () => {
  const simulator = await startBigQuerySimulator();
  return {
    config: { kind: 'bigquery', projectId: 'insight-hub-e2e', schema: 'marketing', location: 'US', apiEndpoint: simulator.url },
    stop: () => simulator.stop(),
  };
});
