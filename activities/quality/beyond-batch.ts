/**
 * Uniqueness beyond one batch. A unique column other than the primary key (a contact's customer id)
 * must be unique in the stream's table, not only within a batch: a duplicate split across two
 * batches or two cycles inflates reach all the same. A value of the batch is taken when a row
 * outside it holds the value under another primary key:
 * - a row of the warehouse table. A read loads its batches one after another, each before the next
 *   is validated, so the table holds the read's earlier batches as well as every earlier cycle's;
 * - in a dry run, which loads nothing, a clean row validated earlier in the read: what those rows
 *   hold is staged from batch to batch (`heldWith`) and read back as `earlier`.
 * The same primary key holding the value is that row's earlier version, which the batch updates.
 * A key the batch deletes lets go of its value; a key re-sent with another value does not, as its
 * new version may yet be quarantined.
 */
import type { StreamColumn, StreamDefinition } from '../../domain/streams/types';
import { withholdsConsent } from '../privacy/load-screen';
import type { Row } from '../sources/types';
import { comparableValue } from '../warehouses/held-values';
import type { PredicateValue, Warehouse } from '../warehouses/types';
import type { TakenOutside } from './column-check';
import type { ExpectationSuite } from './suite';

export type HeldValueLookup = Pick<Warehouse, 'findHeldValues'>;

/** The unique columns checked beyond the batch: not the primary key (a repeat of it is an update), not JSON. */
export function uniqueBeyondBatch(stream: StreamDefinition, suite: ExpectationSuite): StreamColumn[] {
  const unique = new Set(suite.expectations.flatMap((e) => (e.type === 'expect_column_values_to_be_unique' ? [e.kwargs.column] : [])));
  return stream.columns.filter((column) => unique.has(column.name) && column.name !== stream.primaryKey && column.type !== 'json');
}

export interface Outside {
  /** The stream's table; null when the warehouse is not asked. */
  warehouse: HeldValueLookup | null;
  /** What the clean rows this read validated but did not load hold, one row per key, as `heldWith` wrote it. */
  earlier: AsyncIterable<Row> | null;
}

const isDeletion = (stream: StreamDefinition, row: Row): boolean =>
  stream.deletedColumn !== undefined && row[stream.deletedColumn] === true;

/** A row's primary key as text, in the form the warehouse's held keys take; null when it has none. */
function keyText(stream: StreamDefinition, key: unknown): string | null {
  const type = stream.columns.find((column) => column.name === stream.primaryKey)?.type ?? 'string';
  const comparable = comparableValue(type, key);
  return comparable === null ? null : String(comparable);
}

export class HeldOutside {
  private constructor(
    private readonly stream: StreamDefinition,
    private readonly columns: readonly StreamColumn[],
    /** By column: value → the keys that hold it outside the batch. */
    private readonly holders: ReadonlyMap<string, ReadonlyMap<PredicateValue, ReadonlySet<string>>>,
    private readonly earlier: ReadonlyMap<string, Row>,
  ) {}

  /** Looks up, for each unique column, who outside the batch holds the values its rows hold. */
  static async gather(stream: StreamDefinition, suite: ExpectationSuite, rows: readonly Row[], outside: Outside): Promise<HeldOutside> {
    const columns = uniqueBeyondBatch(stream, suite);
    const earlier = new Map<string, Row>();
    if (columns.length > 0 && outside.earlier) {
      for await (const row of outside.earlier) {
        const key = keyText(stream, row[stream.primaryKey]);
        if (key !== null) earlier.set(key, row);
      }
    }
    const deleted = new Set(rows.filter((row) => isDeletion(stream, row)).map((row) => keyText(stream, row[stream.primaryKey])));
    const judged = rows.filter((row) => !isDeletion(stream, row));
    const holders = new Map<string, Map<PredicateValue, Set<string>>>();
    for (const column of columns) {
      const values = new Set(
        judged.map((row) => comparableValue(column.type, row[column.name])).filter((value): value is PredicateValue => value !== null),
      );
      const byValue = new Map<PredicateValue, Set<string>>();
      const hold = (value: PredicateValue, key: string): void => {
        if (deleted.has(key)) return;
        const keys = byValue.get(value) ?? new Set<string>();
        byValue.set(value, keys.add(key));
      };
      if (values.size > 0 && outside.warehouse) {
        for (const held of await outside.warehouse.findHeldValues(stream, column.name, [...values])) {
          // A key the earlier rows hold is there in its newer version.
          if (!earlier.has(String(held.key))) hold(held.value, String(held.key));
        }
      }
      for (const [key, row] of earlier) {
        const value = comparableValue(column.type, row[column.name]);
        if (value !== null && values.has(value)) hold(value, key);
      }
      holders.set(column.name, byValue);
    }
    return new HeldOutside(stream, columns, holders, earlier);
  }

  /** By unique column: whether a row's value is held outside the batch under another key. */
  takenOutside(): ReadonlyMap<string, TakenOutside> {
    return new Map(
      this.columns.map((column): [string, TakenOutside] => {
        const byValue = this.holders.get(column.name);
        return [
          column.name,
          (row) => {
            const value = comparableValue(column.type, row[column.name]);
            const keys = value === null ? undefined : byValue?.get(value);
            if (!keys) return false;
            const own = keyText(this.stream, row[this.stream.primaryKey]);
            return [...keys].some((key) => key !== own);
          },
        ];
      }),
    );
  }

  /**
   * What the read's unloaded rows hold once the batch's clean rows join the earlier ones: per key,
   * the key and its unique columns. A key deleted, or withheld for want of consent (which loading
   * turns into a deletion), holds nothing, and so hides what the warehouse holds for it.
   */
  heldWith(clean: readonly Row[]): Row[] {
    if (this.columns.length === 0) return [];
    const { primaryKey } = this.stream;
    const held = new Map(this.earlier);
    for (const row of clean) {
      const key = keyText(this.stream, row[primaryKey]);
      if (key === null) continue;
      const holds = !isDeletion(this.stream, row) && !withholdsConsent(this.stream, row);
      const values = holds ? this.columns.map((column): [string, unknown] => [column.name, row[column.name] ?? null]) : [];
      held.delete(key);
      held.set(key, Object.fromEntries([[primaryKey, row[primaryKey]], ...values]));
    }
    return [...held.values()];
  }
}
