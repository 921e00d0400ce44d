/**
 * The short crash-fault run (bench/faults): the worker, in its own process, SIGKILLed once in each
 * of validate, load and commit while cycles run, and the Temporal server restarted once; then every
 * invariant must hold, and each interrupted activity must have been retried within the heartbeat
 * timeout rather than its start-to-close timeout. Its own dev server (restartable, state in a file)
 * and a PostgreSQL control plane; the warehouse is the embedded DuckDB.
 */
import { runCampaign, type CampaignResult } from '../../bench/faults/campaign';
import { formatResult } from '../../bench/faults/report';
import { durationToMs } from '../../domain/durations';
import { ACTIVITY_HEARTBEAT_TIMEOUT } from '../../domain/constants';
import { startPostgres } from '../store/postgres';

const server = startPostgres();
const KILLS = 3;

if (server.available) {
  describe('crash faults, short run', () => {
    let result: CampaignResult;

    beforeAll(async () => {
      process.env.TEST_DATABASE_URL ??= server.adminUrl;
      result = await runCampaign('duckdb', {
        rows: 4_000,
        kills: KILLS,
        serverRestarts: 1,
        phases: ['validate', 'load', 'commit'],
        seed: 7,
        // Two batches of two pages each: combinePages, and uniqueness across batches, run too.
        batchSize: 4_000,
        churn: 0.1,
        sourceRates: 'salesforce=6000/60s',
        stallLimitSeconds: 240,
        keep: false,
        say: () => undefined,
      });
      process.stderr.write(`${formatResult(result)}\n`);
    }, 540_000);

    test('every invariant holds', () => {
      expect(result.invariants.filter((invariant) => !invariant.pass)).toEqual([]);
      expect(result.invariants.map((invariant) => invariant.name)).toEqual(
        expect.arrayContaining([
          'every valid source row in the warehouse exactly once',
          'the quarantine holds each flawed row once',
          'the cursor equals the last loaded position',
          'no cycle stuck',
          'run reports and daily metrics counted once',
        ]),
      );
    });

    test('the worker was killed in each phase and the server restarted', () => {
      expect(result.kills.map((kill) => kill.phase).sort()).toEqual(['commit', 'load', 'validate']);
      expect(result.restarts).toHaveLength(1);
      expect(result.unplannedExits).toEqual([]);
    });

    test('an interrupted activity is retried after the heartbeat timeout, not its start-to-close timeout', () => {
      const limit = durationToMs(ACTIVITY_HEARTBEAT_TIMEOUT) + 30_000;
      for (const kill of result.kills) {
        expect(kill).toMatchObject({ retry: 'completed' });
        expect(kill.retriedMs).toBeLessThan(limit);
      }
    });
  });
} else if (process.env.CI === 'true') {
  test('PostgreSQL is reachable (required on CI)', () => {
    throw new Error(server.reason);
  });
} else {
  test.skip(`crash faults (skipped: ${server.reason}; the worker's control plane needs PostgreSQL)`, () => undefined);
}
