/** One warehouse connection per batch on a worker: kept between a batch's steps, let go (or, across batches, handed on) by its load, never handed on broken. */
import { BatchConnections, type BatchConnectionOptions } from '../../activities/chores';
import type { Warehouse } from '../../activities/warehouses/types';
import type { DestinationConfig } from '../../domain/connector';

const unused = (): never => {
  throw new Error('not used by these tests');
};

/** A warehouse that only counts its closes. */
function fakeWarehouse(id: number, closes: number[]): Warehouse {
  return {
    ensureTable: unused,
    describeSchemaChanges: unused,
    load: unused,
    deleteWhere: unused,
    findHeldValues: unused,
    estimateLoadCost: unused,
    query: async () => [{ id }],
    close: async () => {
      closes.push(id);
    },
  };
}

const duckdb: DestinationConfig = { kind: 'duckdb', schema: 'marketing' };
const elsewhere: DestinationConfig = { kind: 'duckdb', schema: 'other' };

function pool(idleMs?: number, options?: BatchConnectionOptions) {
  const opened: number[] = [];
  const closes: number[] = [];
  const connections = new BatchConnections(
    async () => {
      opened.push(opened.length + 1);
      return fakeWarehouse(opened.length, closes);
    },
    idleMs,
    options,
  );
  const idOf = async (warehouse: Warehouse) => (await warehouse.query('select 1'))[0]?.['id'];
  return { connections, opened, closes, idOf };
}

it('hands a batch its earlier step’s connection and lets the load close it', async () => {
  const { connections, opened, closes, idOf } = pool();
  expect(await connections.use('load/a', duckdb, idOf)).toBe(1);
  expect(closes).toEqual([]);
  expect(await connections.use('load/a', duckdb, idOf, { last: true })).toBe(1);
  expect(opened).toEqual([1]);
  expect(closes).toEqual([1]);
});

it('keeps batches, and destinations, apart', async () => {
  const { connections, opened, closes, idOf } = pool();
  expect(await connections.use('load/a', duckdb, idOf)).toBe(1);
  expect(await connections.use('load/b', duckdb, idOf)).toBe(2);
  expect(await connections.use('load/a', elsewhere, idOf, { last: true })).toBe(3);
  expect(opened).toEqual([1, 2, 3]);
  await connections.close();
  expect(closes.sort()).toEqual([1, 2, 3]);
});

it('does not hand on a connection whose step failed', async () => {
  const { connections, opened, closes, idOf } = pool();
  await expect(connections.use('load/a', duckdb, async () => Promise.reject(new Error('lost')))).rejects.toThrow('lost');
  expect(closes).toEqual([1]);
  expect(await connections.use('load/a', duckdb, idOf, { last: true })).toBe(2);
  expect(opened).toEqual([1, 2]);
});

it('lets go of a connection no step takes up in time', async () => {
  const { connections, closes, idOf } = pool(20);
  await connections.use('load/a', duckdb, idOf);
  await new Promise((resolve) => setTimeout(resolve, 60));
  expect(closes).toEqual([1]);
  expect(await connections.use('load/a', duckdb, idOf, { last: true })).toBe(2);
});

it('keeps nothing with no idle time: every step opens and closes its own', async () => {
  const { connections, opened, closes, idOf } = pool(0);
  await connections.use('load/a', duckdb, idOf);
  await connections.use('load/a', duckdb, idOf);
  expect(opened).toEqual([1, 2]);
  expect(closes).toEqual([1, 2]);
});

it('across batches, a load hands its connection to the destination’s next batch, never to another destination', async () => {
  const { connections, opened, closes, idOf } = pool(undefined, { acrossBatches: true });
  expect(await connections.use('load/a', duckdb, idOf, { last: true })).toBe(1);
  expect(closes).toEqual([]);
  expect(await connections.use('load/b', duckdb, idOf)).toBe(1);
  expect(await connections.use('load/b', duckdb, idOf, { last: true })).toBe(1);
  expect(await connections.use('load/c', elsewhere, idOf, { last: true })).toBe(2);
  expect(opened).toEqual([1, 2]);
  expect(closes).toEqual([]);
  await connections.close();
  expect(closes.sort()).toEqual([1, 2]);
});
