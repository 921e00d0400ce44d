/**
 * Retention in a connector's warehouse. The proof is the same delete run a second time: through the
 * Warehouse interface it is the one statement every warehouse speaks, and the rows it finds are the
 * rows the first pass left (it removes them too, but they are reported as a breach all the same).
 */
import type { Connector } from '../../domain/connector';
import type { SweepTargetResult } from '../../domain/privacy';
import { withWarehouse, type ConnectWarehouse } from '../chores';
import { expiredRows, sweptTablesOf } from './warehouse-tables';

export async function sweepWarehouse(
  connect: ConnectWarehouse,
  connector: Connector,
  cutoff: string,
): Promise<Pick<SweepTargetResult, 'deleted' | 'remaining' | 'proof'>> {
  return withWarehouse(connect, connector.configuration.destination, async (warehouse) => {
    const tables = sweptTablesOf(connector.configuration.source.kind);
    let deleted = 0;
    for (const stream of tables) deleted += await warehouse.deleteWhere(stream, expiredRows(stream, cutoff, connector.id));
    let remaining = 0;
    for (const stream of tables) remaining += await warehouse.deleteWhere(stream, expiredRows(stream, cutoff, connector.id));
    const names = tables.map((t) => t.table).join(', ');
    return { deleted, remaining, proof: `${connector.configuration.destination.kind} rows past the cutoff in ${names}` };
  });
}
