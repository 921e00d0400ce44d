/** Each connector's catalog as its cycle's plan last discovered it, for a source whose fields come from the account. */
import { z } from 'zod';
import { sourceCatalogSchema, type SourceCatalog } from '../../domain/catalog';
import { isUuid, parseInput, uuidSchema } from './inputs';
import { rowsOf } from './query';
import type { SqlExecutor } from './sql-client';

export interface SourceCatalogRepository {
  /** Null before the connector's first discovery. */
  get(connectorId: string): Promise<SourceCatalog | null>;
  /** Replaces the connector's catalog. */
  save(connectorId: string, catalog: SourceCatalog): Promise<void>;
}

const catalogRow = z.object({ catalog: sourceCatalogSchema });

export function sqlSourceCatalogs(db: SqlExecutor): SourceCatalogRepository {
  return {
    async get(connectorId) {
      if (!isUuid(connectorId)) return null;
      const [found] = await rowsOf(db, catalogRow, 'SELECT catalog FROM source_catalog WHERE connector_id = $1', [connectorId]);
      return found?.catalog ?? null;
    },
    async save(connectorId, catalog) {
      const id = parseInput(uuidSchema, connectorId, 'connector id');
      const parsed = parseInput(sourceCatalogSchema, catalog, 'source catalog');
      await db.query(
        `INSERT INTO source_catalog (connector_id, catalog) VALUES ($1, $2::jsonb)
         ON CONFLICT (connector_id) DO UPDATE SET catalog = EXCLUDED.catalog, updated_at = now()`,
        [id, JSON.stringify(parsed)],
      );
    },
  };
}
