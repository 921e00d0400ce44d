/**
 * The migration step for rows written before credentials were encrypted: their plain credentials
 * are sealed at open. Idempotent (sealing leaves sealed values as they are), and a row changed by
 * someone else meanwhile is left to them: the UPDATE only applies to the configuration it read.
 */
import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import { logger } from '../logger';
import { sealConfiguration, type KeyRing } from '../secrets';
import { rowsOf } from './query';
import type { SqlClient } from './sql-client';

const storedConfiguration = z.object({ id: z.string(), configuration: z.unknown() });

export async function sealPlainCredentials(db: SqlClient, keys: KeyRing): Promise<void> {
  const rows = await rowsOf(db, storedConfiguration, 'SELECT id, configuration FROM connector_config');
  let sealedRows = 0;
  for (const row of rows) {
    const sealed = sealConfiguration(keys, row.configuration);
    if (isDeepStrictEqual(sealed, row.configuration)) continue;
    const updated = await db.query(
      'UPDATE connector_config SET configuration = $2::jsonb WHERE id = $1 AND configuration = $3::jsonb RETURNING id',
      [row.id, JSON.stringify(sealed), JSON.stringify(row.configuration)],
    );
    sealedRows += updated.length;
  }
  if (sealedRows > 0)
    logger.info({ connectors: sealedRows, keyId: keys.activeKeyId }, 'encrypted the plain credentials of stored connectors');
}
