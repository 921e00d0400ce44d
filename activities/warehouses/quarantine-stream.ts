/**
 * The quarantine table seen as a stream, so that `Warehouse.deleteWhere` reaches it in every
 * warehouse: by load id (a re-validation replacing a generation), by time (retention), by key and
 * connector (erasure).
 */
import type { StreamDefinition } from '../../domain/streams/types';
import { QUARANTINE_TABLE } from './sql';

export const QUARANTINE_TABLE_STREAM: StreamDefinition = {
  name: 'quarantine',
  table: QUARANTINE_TABLE,
  primaryKey: 'load_id',
  cursorColumn: 'quarantined_at',
  columns: [
    { name: 'load_id', type: 'string' },
    { name: 'connector_id', type: 'string' },
    { name: 'record_key', type: 'string' },
    { name: 'quarantined_at', type: 'timestamp' },
  ],
};
