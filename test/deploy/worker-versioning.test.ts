/**
 * Worker Versioning as the compose deployment runs it (worker/deployment.ts): a gate that waits
 * while a new build is deployed finishes on the build that started it, and the new build takes the
 * workflows started after it became current. Every worker of the process polls as the version.
 */
import { Worker } from '@temporalio/worker';
import { sourceTaskQueue } from '../../domain/constants';
import { SOURCE_KINDS } from '../../domain/connector';
import { currentBuildId, setCurrentVersion, type DeploymentVersion } from '../../worker/deployment';
import { createWorkers } from '../../worker/workers';
import { eventually } from '../support/eventually';
import { HOOK_TIMEOUT_MS, useFixture } from '../support/fixture';
import { useStore } from '../support/store';
import { useTempDir } from '../support/temp-dir';
import { uniqueName, useTemporal, workflowBundle } from '../support/temporal';
import { decide, pinnedGate } from './fixtures/pinned-gate';

const temporal = useTemporal();

/** Runs a versioned worker of the fixture workflow until the test ends. */
function startGateWorker(taskQueue: string, version: DeploymentVersion, stop: Array<() => Promise<void>>): Promise<Worker> {
  return (async () => {
    const worker = await Worker.create({
      connection: temporal.nativeConnection,
      namespace: temporal.namespace,
      taskQueue,
      workflowBundle: await workflowBundle(require.resolve('./fixtures/pinned-gate')),
      workerDeploymentOptions: { version, useWorkerVersioning: true, defaultVersioningBehavior: 'PINNED' },
    });
    const running = worker.run();
    stop.push(async () => {
      worker.shutdown();
      await running;
    });
    return worker;
  })();
}

describe('worker versioning', () => {
  const stops = useFixture('workers', async (defer) => {
    const stop: Array<() => Promise<void>> = [];
    defer(() => Promise.all(stop.map((each) => each())));
    return stop;
  });

  test('a gate waiting across an upgrade finishes on the build that started it; new workflows start on the new one', async () => {
    const deploymentName = uniqueName('insight-hub');
    const taskQueue = uniqueName('versioned');
    const v1 = { deploymentName, buildId: 'build-1' };
    const v2 = { deploymentName, buildId: 'build-2' };
    const options = { connection: temporal.nativeConnection, namespace: temporal.namespace, retryEveryMs: 200 };

    await startGateWorker(taskQueue, v1, stops());
    await setCurrentVersion({ ...options, version: v1 });
    const waiting = await temporal.client.workflow.start(pinnedGate, { taskQueue, workflowId: uniqueName('gate-before') });
    // The gate has started and waits: its first task ran on build 1.
    await eventually('the gate to wait', async () => ((await waiting.describe()).historyLength >= 4 ? true : undefined));

    await startGateWorker(taskQueue, v2, stops());
    await setCurrentVersion({ ...options, version: v2 });
    expect(await currentBuildId(temporal.nativeConnection, temporal.namespace, deploymentName)).toBe('build-2');
    const after = await temporal.client.workflow.start(pinnedGate, { taskQueue, workflowId: uniqueName('gate-after') });

    await waiting.signal(decide);
    await after.signal(decide);
    expect(await waiting.result()).toEqual({ startedOn: 'build-1', decidedOn: 'build-1' });
    expect(await after.result()).toEqual({ startedOn: 'build-2', decidedOn: 'build-2' });
  });

  describe("the project's workers", () => {
    const store = useStore();
    const dataDir = useTempDir('versioning');

    test(
      "every one of the project's workers polls as the version, so activities follow the workflow's build",
      async () => {
        const version = { deploymentName: uniqueName('insight-hub'), buildId: 'build-1' };
        const taskQueue = uniqueName('versioned-project');
        const workers = await createWorkers({
          connection: temporal.nativeConnection,
          namespace: temporal.namespace,
          store: store.store,
          dataDir: dataDir.path,
          taskQueue,
          workflowBundle: temporal.bundle,
          deploymentVersion: version,
        });
        const running = Promise.all(workers.map((worker) => worker.run()));
        stops().push(async () => {
          for (const worker of workers) worker.shutdown();
          await running;
        });
        await setCurrentVersion({ connection: temporal.nativeConnection, namespace: temporal.namespace, version, retryEveryMs: 200 });

        const queues = async () => {
          const { versionTaskQueues } = await temporal.nativeConnection.workflowService.describeWorkerDeploymentVersion({
            namespace: temporal.namespace,
            deploymentVersion: version,
          });
          // A queue polled for workflow and for activity tasks is listed once per kind.
          return [...new Set((versionTaskQueues ?? []).map((queue) => queue.name ?? ''))].sort();
        };
        const expected = [taskQueue, ...SOURCE_KINDS.map((source) => sourceTaskQueue(source, taskQueue))].sort();
        const polled = await eventually('every queue to poll as the version', async () => {
          const names = await queues();
          return expected.every((name) => names.includes(name)) ? names : undefined;
        });
        expect(polled).toEqual(expected);
      },
      HOOK_TIMEOUT_MS,
    );
  });
});
