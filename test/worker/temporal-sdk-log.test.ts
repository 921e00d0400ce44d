/**
 * The Temporal SDK's log lines reach the product's JSON log (pino), at their own level, and the
 * notice every activity-only worker prints at start ("No workflows registered") does not: a source's
 * rate-limited queue has no workflows by design, and a demo start printed it once per source.
 */
import { Writable } from 'node:stream';
import pino from 'pino';
import { DefaultLogger } from '@temporalio/worker';
import { sdkLogFunction } from '../../worker/temporal-runtime';

function capturedLogger(): { logger: pino.Logger; lines: () => Array<Record<string, unknown>> } {
  const written: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      written.push(chunk.toString('utf8'));
      done();
    },
  });
  const logger = pino({ level: 'trace' }, sink);
  return { logger, lines: () => written.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

describe("the Temporal SDK's log", () => {
  test('a warning and an error arrive as JSON lines with their level, message and metadata', () => {
    const { logger, lines } = capturedLogger();
    const sdk = new DefaultLogger('WARN', sdkLogFunction(logger));

    sdk.warn('Activity task failed', { taskQueue: 'insight-hub/source-salesforce/89ca' });
    sdk.error('Worker failed', { sdkComponent: 'worker' });
    sdk.info('below the SDK level: dropped by the SDK');

    expect(lines()).toEqual([
      expect.objectContaining({
        level: 40,
        msg: 'Activity task failed',
        component: 'temporal-sdk',
        taskQueue: 'insight-hub/source-salesforce/89ca',
      }),
      expect.objectContaining({ level: 50, msg: 'Worker failed', component: 'temporal-sdk', sdkComponent: 'worker' }),
    ]);
  });

  test("an activity-only worker's start notice is not logged", () => {
    const { logger, lines } = capturedLogger();
    const sdk = new DefaultLogger('WARN', sdkLogFunction(logger));

    sdk.warn('No workflows registered, not polling for workflow tasks', {
      sdkComponent: 'worker',
      taskQueue: 'insight-hub/source-ga4/59d0',
    });

    expect(lines()).toEqual([]);
  });
});
