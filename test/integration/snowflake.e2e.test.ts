import { SIMULATOR_USER, startSnowflakeSimulator } from '../../simulators/snowflake/server';
import { snowflakeAt } from '../warehouses/simulated';
import { describeEndToEnd } from './end-to-end';

describeEndToEnd('Snowflake (local simulator, real snowflake-sdk)', async () => {
  const simulator = await startSnowflakeSimulator({ users: [SIMULATOR_USER] });
  return {
    // The first cycle's contacts take the PUT + COPY path, later ones bind arrays.
    config: snowflakeAt(simulator, { stageThresholdRows: 1_000 }),
    stop: () => simulator.stop(),
  };
});
