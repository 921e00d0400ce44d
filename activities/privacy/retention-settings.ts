/** The platform's retention policy from INSIGHT_HUB_RETENTION (JSON, domain/privacy.ts retentionSettingsSchema); defaults when unset. */
import { z } from 'zod';
import { retentionSettingsSchema, type RetentionSettings } from '../../domain/privacy';
import { ConnectorError } from '../errors';

export const RETENTION_VARIABLE = 'INSIGHT_HUB_RETENTION';

export function retentionSettingsFrom(env: NodeJS.ProcessEnv = process.env): RetentionSettings {
  const text = env[RETENTION_VARIABLE];
  let json: unknown = {};
  if (text) {
    try {
      json = JSON.parse(text);
    } catch {
      throw new ConnectorError('config', `${RETENTION_VARIABLE} must be JSON, e.g. {"regime":"ccpa","windows":{"staging":"3d"}}`);
    }
  }
  const parsed = retentionSettingsSchema.safeParse(json);
  if (!parsed.success) throw new ConnectorError('config', `${RETENTION_VARIABLE}: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}
