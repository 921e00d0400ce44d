/**
 * The figures ROI is computed with (domain/roi.ts): a connector's own, else the defaults the user
 * set, else the product's defaults. Scope '*' holds the user's defaults.
 */
import { z } from 'zod';
import { DEFAULT_ROI_SETTINGS, roiSettingsSchema, type RoiSettings } from '../../domain/roi';
import { rowsOf } from './query';
import { timestamp } from './rows';
import type { SqlExecutor } from './sql-client';

export interface StoredRoiSettings {
  /** null: the defaults. */
  connectorId: string | null;
  settings: RoiSettings;
  /** null while the product's own defaults are in force. */
  updatedBy: string | null;
  updatedAt: string | null;
}

export interface RoiSettingsRepository {
  /** What is in force for the connector (or the defaults, for null). */
  get(connectorId: string | null): Promise<StoredRoiSettings>;
  /** The settings in force for each connector. */
  inForce(connectorIds: readonly string[]): Promise<Map<string, RoiSettings>>;
  /** Changes the fields given, keeping the rest of what is in force. */
  update(connectorId: string | null, changes: Partial<RoiSettings>, updatedBy: string): Promise<StoredRoiSettings>;
}

const DEFAULTS_SCOPE = '*';

const settingsRow = z.object({ scope: z.string(), settings: roiSettingsSchema, updated_by: z.string(), updated_at: timestamp });

async function storedRows(db: SqlExecutor, scopes: readonly string[]): Promise<Map<string, z.infer<typeof settingsRow>>> {
  const rows = await rowsOf(
    db,
    settingsRow,
    `SELECT scope, settings, updated_by, updated_at FROM roi_settings WHERE scope IN (SELECT jsonb_array_elements_text($1::jsonb))`,
    [JSON.stringify(scopes)],
  );
  return new Map(rows.map((row) => [row.scope, row]));
}

export function sqlRoiSettings(db: SqlExecutor): RoiSettingsRepository {
  const get = async (connectorId: string | null): Promise<StoredRoiSettings> => {
    const stored = await storedRows(db, connectorId === null ? [DEFAULTS_SCOPE] : [connectorId, DEFAULTS_SCOPE]);
    const own = connectorId === null ? undefined : stored.get(connectorId);
    const found = own ?? stored.get(DEFAULTS_SCOPE);
    return {
      connectorId: own ? connectorId : null,
      settings: found?.settings ?? DEFAULT_ROI_SETTINGS,
      updatedBy: found?.updated_by ?? null,
      updatedAt: found?.updated_at ?? null,
    };
  };
  return {
    get,

    async inForce(connectorIds) {
      const stored = await storedRows(db, [...connectorIds, DEFAULTS_SCOPE]);
      const defaults = stored.get(DEFAULTS_SCOPE)?.settings ?? DEFAULT_ROI_SETTINGS;
      return new Map(connectorIds.map((id) => [id, stored.get(id)?.settings ?? defaults]));
    },

    async update(connectorId, changes, updatedBy) {
      const current = await get(connectorId);
      const settings = roiSettingsSchema.parse({ ...current.settings, ...changes });
      await db.query(
        `INSERT INTO roi_settings (scope, settings, updated_by) VALUES ($1, $2::jsonb, $3)
         ON CONFLICT (scope) DO UPDATE SET settings = EXCLUDED.settings, updated_by = EXCLUDED.updated_by, updated_at = now()`,
        [connectorId ?? DEFAULTS_SCOPE, JSON.stringify(settings), updatedBy],
      );
      return get(connectorId);
    },
  };
}
