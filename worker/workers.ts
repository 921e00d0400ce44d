/**
 * The composition root: concrete stores, staging and plug-ins are built here and nowhere else. One
 * worker polls the workflow queue; one per source polls that source's queue.
 */
import path from 'node:path';
import { NativeConnection, Worker, type WorkflowBundleOption } from '@temporalio/worker';
import { SOURCE_KINDS, type DestinationConfig } from '../domain/connector';
import { WORKFLOW_TASK_QUEUE, sourceTaskQueue } from '../domain/constants';
import { createCycleActivities } from '../activities/cycle-activities';
import { createExtractActivities } from '../activities/extract-activities';
import { createGateActivities } from '../activities/gate-activities';
import { createRevalidateActivities } from '../activities/revalidate-activities';
import { logger } from '../activities/logger';
import { sourcePlugins } from '../activities/sources';
import { Staging } from '../activities/staging/staging';
import type { ControlPlaneStore } from '../activities/store/types';
import { connectWarehouse } from '../activities/warehouses';
import { workerInterceptors } from './interceptors';

export interface WorkerOptions {
  connection: NativeConnection;
  namespace: string;
  store: ControlPlaneStore;
  dataDir: string;
  /** The workflow task queue; source queues are named after it. */
  taskQueue?: string;
  /** A prebuilt bundle (tests build one per suite); workflows are bundled from source otherwise. */
  workflowBundle?: WorkflowBundleOption;
}

export async function createWorkers(options: WorkerOptions): Promise<Worker[]> {
  const { connection, namespace, store, dataDir, taskQueue = WORKFLOW_TASK_QUEUE } = options;
  const staging = new Staging(path.join(dataDir, 'staging'));
  const openDestination = (destination: DestinationConfig) => connectWarehouse(destination, dataDir);
  const workflowCode = options.workflowBundle
    ? { workflowBundle: options.workflowBundle }
    : { workflowsPath: require.resolve('../workflows') };

  const control = await Worker.create({
    connection,
    namespace,
    taskQueue,
    ...workflowCode,
    interceptors: workerInterceptors,
    activities: {
      ...createCycleActivities({ store, staging, logger, connectWarehouse: openDestination }),
      ...createGateActivities({ store, logger, connectWarehouse: openDestination }),
      ...createRevalidateActivities({ store, staging, logger, connectWarehouse: openDestination }),
    },
  });

  const extractors = await Promise.all(
    SOURCE_KINDS.map((source) =>
      Worker.create({
        connection,
        namespace,
        taskQueue: sourceTaskQueue(source, taskQueue),
        interceptors: workerInterceptors,
        activities: createExtractActivities({ store, staging, plugins: sourcePlugins, logger }),
      }),
    ),
  );
  return [control, ...extractors];
}

/** Runs the workers until SIGINT/SIGTERM (the SDK shuts them down gracefully), then resolves. */
export async function runWorkers(workers: Worker[]): Promise<void> {
  await Promise.all(workers.map((worker) => worker.run()));
}
