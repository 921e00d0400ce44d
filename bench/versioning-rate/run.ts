/**
 * `npx tsx bench/versioning-rate/run.ts`: does a source queue's rate limit hold while two builds run
 * during an upgrade (README "Deploy")? Two worker deployment versions poll one activity queue limited
 * to RATE tasks/s, each with a pinned workflow that starts TASKS activities at the same moment; if the
 * server kept one token bucket per version the two would together start twice the rate. Prints the
 * combined rate. A dev server of scripts/temporal.sh, one partition per queue as the project runs it.
 */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { devServerConfig } from '../../test/support/test-server';
import { setCurrentVersion } from '../../worker/deployment';
import { ACTIVITY_QUEUE, go } from './workflows';

const RATE = 2;
const TASKS = 20;
const WORKFLOW_QUEUE = 'versioning-rate-workflows';

export interface ActivityQueueProbe {
  tick(build: string): Promise<void>;
}

const startedAt: number[] = [];
/** The workers' run() promises: teardown waits for them to stop before closing their connection. */
const running: Promise<void>[] = [];

async function startBuild(env: TestWorkflowEnvironment, bundle: WorkflowBundleWithSourceMap, buildId: string): Promise<Worker[]> {
  const version = { deploymentName: 'versioning-rate', buildId };
  const versioning = { workerDeploymentOptions: { version, useWorkerVersioning: true, defaultVersioningBehavior: 'PINNED' } } as const;
  const activities: ActivityQueueProbe = {
    tick: async () => {
      startedAt.push(Date.now());
    },
  };
  const workers = [
    await Worker.create({ connection: env.nativeConnection, taskQueue: WORKFLOW_QUEUE, workflowBundle: bundle, ...versioning }),
    await Worker.create({
      connection: env.nativeConnection,
      taskQueue: ACTIVITY_QUEUE,
      maxTaskQueueActivitiesPerSecond: RATE,
      activities,
      ...versioning,
    }),
  ];
  running.push(...workers.map((worker) => worker.run()));
  await setCurrentVersion({ connection: env.nativeConnection, namespace: 'default', version, retryEveryMs: 200 });
  return workers;
}

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const env = await TestWorkflowEnvironment.createLocal({ server: devServerConfig() });
  const bundle = await bundleWorkflowCode({ workflowsPath: require.resolve('./workflows'), logger: new DefaultLogger('WARN') });
  const workers = await startBuild(env, bundle, 'build-1');
  const before = await env.client.workflow.start('fanOut', {
    taskQueue: WORKFLOW_QUEUE,
    workflowId: 'pinned-to-build-1',
    args: ['build-1', TASKS],
  });
  workers.push(...(await startBuild(env, bundle, 'build-2')));
  const after = await env.client.workflow.start('fanOut', {
    taskQueue: WORKFLOW_QUEUE,
    workflowId: 'started-on-build-2',
    args: ['build-2', TASKS],
  });

  const t0 = Date.now();
  await Promise.all([before.signal(go), after.signal(go)]);
  await Promise.all([before.result(), after.result()]);
  const seconds = (Math.max(...startedAt) - t0) / 1000;
  console.log(
    `${startedAt.length} activities of two builds on one queue limited to ${RATE}/s: the last started after ${seconds.toFixed(1)} s, ` +
      `${(startedAt.length / seconds).toFixed(2)}/s together (one bucket: ≈ ${RATE}/s; one per build: ≈ ${2 * RATE}/s)`,
  );
  for (const worker of workers) worker.shutdown();
  await Promise.all(running);
  await env.teardown();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
