/**
 * The connector_config table: a connector's settings, its credentials sealed with the key ring, and
 * its status. Deleting a connector deletes its cursors; its audit trail, metrics and reports stay.
 */
import {
  createConnectorSchema,
  updateConnectorSchema,
  type Connector,
  type CreateConnector,
  type UpdateConnector,
} from '../../domain/connector';
import { sealConfiguration, type KeyRing } from '../secrets';
import { isUuid, parseInput } from './inputs';
import { columnsOf, firstRowOf, insertedRow, rowsOf } from './query';
import { connectorRow, idRow } from './rows';
import type { SqlExecutor } from './sql-client';

export interface ConnectorRepository {
  create(input: CreateConnector): Promise<Connector>;
  /** Null for an unknown or malformed id. */
  get(id: string): Promise<Connector | null>;
  /** Newest first. */
  list(): Promise<Connector[]>;
  /** Newest first. */
  listByUser(userId: string): Promise<Connector[]>;
  /** Fields the patch leaves out keep their stored value; a null description clears it. Null when no connector has the id. */
  update(id: string, patch: UpdateConnector): Promise<Connector | null>;
  /** Deletes the connector and its cursors; its audit trail, metrics and reports are kept. */
  delete(id: string): Promise<boolean>;
}

export function sqlConnectors(db: SqlExecutor, keys: KeyRing): ConnectorRepository {
  const connectorRows = connectorRow(keys);
  const columns = columnsOf(connectorRows);
  const sealed = (configuration: unknown): string => JSON.stringify(sealConfiguration(keys, configuration));

  return {
    async create(input) {
      const connector = parseInput(createConnectorSchema, input, 'connector');
      return insertedRow(
        db,
        connectorRows,
        `INSERT INTO connector_config (user_id, name, description, configuration, status)
         VALUES ($1, $2, $3, $4::jsonb, $5) RETURNING ${columns}`,
        [connector.userId, connector.name, connector.description ?? null, sealed(connector.configuration), connector.status],
      );
    },

    async get(id) {
      if (!isUuid(id)) return null;
      return firstRowOf(db, connectorRows, `SELECT ${columns} FROM connector_config WHERE id = $1`, [id]);
    },

    list() {
      return rowsOf(db, connectorRows, `SELECT ${columns} FROM connector_config ORDER BY created_at DESC, id`);
    },

    listByUser(userId) {
      return rowsOf(db, connectorRows, `SELECT ${columns} FROM connector_config WHERE user_id = $1 ORDER BY created_at DESC, id`, [userId]);
    },

    // Fields the patch leaves out (undefined → NULL → coalesce) keep their stored value.
    async update(id, patch) {
      if (!isUuid(id)) return null;
      const changes = parseInput(updateConnectorSchema, patch, 'connector update');
      return firstRowOf(
        db,
        connectorRows,
        `UPDATE connector_config
            SET name = coalesce($2, name),
                description = CASE WHEN $6::boolean THEN $3 ELSE description END,
                configuration = coalesce($4::jsonb, configuration),
                status = coalesce($5, status),
                updated_at = now()
          WHERE id = $1 RETURNING ${columns}`,
        [
          id,
          changes.name ?? null,
          changes.description ?? null,
          changes.configuration === undefined ? null : sealed(changes.configuration),
          changes.status ?? null,
          changes.description !== undefined,
        ],
      );
    },

    async delete(id) {
      if (!isUuid(id)) return false;
      const deleted = await rowsOf(db, idRow, 'DELETE FROM connector_config WHERE id = $1 RETURNING id', [id]);
      return deleted.length > 0;
    },
  };
}
