/**
 * What every conformance case works with: the plug-in under test, the warehouse handle of the
 * current test, staged batches, and portable queries over the people table (unquoted lower-case
 * names, no parameters, so the same SQL reads every warehouse).
 */
import type { DestinationConfig } from '../../domain/connector';
import type { LoadBatch, Warehouse, WarehousePlugin } from '../../activities/warehouses/types';
import type { BatchFactory } from './fixtures';
import { people } from './fixtures';

export interface Destination<C extends DestinationConfig> {
  config: C;
  dataDir: string;
  schema: string;
}

export interface WarehouseUnderTest<C extends DestinationConfig> {
  plugin: WarehousePlugin<C>;
  /** A destination no other test touches (a fresh file, schema or dataset), and the schema it writes to. */
  freshDestination(): Promise<Destination<C>>;
  /**
   * What the service does by itself once a client dies mid-load. A real server sees the connection
   * drop and rolls its transaction back; a simulator whose sessions outlive connections ends the dead
   * client's session here.
   */
  afterLoadKilled?(): Promise<void>;
}

export class ConformanceState<C extends DestinationConfig> {
  private current: { warehouse: Warehouse; destination: Destination<C> } | null = null;

  constructor(
    readonly target: WarehouseUnderTest<C>,
    readonly batches: () => BatchFactory,
  ) {}

  async open(): Promise<void> {
    const destination = await this.target.freshDestination();
    this.current = { destination, warehouse: await this.connect(destination) };
  }

  /** Closes this test's handle and opens another on the same destination, as a restarted worker would. */
  async reconnect(between: () => Promise<void> = async () => undefined): Promise<void> {
    const { destination, warehouse } = this.opened();
    this.current = null;
    await warehouse.close();
    await between();
    this.current = { destination, warehouse: await this.connect(destination) };
  }

  async close(): Promise<void> {
    await this.current?.warehouse.close();
    this.current = null;
  }

  get warehouse(): Warehouse {
    return this.opened().warehouse;
  }

  get destination(): Destination<C> {
    return this.opened().destination;
  }

  table(): string {
    return `${this.destination.schema}.${people.table}`;
  }

  in(table: string): string {
    return `${this.destination.schema}.${table}`;
  }

  async count(from: string, where = 'true'): Promise<number> {
    const [row] = await this.warehouse.query(`select count(*) as n from ${from} where ${where}`);
    return Number(row?.n);
  }

  async peopleById(): Promise<Map<string, Record<string, unknown>>> {
    const rows = await this.warehouse.query(`select * from ${this.table()} order by id`);
    return new Map(rows.map((row) => [String(row.id), row]));
  }

  async ids(): Promise<string[]> {
    return [...(await this.peopleById()).keys()];
  }

  /** What the cycle does: ensure the table for the batch's stream, then load. */
  async load(batch: LoadBatch): ReturnType<Warehouse['load']> {
    await this.warehouse.ensureTable(batch.stream);
    return this.warehouse.load(batch);
  }

  private connect(destination: Destination<C>): Promise<Warehouse> {
    return this.target.plugin.connect(destination.config, { dataDir: destination.dataDir });
  }

  private opened(): { warehouse: Warehouse; destination: Destination<C> } {
    if (!this.current) throw new Error('no warehouse is open: open() runs before each test');
    return this.current;
  }
}
