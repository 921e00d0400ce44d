/** What the API is built from: made once at start-up and injected, so tests hand in real parts. */
import type { Client } from '@temporalio/client';
import type { Logger } from '../activities/logger';
import type { ControlPlaneStore } from '../activities/store/types';

export interface ApiDeps {
  store: ControlPlaneStore;
  temporal: Client;
  logger?: Logger;
  /**
   * Where cycles are started (manual runs and the schedules' action). WORKFLOW_TASK_QUEUE unless a
   * test points the API at its own worker, so it never takes another suite's workflow tasks.
   */
  workflowTaskQueue?: string;
}

export type ResolvedApiDeps = Required<ApiDeps>;
