/** Erasure in a connector's warehouse: the subject's rows in every stream table, and its quarantined records. */
import type { Connector, DestinationConfig } from '../../domain/connector';
import { SUBJECT_COLUMNS, type ErasureSubject } from '../../domain/privacy';
import type { DeletePredicate, Warehouse } from '../warehouses/types';
import { QUARANTINE_TABLE_STREAM, streamTablesOf } from './warehouse-tables';

/** Emails are matched as given and lower-cased: a warehouse compares text exactly. */
function subjectPredicate(subject: ErasureSubject): DeletePredicate {
  if ('customerId' in subject) return { column: SUBJECT_COLUMNS.customerId, op: 'eq', value: subject.customerId.trim() };
  const email = subject.email.trim();
  return { column: SUBJECT_COLUMNS.email, op: 'in', values: [...new Set([email, email.toLowerCase()])] };
}

/** Deleted rows per table, named `<kind>:<table>`. */
export async function eraseFromWarehouse(
  connect: (config: DestinationConfig) => Promise<Warehouse>,
  connector: Connector,
  subject: ErasureSubject,
  quarantinedKeys: readonly string[],
): Promise<Record<string, number>> {
  const { destination, source } = connector.configuration;
  const predicate = subjectPredicate(subject);
  const warehouse = await connect(destination);
  const deleted: Record<string, number> = {};
  try {
    for (const stream of streamTablesOf(source.kind)) {
      if (!stream.columns.some((column) => column.name === predicate.column)) continue;
      deleted[`${destination.kind}:${stream.table}`] = await warehouse.deleteWhere(stream, predicate);
    }
    if (quarantinedKeys.length > 0) {
      const table = QUARANTINE_TABLE_STREAM;
      deleted[`${destination.kind}:${table.table}`] = await warehouse.deleteWhere(table, { column: 'record_key', op: 'in', values: quarantinedKeys });
    }
    return deleted;
  } finally {
    await warehouse.close();
  }
}
