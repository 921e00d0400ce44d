/** A workflow that waits for `go`, then starts `count` activities at once on the rate-limited queue. */
import { condition, defineSignal, proxyActivities, setHandler } from '@temporalio/workflow';
import type { ActivityQueueProbe } from './run';

export const go = defineSignal('go');
export const ACTIVITY_QUEUE = 'versioning-rate-activities';

const { tick } = proxyActivities<ActivityQueueProbe>({ taskQueue: ACTIVITY_QUEUE, startToCloseTimeout: '1 minute' });

export async function fanOut(build: string, count: number): Promise<void> {
  let started = false;
  setHandler(go, () => {
    started = true;
  });
  await condition(() => started);
  await Promise.all(Array.from({ length: count }, () => tick(build)));
}
