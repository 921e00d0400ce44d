/** A destination config pointing at a local warehouse simulator, as the tests connect to them. */
import type { DestinationConfigOf } from '../../activities/warehouses/types';
import type { RedshiftSimulator } from '../../simulators/redshift/server';
import { SIMULATOR_USER, type SnowflakeSimulator } from '../../simulators/snowflake/server';

export function snowflakeAt(
  simulator: Pick<SnowflakeSimulator, 'account' | 'url'>,
  changes: Partial<DestinationConfigOf<'snowflake'>> & Pick<DestinationConfigOf<'snowflake'>, 'stageThresholdRows'>,
): DestinationConfigOf<'snowflake'> {
  return {
    kind: 'snowflake',
    account: simulator.account,
    accessUrl: simulator.url,
    username: SIMULATOR_USER.name,
    auth: { type: 'password', password: SIMULATOR_USER.password },
    warehouse: 'LOAD_WH',
    database: 'INSIGHT_HUB',
    schema: 'marketing',
    ...changes,
  };
}

export function redshiftAt(
  simulator: Pick<RedshiftSimulator, 'database' | 'url'>,
  accessKeyId: string,
  changes: Partial<DestinationConfigOf<'redshift'>> = {},
): DestinationConfigOf<'redshift'> {
  return {
    kind: 'redshift',
    region: 'us-east-1',
    database: simulator.database,
    schema: 'marketing',
    workgroupName: 'insight-hub',
    endpoint: simulator.url,
    credentials: { accessKeyId, secretAccessKey: 'simulated-secret' },
    ...changes,
  };
}
