/**
 * The parts of a connected Redshift destination. Loaded on first connect (see index.ts), so the AWS
 * SDK, which the Data API client and S3 staging import, costs nothing until a Redshift is used.
 */
import type { WarehouseParts } from '../base';
import { deleteMatching, findHeldValues } from '../matching-rows';
import { qualifiedName } from '../sql';
import { openConnection, type RedshiftDestination, type RedshiftOptions } from './connection';
import { materialise, redshiftDialect } from './derived';
import { loadBatch } from './load';
import { matchingRows } from './matching-rows';
import { describeSchemaChanges, ensureTables } from './tables';
import { plainRows, readOnlyStatement } from './values';

export function openRedshift(config: RedshiftDestination, options: RedshiftOptions): WarehouseParts {
  const connection = openConnection(config, options);
  const { api, schema } = connection;
  return {
    tableName: (table) => qualifiedName(schema, table),
    ensureTable: (stream) => ensureTables(api, schema, stream),
    describeSchemaChanges: (stream) => describeSchemaChanges(api, schema, stream),
    load: (batch) => loadBatch(connection, batch),
    deleteRows: (stream, predicate, table) => deleteMatching(matchingRows(api, schema, stream, table), predicate),
    findHeldValues: (stream, lookups, table) => findHeldValues(matchingRows(api, schema, stream, table), stream, lookups),
    query: async (sql, params) => {
      const statement = readOnlyStatement(sql, params);
      return plainRows(await api.select(statement.sql, statement.parameters));
    },
    derived: { dialect: redshiftDialect(schema), materialise: (tables) => materialise(api, schema, tables) },
    release: async () => connection.close(),
  };
}
