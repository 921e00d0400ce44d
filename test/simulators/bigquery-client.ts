/** The real BigQuery SDK pointed at a simulator: no credentials, no retries (a test sees each failure). */
import { BigQuery } from '@google-cloud/bigquery';
import { PassThroughClient } from 'google-auth-library';
import type { BigQuerySimulator } from '../../simulators/bigquery/server';

export function simulatorClient(simulator: BigQuerySimulator, projectId: string): BigQuery {
  return new BigQuery({
    projectId,
    apiEndpoint: simulator.url,
    authClient: new PassThroughClient(),
    location: 'US',
    retryOptions: { autoRetry: false },
  });
}
