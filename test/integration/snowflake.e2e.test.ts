import { SIMULATOR_USER, startSnowflakeSimulator } from '../../simulators/snowflake/server';
import { describeEndToEnd } from './end-to-end';

describeEndToEnd('Snowflake (local simulator, real snowflake-sdk)', async () => {
  const simulator = await startSnowflakeSimulator({ users: [SIMULATOR_USER] });
  return {
    config: {
      kind: 'snowflake',
      account: simulator.account,
      accessUrl: simulator.url,
      username: SIMULATOR_USER.name,
      auth: { type: 'password', password: SIMULATOR_USER.password },
      warehouse: 'LOAD_WH',
      database: 'INSIGHT_HUB',
      schema: 'marketing',
      stageThresholdRows: 1_000, // the first cycle's contacts take the PUT + COPY path, later ones bind arrays
    },
    stop: () => simulator.stop(),
  };
});
