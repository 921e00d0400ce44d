/**
 * Worker Versioning (Temporal worker deployments): every worker of one build polls as one deployment
 * version, and each workflow is pinned to the version that started it. A cycle in flight or a gate
 * waiting a day for a manager finishes on the code that started it, whatever was deployed since;
 * new workflows start on the deployment's current version, which a new build makes itself once its
 * workers poll. Off (unversioned workers) when no build id is configured: the demo and the tests.
 */
import { isGrpcServiceError } from '@temporalio/client';
import type { NativeConnection, WorkerDeploymentOptions } from '@temporalio/worker';

export interface DeploymentVersion {
  deploymentName: string;
  buildId: string;
}

/** What Worker.create is given: versioned, pinned by default, when there is a version. */
export function versioningOptions(version: DeploymentVersion | undefined): { workerDeploymentOptions?: WorkerDeploymentOptions } {
  if (!version) return {};
  return { workerDeploymentOptions: { version, useWorkerVersioning: true, defaultVersioningBehavior: 'PINNED' } };
}

export interface SetCurrentOptions {
  connection: NativeConnection;
  namespace: string;
  version: DeploymentVersion;
  /** How long the server may take to see this version's pollers on every queue. */
  timeoutMs?: number;
  retryEveryMs?: number;
}

/**
 * The server refuses a version it has not seen poll yet (not found) or one missing a queue that the
 * current version polls (failed precondition): both pass once this build's workers have polled.
 */
const GRPC_NOT_FOUND = 5;
const GRPC_FAILED_PRECONDITION = 9;
const NOT_YET = new Set<number>([GRPC_NOT_FOUND, GRPC_FAILED_PRECONDITION]);

/** Makes the version the deployment's current one, once its workers poll; a no-op when it already is. */
export async function setCurrentVersion({ connection, namespace, version, timeoutMs = 120_000, retryEveryMs = 1000 }: SetCurrentOptions) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await currentBuildId(connection, namespace, version.deploymentName)) === version.buildId) return;
      await connection.workflowService.setWorkerDeploymentCurrentVersion({
        namespace,
        deploymentName: version.deploymentName,
        buildId: version.buildId,
        identity: `insight-hub worker ${version.buildId}`,
      });
      return;
    } catch (error) {
      const notYet = isGrpcServiceError(error) && NOT_YET.has(error.code);
      if (!notYet || Date.now() > deadline) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new Error(`could not make ${version.deploymentName}/${version.buildId} the current version: ${reason}`, { cause: error });
      }
      await new Promise((resolve) => setTimeout(resolve, retryEveryMs));
    }
  }
}

/** The build new workflows of the deployment start on; undefined before any is current or the deployment exists. */
export async function currentBuildId(connection: NativeConnection, namespace: string, deploymentName: string): Promise<string | undefined> {
  try {
    const { workerDeploymentInfo } = await connection.workflowService.describeWorkerDeployment({ namespace, deploymentName });
    return workerDeploymentInfo?.routingConfig?.currentDeploymentVersion?.buildId ?? undefined;
  } catch (error) {
    if (isGrpcServiceError(error) && error.code === GRPC_NOT_FOUND) return undefined;
    throw error;
  }
}
