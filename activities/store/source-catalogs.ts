/** Each connector's catalog as its cycle's plan last discovered it, for a source whose fields come from the account. */
import { z } from 'zod';
import { catalogStreamSchema, sourceCatalogSchema, type CatalogStream, type SourceCatalog } from '../../domain/catalog';
import { isUuid, parseInput, uuidSchema } from './inputs';
import { rowsOf } from './query';
import type { SqlExecutor } from './sql-client';

export interface SourceCatalogRepository {
  /** Null before the connector's first discovery. */
  get(connectorId: string): Promise<SourceCatalog | null>;
  /** Replaces the connector's catalog. */
  save(connectorId: string, catalog: SourceCatalog): Promise<void>;
  /**
   * Puts one stream's entry in the connector's catalog, in place of the one of that name: the
   * streams of a cycle store theirs at the same time, and none loses another's.
   */
  saveStream(connectorId: string, source: string, entry: CatalogStream, discoveredAt: string): Promise<void>;
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
    async saveStream(connectorId, source, entry, discoveredAt) {
      const id = parseInput(uuidSchema, connectorId, 'connector id');
      const parsed = parseInput(catalogStreamSchema, entry, 'catalog stream');
      const catalog = parseInput(sourceCatalogSchema, { source, discoveredAt, streams: [parsed] }, 'source catalog');
      // The row's lock orders concurrent upserts, and each merges into the version the one before it left.
      await db.query(
        `INSERT INTO source_catalog (connector_id, catalog) VALUES ($1, $2::jsonb)
         ON CONFLICT (connector_id) DO UPDATE SET
           catalog = jsonb_build_object(
             'source', EXCLUDED.catalog->'source',
             'discoveredAt', EXCLUDED.catalog->'discoveredAt',
             'streams', COALESCE(
               (SELECT jsonb_agg(kept.entry ORDER BY kept.position)
                  FROM jsonb_array_elements(source_catalog.catalog->'streams') WITH ORDINALITY AS kept(entry, position)
                 WHERE kept.entry->>'name' <> $3),
               '[]'::jsonb) || (EXCLUDED.catalog->'streams')),
           updated_at = now()`,
        [id, JSON.stringify(catalog), parsed.name],
      );
    },
  };
}
