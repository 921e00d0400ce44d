/**
 * The workers of the source accounts' task queues (activities/sources/accounts.ts): each worker
 * process polls the queue of every account the store's connectors read with, each at the source's
 * rate, so the server holds every account's budget across all hosts. The store is looked at on start
 * and every few seconds after, so a connector created meanwhile is picked up without a restart.
 */
import type { Worker } from '@temporalio/worker';
import type { SourceKind } from '../domain/connector';
import type { Logger } from '../activities/logger';
import { accountTaskQueue } from '../activities/sources/accounts';
import type { Store } from '../activities/store/store';

/** How often the store is asked for accounts: what a new connector may wait for its first page. */
export const ACCOUNT_REFRESH_MS = 5_000;

export interface AccountWorkerOptions {
  store: Pick<Store, 'connectors'>;
  workflowTaskQueue: string;
  /** Creates the worker of an account's queue (not yet running). */
  create(source: SourceKind, queue: string): Promise<Worker>;
  logger: Logger;
  /** Only these sources' accounts (a process that serves some sources); all by default. */
  sources?: readonly SourceKind[];
}

export class AccountWorkers {
  private readonly running = new Map<string, { worker: Worker; run: Promise<void> }>();
  private timer: NodeJS.Timeout | undefined;
  private refreshing: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(private readonly options: AccountWorkerOptions) {}

  /** Polls the queues of the accounts there are, and looks for new ones every ACCOUNT_REFRESH_MS. */
  async start(): Promise<void> {
    this.timer = setInterval(() => void this.refresh(), ACCOUNT_REFRESH_MS);
    await this.refresh();
  }

  /** The queues polled now. */
  queues(): string[] {
    return [...this.running.keys()];
  }

  /** The account workers started so far. */
  workers(): Worker[] {
    return [...this.running.values()].map(({ worker }) => worker);
  }

  /** Stops looking and shuts the account workers down (those a signal did not already stop). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.refreshing;
    for (const { worker } of this.running.values()) if (worker.getState() === 'RUNNING') worker.shutdown();
    await Promise.all([...this.running.values()].map(({ run }) => run));
  }

  /** One look at the store at a time: a slow one is not overtaken by the next tick. */
  refresh(): Promise<void> {
    this.refreshing = this.refreshing.then(() => this.startNewAccounts());
    return this.refreshing;
  }

  private async startNewAccounts(): Promise<void> {
    const { store, workflowTaskQueue, sources, logger } = this.options;
    try {
      for (const connector of await store.connectors.list()) {
        const source = connector.configuration.source;
        if (this.stopped || (sources && !sources.includes(source.kind))) continue;
        const queue = accountTaskQueue(source, workflowTaskQueue);
        if (queue === null || this.running.has(queue)) continue;
        const worker = await this.options.create(source.kind, queue);
        const run = worker.run().catch((error: unknown) => {
          // Started again by the next look at the store.
          this.running.delete(queue);
          logger.error({ queue, error: String(error) }, 'an account worker stopped on an error');
        });
        this.running.set(queue, { worker, run });
        logger.info({ source: source.kind, queue }, 'polling a source account queue');
      }
    } catch (error) {
      // The next tick tries again; the queues polled so far go on.
      logger.warn({ error: String(error) }, 'could not look for new source accounts');
    }
  }
}
