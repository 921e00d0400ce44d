/**
 * Warehouse connections, opened and closed in one place. A batch's activities (its uniqueness check,
 * the gate's measure, its load) run one after another, usually on the same worker: BatchConnections
 * keeps the connection one of them used for the next, so a batch opens one session, not one per step.
 */
import type { DestinationConfig } from '../../domain/connector';
import type { Warehouse } from '../warehouses/types';

export type ConnectWarehouse = (config: DestinationConfig) => Promise<Warehouse>;

/** Opens the destination, hands it to `use`, and closes it however `use` ends. */
export async function withWarehouse<T>(
  connect: ConnectWarehouse,
  destination: DestinationConfig,
  use: (warehouse: Warehouse) => Promise<T>,
): Promise<T> {
  const warehouse = await connect(destination);
  try {
    return await use(warehouse);
  } finally {
    await warehouse.close();
  }
}

/**
 * Long enough for the workflow to schedule a batch's next step; a batch that waits for a manager, was
 * blocked or ran dry lets go of its connection after this.
 */
const BATCH_IDLE_MS = 30_000;

interface Idle {
  warehouse: Warehouse;
  timer: ReturnType<typeof setTimeout>;
}

export interface BatchConnectionOptions {
  /**
   * A load hands its connection on to the destination's next batch instead of closing it. An
   * embedded DuckDB file is checkpointed (its table and key index written out) and closed when its
   * last handle closes: kept across a cycle's batches, DuckDB checkpoints on its own policy (once its
   * write-ahead log reaches `checkpoint_threshold`, 16 MiB) and at the close after the cycle, and
   * every commit stays durable in the log meanwhile.
   */
  acrossBatches?: boolean;
}

export class BatchConnections {
  private readonly idle = new Map<string, Idle>();

  /** `idleMs` 0 keeps nothing: every use opens and closes its own connection. */
  constructor(
    private readonly connect: ConnectWarehouse,
    private readonly idleMs: number = BATCH_IDLE_MS,
    private readonly options: BatchConnectionOptions = {},
  ) {}

  /**
   * Runs `use` on the connection the batch's last step left (or, acrossBatches, a load left for the
   * destination), or a new one. The connection is kept for the batch's next step unless this is its
   * `last` (the load: closed, or kept for the next batch), `use` failed (a session in an unknown state
   * is not handed on), or one is kept in that place already.
   */
  async use<T>(
    batch: string,
    destination: DestinationConfig,
    use: (warehouse: Warehouse) => Promise<T>,
    options: { last?: boolean } = {},
  ): Promise<T> {
    // The destination is part of the key: a connector reconfigured between two steps loads where it now points.
    const key = `${batch}\n${JSON.stringify(destination)}`;
    // Where a load leaves its connection for whichever batch of the destination comes next (acrossBatches).
    const nextBatchKey = `\n${JSON.stringify(destination)}`;
    const warehouse = this.take(key) ?? this.take(nextBatchKey) ?? (await this.connect(destination));
    let kept = false;
    try {
      const result = await use(warehouse);
      const keepAs = !options.last ? key : this.options.acrossBatches ? nextBatchKey : null;
      kept = keepAs !== null && this.idleMs > 0 && !this.idle.has(keepAs);
      if (kept && keepAs !== null) this.keep(keepAs, warehouse);
      return result;
    } finally {
      if (!kept) await warehouse.close();
    }
  }

  /** Closes every connection kept idle; for a worker's shutdown. */
  async close(): Promise<void> {
    const idle = [...this.idle.values()];
    this.idle.clear();
    for (const { timer } of idle) clearTimeout(timer);
    await Promise.all(idle.map(({ warehouse }) => warehouse.close()));
  }

  private take(key: string): Warehouse | null {
    const found = this.idle.get(key);
    if (!found) return null;
    this.idle.delete(key);
    clearTimeout(found.timer);
    return found.warehouse;
  }

  private keep(key: string, warehouse: Warehouse): void {
    const timer = setTimeout(() => {
      if (this.idle.get(key)?.warehouse !== warehouse) return;
      this.idle.delete(key);
      // Nobody waits for an idle connection's close; a failure to close one changes nothing anyone sees.
      warehouse.close().catch(() => undefined);
    }, this.idleMs);
    timer.unref();
    this.idle.set(key, { warehouse, timer });
  }
}
