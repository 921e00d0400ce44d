/**
 * Every warehouse plug-in by destination kind: the compiler reports a kind without a plug-in.
 * Plug-ins load their drivers lazily, so importing this registry stays cheap.
 */
import type { DestinationConfig, DestinationKind } from '../../domain/connector';
import { bigqueryWarehouse } from './bigquery';
import { duckdbWarehouse } from './duckdb';
import { postgresWarehouse } from './postgres';
import { redshiftWarehouse } from './redshift';
import { snowflakeWarehouse } from './snowflake';
import type { DestinationConfigOf, EmbeddedWarehouseDefaults, Warehouse, WarehousePluginRegistry } from './types';

export const warehousePlugins: WarehousePluginRegistry = {
  bigquery: bigqueryWarehouse,
  duckdb: duckdbWarehouse,
  postgres: postgresWarehouse,
  redshift: redshiftWarehouse,
  snowflake: snowflakeWarehouse,
};

/**
 * Opens the connector's destination; `dataDir` holds embedded warehouses whose config names no path,
 * `duckdbMemoryLimit` caps an embedded DuckDB this call opens (the default cap when omitted).
 */
export function connectWarehouse(config: DestinationConfig, dataDir: string, duckdbMemoryLimit?: string): Promise<Warehouse> {
  return connectKind(config.kind, config, { dataDir, duckdbMemoryLimit });
}

// Generic over the kind, so the plug-in looked up and the config handed to it are checked as one kind.
function connectKind<K extends DestinationKind>(
  kind: K,
  config: DestinationConfigOf<K>,
  defaults: EmbeddedWarehouseDefaults,
): Promise<Warehouse> {
  return warehousePlugins[kind].connect(config, defaults);
}
