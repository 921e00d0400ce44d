/**
 * An embedded DuckDB warehouse held open by the test process for the whole file, as the worker holds
 * the demo's: the API must read through that instance, never open the file a second time.
 */
import path from 'node:path';
import { acquire, release } from '../../activities/warehouses/duckdb/connection';
import { useFixture } from '../support/fixture';
import { tempDir } from '../support/temp-dir';

export interface HeldWarehouse {
  /** The warehouse file, in a temporary folder removed at teardown. */
  readonly file: string;
}

/** Creates the warehouse with `sql` (schemas and tables) and holds it until teardown. */
export function useHeldWarehouse(prefix: string, sql: string): HeldWarehouse {
  const file = useFixture('the held warehouse', async (defer) => {
    const held = path.join(await tempDir(prefix, defer), 'warehouse.duckdb');
    const database = await acquire(held);
    defer(() => release(database));
    await database.exclusive((c) => c.run(sql));
    return held;
  });
  return {
    get file() {
      return file();
    },
  };
}
