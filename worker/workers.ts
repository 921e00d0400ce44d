/**
 * The composition root: concrete stores, staging and plug-ins are built here and nowhere else. One
 * worker polls the workflow queue; one per source polls that source's queue.
 */
import path from 'node:path';
import { Worker, type NativeConnection, type WorkflowBundleOption } from '@temporalio/worker';
import { SOURCE_KINDS, type DestinationConfig, type SourceKind } from '../domain/connector';
import { WORKFLOW_TASK_QUEUE, sourceTaskQueue } from '../domain/constants';
import { DEFAULT_PUBLIC_URL } from '../domain/notifications';
import { queueRatePerSecond, sourceDefinitions, type RateLimit } from '../domain/sources';
import { createBatchActivities } from '../activities/batch-activities';
import { BatchConnections } from '../activities/chores';
import { createCredentialActivities } from '../activities/credential-activities';
import { createCycleActivities } from '../activities/cycle-activities';
import { createExtractActivities } from '../activities/extract-activities';
import { createGateActivities } from '../activities/gate-activities';
import { createRevalidateActivities } from '../activities/revalidate-activities';
import { createErasureActivities } from '../activities/privacy/erasure-activities';
import { createRetentionActivities } from '../activities/privacy/retention-activities';
import { createModelActivities } from '../activities/models/model-activities';
import { createNotificationActivities } from '../activities/notifications/delivery-activities';
import { createNotifier, type Notifier } from '../activities/notifications/notifier';
import { logger } from '../activities/logger';
import { ColumnHasher } from '../activities/privacy/personal-columns';
import { ephemeralKeyRing, type KeyRing } from '../activities/secrets';
import { payloadDataConverter } from '../activities/secrets/payload-codec';
import { loadingPlainFiles } from '../activities/staging/plain-file-loads';
import { closeSourcePlugins, sourcePlugins } from '../activities/sources';
import type { SourcePlugin } from '../activities/sources/types';
import { openStaging, type StagingLocation } from '../activities/staging/location';
import type { Staging } from '../activities/staging/staging';
import { inboxReader } from '../activities/store/inbox';
import type { Store } from '../activities/store/store';
import { connectWarehouse } from '../activities/warehouses';
import { versioningOptions, type DeploymentVersion } from './deployment';
import { AccountWorkers } from './account-workers';
import { workerInterceptors } from './interceptors';
import type { Settings } from './settings';

export interface WorkerOptions {
  connection: NativeConnection;
  namespace: string;
  store: Store;
  dataDir: string;
  /** The workflow task queue; source queues are named after it. */
  taskQueue?: string;
  /** A prebuilt bundle (INSIGHT_HUB_WORKFLOW_BUNDLE; tests build one per run); workflows are bundled from source otherwise. */
  workflowBundle?: WorkflowBundleOption;
  /**
   * The payload key ring (INSIGHT_HUB_PAYLOAD_KEYS): encrypts Temporal payloads and staged files.
   * Clients of the namespace must use payloadDataConverter over the same ring. Unset: both plain.
   */
  dataKeys?: KeyRing;
  /**
   * The secrets ring (INSIGHT_HUB_SECRET_KEYS) whose active key keys the personal columns connectors
   * hash: workers given the same ring hash a value alike. Unset: a key for the life of the process.
   */
  columnKeys?: KeyRing;
  /**
   * Overrides of the sources' documented rate limits (domain/sources.ts), e.g. for an account with a
   * higher tier. Every worker polling a source's queue must be given the same value.
   */
  rateLimits?: Partial<Record<SourceKind, RateLimit>>;
  /** Where people reach the API and its dashboard: the links notifications carry (Settings.publicUrl). */
  publicUrl?: string;
  /** Every worker of this process polls as this deployment version (worker/deployment.ts); unversioned when unset. */
  deploymentVersion?: DeploymentVersion;
  /** Where batches are staged (STAGING_URL): `<dataDir>/staging` by default; a bucket for workers on several hosts. */
  staging?: StagingLocation;
  /** The embedded DuckDB warehouse's memory_limit (Settings.duckdbMemoryLimit); its default when unset. */
  duckdbMemoryLimit?: string;
}

/**
 * The options a process's workers take from its settings (worker/main.ts, scripts/dev.ts), beside
 * what the process opened: the connection, the store and the key rings.
 */
export function workerOptionsFrom(
  settings: Settings,
  opened: Pick<WorkerOptions, 'connection' | 'store' | 'dataKeys' | 'columnKeys'>,
): WorkerOptions {
  return {
    ...opened,
    namespace: settings.namespace,
    dataDir: settings.dataDir,
    rateLimits: settings.sourceRates,
    staging: settings.staging,
    publicUrl: settings.publicUrl,
    duckdbMemoryLimit: settings.duckdbMemoryLimit,
    ...(settings.workflowBundlePath ? { workflowBundle: { codePath: settings.workflowBundlePath } } : {}),
  };
}

export async function createWorkers(options: WorkerOptions): Promise<Worker[]> {
  const { connection, namespace, store, dataDir, taskQueue = WORKFLOW_TASK_QUEUE } = options;
  const staging = await openWorkerStaging(options);
  // What loads of a worker killed mid-load left (plain-copies.ts): none of this process runs yet.
  await staging.discardStalePlainCopies();
  const openDestination = async (destination: DestinationConfig) =>
    loadingPlainFiles(await connectWarehouse(destination, dataDir, options.duckdbMemoryLimit), staging);
  // A batch's steps (uniqueness check, measure, load) share one connection on this worker, and a load
  // hands it to the destination's next batch: a cycle opens an embedded warehouse file once.
  const batchConnections = new BatchConnections(openDestination, undefined, { acrossBatches: true });
  const dataConverter = options.dataKeys ? payloadDataConverter(options.dataKeys) : undefined;
  const workflowCode = options.workflowBundle
    ? { workflowBundle: options.workflowBundle }
    : { workflowsPath: require.resolve('../workflows') };

  const plugins = pluginsOver(store);
  const notifier = notifierFor(options);
  const control = await Worker.create({
    connection,
    namespace,
    taskQueue,
    ...workflowCode,
    ...versioningOptions(options.deploymentVersion),
    dataConverter,
    interceptors: workerInterceptors,
    activities: {
      ...createCycleActivities({ store, staging, logger, plugins, connectWarehouse: openDestination, batchConnections, notifier }),
      ...createBatchActivities({ staging, store }),
      ...createCredentialActivities({ store, logger, notifier }),
      ...createGateActivities({ store, logger, connectWarehouse: openDestination, batchConnections, notifier }),
      ...createRevalidateActivities({ store, staging, logger, connectWarehouse: openDestination }),
      ...createRetentionActivities({ store, staging, logger, connectWarehouse: openDestination, notifier }),
      ...createErasureActivities({ store, staging, logger, connectWarehouse: openDestination, notifier, columnHasher: hasherFor(options) }),
      ...createNotificationActivities({ store, notifier, logger }),
      ...createModelActivities({ store, logger, connectWarehouse: openDestination }),
    },
  });

  connectionsOf.set(control, batchConnections);
  stagingOf.set(control, staging);

  const extractors = await Promise.all(SOURCE_KINDS.map((source) => createSourceWorker(options, source, staging)));
  accountsOf.set(control, accountWorkers(options, staging));
  return [builtWith(control, plugins), ...extractors];
}

/**
 * The worker of one source's task queue, or of one of its accounts' (`queue`): it reads pages, at the
 * source's rate across all workers. The source's own queue serves cycles recorded before accounts
 * had queues.
 */
export async function createSourceWorker(
  options: WorkerOptions,
  source: SourceKind,
  staging: Staging,
  queue: string = sourceTaskQueue(source, options.taskQueue),
): Promise<Worker> {
  const { connection, namespace, store } = options;
  const plugins = pluginsOver(store);
  const worker = await Worker.create({
    connection,
    namespace,
    taskQueue: queue,
    ...queueRate(options.rateLimits?.[source] ?? sourceDefinitions[source].rateLimit),
    ...versioningOptions(options.deploymentVersion),
    dataConverter: options.dataKeys ? payloadDataConverter(options.dataKeys) : undefined,
    interceptors: workerInterceptors,
    activities: createExtractActivities({
      store,
      staging,
      plugins,
      logger,
      notifier: notifierFor(options),
      columnHasher: hasherFor(options),
    }),
  });
  return builtWith(worker, plugins);
}

/** One hasher per process when no ring is given, so that every source worker of it hashes alike. */
let processColumnHasher: ColumnHasher | undefined;
const hasherFor = (options: WorkerOptions): ColumnHasher =>
  options.columnKeys ? new ColumnHasher(options.columnKeys) : (processColumnHasher ??= new ColumnHasher(ephemeralKeyRing()));

/** Audited events that need a person become notifications, sent by workflows on the workflow queue. */
const notifierFor = (options: WorkerOptions): Notifier =>
  createNotifier({
    store: options.store,
    settings: { publicUrl: options.publicUrl ?? DEFAULT_PUBLIC_URL, taskQueue: options.taskQueue ?? WORKFLOW_TASK_QUEUE },
  });

/** The staging of the options' location, its files sealed with the payload keys. */
export function openWorkerStaging(options: WorkerOptions): Promise<Staging> {
  const localDir = path.join(options.dataDir, 'staging');
  return openStaging(options.staging ?? { kind: 'folder', path: localDir }, { keys: options.dataKeys, localDir });
}

/** The workers of the source accounts' queues, started by runWorkers; `sources` limits them to some sources. */
export function accountWorkers(options: WorkerOptions, staging: Staging, sources?: readonly SourceKind[]): AccountWorkers {
  return new AccountWorkers({
    store: options.store,
    workflowTaskQueue: options.taskQueue ?? WORKFLOW_TASK_QUEUE,
    create: (source, queue) => createSourceWorker(options, source, staging, queue),
    logger,
    ...(sources && { sources }),
  });
}

/** The sources' plug-ins; the SendGrid one pages through the store's webhook inbox. */
const pluginsOver = (store: Store) => sourcePlugins({ inbox: inboxReader(store.inbox) });

/** The plug-ins each worker was built with, for runWorkers to close once its workers have stopped. */
const pluginsOf = new WeakMap<Worker, readonly SourcePlugin[]>();

/** The batch connections the control worker's activities keep, for runWorkers to close once it has stopped. */
const connectionsOf = new WeakMap<Worker, BatchConnections>();

/** The staging the control worker's activities use, for runWorkers to close (an S3 client's sockets). */
const stagingOf = new WeakMap<Worker, Staging>();

/** The account workers the control worker's process runs beside it (account-workers.ts). */
const accountsOf = new WeakMap<Worker, AccountWorkers>();

function builtWith(worker: Worker, plugins: ReturnType<typeof pluginsOver>): Worker {
  pluginsOf.set(worker, Object.values(plugins));
  return worker;
}

/**
 * The server starts page reads on the queue at this rate across every worker: within the API's
 * limit, whatever the number of workers.
 */
function queueRate(limit: RateLimit | null): { maxTaskQueueActivitiesPerSecond?: number } {
  return limit ? { maxTaskQueueActivitiesPerSecond: queueRatePerSecond(limit) } : {};
}

/**
 * Runs the workers, and the account workers beside them, until SIGINT/SIGTERM (the SDK shuts them
 * down gracefully), then closes the batch connections they kept and the plug-ins they were built with
 * (GA4, for one, keeps its API clients open per property).
 */
export async function runWorkers(workers: Worker[]): Promise<void> {
  await Promise.all(workers.map((worker) => runBeside(worker, accountsOf.get(worker))));
  const all = [...workers, ...workers.flatMap((worker) => accountsOf.get(worker)?.workers() ?? [])];
  await Promise.all(all.flatMap((worker) => connectionsOf.get(worker) ?? []).map((connections) => connections.close()));
  await Promise.all(all.flatMap((worker) => stagingOf.get(worker) ?? []).map((staging) => staging.close()));
  await closeSourcePlugins(all.flatMap((worker) => pluginsOf.get(worker) ?? []));
}

/** A worker and the account workers its process runs beside it, which stop when it stops. */
async function runBeside(worker: Worker, accounts: AccountWorkers | undefined): Promise<void> {
  const started = accounts?.start();
  try {
    await worker.run();
  } finally {
    await started;
    await accounts?.stop();
  }
}
