/**
 * The load generator of bench/webhooks/run.ts, in a process of its own so that its CPU is not the
 * server's: it makes a SendGrid signing key and tells the runner its public key, then for each run it
 * is sent it signs every batch first (not timed), posts them at a fixed concurrency or at a steady
 * rate, and answers with the time taken, the statuses and each request's latency.
 */
import { generateSendgridEvents } from '../../simulators/sendgrid/events';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../../simulators/sendgrid/sender';
import { createSendgridSigningKey } from '../../simulators/sendgrid/signing';

export interface LoadRun {
  url: string;
  /** Seeds the batches' events: a run with a new seed sends events the inbox has never seen. */
  seed: number;
  batches: number;
  size: number;
  concurrency: number;
  /** Batches per second, started on a fixed clock whatever the answers; omitted: as fast as answered. */
  ratePerSecond?: number;
}

export interface LoadResult {
  seconds: number;
  statuses: Record<string, number>;
  /** Each request's latency, in milliseconds, in the order sent. */
  latenciesMs: number[];
  /** When each request was answered (ms since the epoch), and the ids of its batch's last event. */
  answered: { at: number; lastEventId: string }[];
}

const key = createSendgridSigningKey();

async function runLoad(run: LoadRun): Promise<LoadResult> {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const batches = Array.from({ length: run.batches }, (_, index) => {
    const events = generateSendgridEvents(run.size, { seed: run.seed * 100_000 + index });
    const body = JSON.stringify(events);
    return { body, signature: key.sign(timestamp, body), lastEventId: events.at(-1)?.sg_event_id ?? '' };
  });
  const statuses: Record<string, number> = {};
  const latenciesMs: number[] = new Array<number>(batches.length).fill(0);
  const answered: LoadResult['answered'] = [];
  const post = async (index: number): Promise<void> => {
    const batch = batches[index];
    if (!batch) return;
    const sent = performance.now();
    const response = await fetch(run.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: batch.signature, [TIMESTAMP_HEADER]: timestamp },
      body: batch.body,
    });
    await response.arrayBuffer();
    latenciesMs[index] = performance.now() - sent;
    answered.push({ at: Date.now(), lastEventId: batch.lastEventId });
    statuses[response.status] = (statuses[response.status] ?? 0) + 1;
  };
  const started = performance.now();
  if (run.ratePerSecond) {
    const inFlight: Promise<void>[] = [];
    for (let index = 0; index < batches.length; index += 1) {
      const due = started + (index * 1000) / run.ratePerSecond;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - performance.now())));
      inFlight.push(post(index));
    }
    await Promise.all(inFlight);
  } else {
    let next = 0;
    const sender = async (): Promise<void> => {
      while (next < batches.length) await post(next++);
    };
    await Promise.all(Array.from({ length: run.concurrency }, sender));
  }
  return { seconds: (performance.now() - started) / 1000, statuses, latenciesMs, answered };
}

process.on('message', (run: LoadRun) => {
  runLoad(run).then(
    (result) => process.send?.({ result }),
    (error: unknown) => process.send?.({ error: String(error) }),
  );
});
process.send?.({ publicKey: key.publicKey });
