/**
 * Every warehouse plug-in by destination kind: the compiler reports a kind without a plug-in.
 * Plug-ins load their drivers lazily, so importing this registry stays cheap.
 */
import type { DestinationConfig, DestinationKind } from '../../domain/connector';
import { duckdbWarehouse } from './duckdb';
import type { Warehouse, WarehousePlugin } from './types';

export const warehousePlugins: Record<DestinationKind, WarehousePlugin> = {
  duckdb: duckdbWarehouse,
};

/** Opens the connector's destination; `dataDir` holds embedded warehouses whose config names no path. */
export function connectWarehouse(config: DestinationConfig, dataDir: string): Promise<Warehouse> {
  return warehousePlugins[config.kind].connect(config, { dataDir });
}
