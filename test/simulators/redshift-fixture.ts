/**
 * The Redshift Data API simulator for its tests: a suite that runs on PostgreSQL (skipped, or failed on
 * CI, when PostgreSQL is unreachable), the S3 simulator beside it, and clients of the real
 * @aws-sdk/client-redshift-data that run a statement and wait for it to finish.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import {
  DescribeStatementCommand,
  type DescribeStatementCommandOutput,
  ExecuteStatementCommand,
  type ExecuteStatementCommandInput,
  RedshiftDataClient,
} from '@aws-sdk/client-redshift-data';
import { startRedshiftSimulator, type RedshiftSimulator, type RedshiftSimulatorOptions } from '../../simulators/redshift/server';
import { startS3Simulator, type S3Simulator } from '../../simulators/s3/server';
import { startPostgres } from '../store/postgres';

export const CREDENTIALS = { accessKeyId: 'AKIDSIM', secretAccessKey: 'sim-secret' };

export interface RedshiftKit {
  simulator: (options?: Partial<RedshiftSimulatorOptions>) => Promise<RedshiftSimulator>;
  clientFor: (sim: RedshiftSimulator, accessKeyId?: string) => RedshiftDataClient;
  where: (sim: RedshiftSimulator) => { Database: string; WorkgroupName: string };
  finished: (client: RedshiftDataClient, id: string) => Promise<DescribeStatementCommandOutput>;
  run: (
    sim: RedshiftSimulator,
    input: Omit<ExecuteStatementCommandInput, 'Database' | 'WorkgroupName'>,
  ) => Promise<{ client: RedshiftDataClient; id: string; described: DescribeStatementCommandOutput }>;
  /** The S3 simulator's URL, with a `staging` bucket. */
  s3Url: () => string;
}

/** A describe block of Redshift simulator tests, each simulator stopped after its test. */
export function describeRedshift(name: string, body: (kit: RedshiftKit) => void): void {
  const postgres = startPostgres();
  const unreachable = postgres.available ? null : postgres.reason;
  if (unreachable && process.env.CI === 'true') {
    test('PostgreSQL is reachable (required on CI)', () => {
      throw new Error(unreachable);
    });
  }
  const suite = unreachable ? describe.skip : describe;

  const title = unreachable ? `${name} (skipped: PostgreSQL unreachable: ${unreachable})` : name;
  suite(title, () => {
    let s3: S3Simulator;
    const running: RedshiftSimulator[] = [];
    const simulator = async (options: Partial<RedshiftSimulatorOptions> = {}): Promise<RedshiftSimulator> => {
      const sim = await startRedshiftSimulator({
        postgresUrl: postgres.available ? postgres.adminUrl : '',
        s3: s3.store,
        accessKeyIds: [CREDENTIALS.accessKeyId],
        ...options,
      });
      running.push(sim);
      return sim;
    };
    beforeAll(async () => {
      s3 = await startS3Simulator({ buckets: ['staging'] });
    });
    afterAll(() => s3.stop());
    afterEach(async () => {
      await Promise.all(running.splice(0).map((sim) => sim.stop()));
    });

    const clientFor = (sim: RedshiftSimulator, accessKeyId = CREDENTIALS.accessKeyId): RedshiftDataClient =>
      new RedshiftDataClient({
        region: 'us-east-1',
        endpoint: sim.url,
        credentials: { ...CREDENTIALS, accessKeyId },
        maxAttempts: 1,
      });
    const where = (sim: RedshiftSimulator) => ({ Database: sim.database, WorkgroupName: 'default' });

    async function finished(client: RedshiftDataClient, id: string): Promise<DescribeStatementCommandOutput> {
      for (;;) {
        const described = await client.send(new DescribeStatementCommand({ Id: id }));
        if (described.Status === 'FINISHED' || described.Status === 'FAILED' || described.Status === 'ABORTED') return described;
        await sleep(10);
      }
    }
    async function run(sim: RedshiftSimulator, input: Omit<ExecuteStatementCommandInput, 'Database' | 'WorkgroupName'>) {
      const client = clientFor(sim);
      const { Id = '' } = await client.send(new ExecuteStatementCommand({ ...where(sim), ...input }));
      return { client, id: Id, described: await finished(client, Id) };
    }

    body({ simulator, clientFor, where, finished, run, s3Url: () => s3.url });
  });
}
