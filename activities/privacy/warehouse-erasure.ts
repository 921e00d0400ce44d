/**
 * Erasure in a connector's warehouse: the subject's rows in every stream table, and its quarantined
 * records; then the customer models computed from them (refreshModelsOf). Tombstones (DELETIONS_TABLE) are left: they hold a source key and a cursor value, nothing
 * that names or describes the subject, no column erasure could find it by, and they are what keeps a
 * record deleted at the source from coming back. Retention sweeps them.
 */
import type { Connector } from '../../domain/connector';
import { SUBJECT_COLUMNS, type ErasureSubject } from '../../domain/privacy';
import { withWarehouse, type ConnectWarehouse } from '../chores';
import type { DeletePredicate } from '../warehouses/types';
import { QUARANTINE_TABLE_STREAM } from '../warehouses/quarantine-stream';
import { streamTablesOf } from './warehouse-tables';
import { modelSettingsOf } from '../models/model-settings';
import { refreshModels } from '../models/refresh';
import type { SourceCatalogRepository } from '../store/source-catalogs';

/**
 * One predicate per column that names the subject; an email matches in any letter case. A column a
 * connector hashes holds one of `hashes` (ColumnHasher.subjectHashes) instead.
 */
function subjectPredicates(subject: ErasureSubject, hashes: ReadonlySet<string>): DeletePredicate[] {
  const columns = 'customerId' in subject ? SUBJECT_COLUMNS.customerId : SUBJECT_COLUMNS.email;
  const plain: DeletePredicate[] =
    'customerId' in subject
      ? columns.map((column) => ({ column, op: 'eq', value: subject.customerId.trim() }))
      : columns.map((column) => ({ column, op: 'in-any-case', values: [subject.email.trim()] }));
  const hashed: DeletePredicate[] = hashes.size > 0 ? columns.map((column) => ({ column, op: 'in', values: [...hashes] })) : [];
  return [...plain, ...hashed];
}

/** Deleted rows per table, named `<kind>:<table>`. */
export async function eraseFromWarehouse(
  connect: ConnectWarehouse,
  connector: Connector,
  subject: ErasureSubject,
  quarantinedKeys: readonly string[],
  hashes: ReadonlySet<string>,
): Promise<Record<string, number>> {
  const { destination, source } = connector.configuration;
  return withWarehouse(connect, destination, async (warehouse) => {
    const deleted: Record<string, number> = {};
    for (const stream of streamTablesOf(source.kind)) {
      for (const predicate of subjectPredicates(subject, hashes)) {
        if (!stream.columns.some((column) => column.name === predicate.column)) continue;
        const table = `${destination.kind}:${stream.table}`;
        deleted[table] = (deleted[table] ?? 0) + (await warehouse.deleteWhere(stream, predicate));
      }
    }
    if (quarantinedKeys.length > 0) {
      const table = QUARANTINE_TABLE_STREAM;
      deleted[`${destination.kind}:${table.table}`] = await warehouse.deleteWhere(table, {
        column: 'record_key',
        op: 'in',
        values: quarantinedKeys,
      });
    }
    return deleted;
  });
}

/**
 * Rebuilds the customer models of each destination the connectors load into (once per destination),
 * so that nothing erased from the stream tables stays in a model. Per destination, the models rebuilt.
 */
export async function refreshModelsOf(
  connect: ConnectWarehouse,
  catalogs: Pick<SourceCatalogRepository, 'get'>,
  connectors: readonly Connector[],
): Promise<Record<string, number>> {
  const destinations = new Map(connectors.map((c) => [JSON.stringify(c.configuration.destination), c.configuration.destination]));
  const rebuilt: Record<string, number> = {};
  for (const destination of destinations.values()) {
    const settings = await modelSettingsOf(catalogs, connectors, destination);
    const { rebuilt: models } = await withWarehouse(connect, destination, (warehouse) => refreshModels(warehouse, settings));
    const place = `${destination.kind}:customer models rebuilt`;
    rebuilt[place] = (rebuilt[place] ?? 0) + models.length;
  }
  return rebuilt;
}
