/**
 * Names that Temporal, the worker, the API and the tests must agree on: task queues, workflow and
 * schedule ids, search attributes, timeouts. Workflow-safe: no Node imports.
 */
import { defineSearchAttributeKey } from '@temporalio/common';
import type { SourceKind } from './connector';

/** Workflows and the activities that touch only our own stores run here. */
export const WORKFLOW_TASK_QUEUE = 'insight-hub';

/**
 * One task queue per external API, so that a rate limit set on the queue holds across every worker
 * that polls it (Temporal enforces maxTaskQueueActivitiesPerSecond server-side). Named after the
 * workflow queue, so that two deployments (or two test suites) on one namespace never share one.
 */
export const sourceTaskQueue = (source: SourceKind, workflowTaskQueue: string = WORKFLOW_TASK_QUEUE): string =>
  `${workflowTaskQueue}/source-${source}`;

export const scheduleId = (connectorId: string): string => `connector/${connectorId}`;

/** The daily check of credentials that must be rotated on a clock (Zendesk API tokens). */
export const CREDENTIAL_CHECK_WORKFLOW = 'credentialCheck';
export const CREDENTIAL_CHECK_SCHEDULE_ID = 'credential-check';

/** Scheduled runs get the schedule's own timestamp suffix appended by Temporal. */
export const scheduledCycleWorkflowId = (connectorId: string): string => `cycle/${connectorId}/scheduled`;
export const manualCycleWorkflowId = (connectorId: string, requestedAt: Date): string =>
  `cycle/${connectorId}/manual-${requestedAt.toISOString()}`;

/** One re-validation per batch and suite: a repeated request joins the same run. */
export const revalidationWorkflowId = (connectorId: string, qualityReportId: string, suiteHash: string): string =>
  `revalidate/${connectorId}/${qualityReportId}/${suiteHash}`;

/**
 * How long an activity may go without a heartbeat before Temporal retries it elsewhere: what a
 * killed worker costs its in-flight activities. Every activity heartbeats while it runs (the
 * worker's heartbeat interceptor), so a live one never reaches it; their start-to-close timeouts
 * stay as long as the work itself may take.
 */
export const ACTIVITY_HEARTBEAT_TIMEOUT = '30s';

/** Deterministic per batch, so a retried or replayed load finds its own ledger row. */
export const loadIdFor = (connectorId: string, stream: string, batchSha256: string): string => `${connectorId}/${stream}/${batchSha256}`;

export const searchAttributes = {
  connectorId: defineSearchAttributeKey('ConnectorId', 'KEYWORD'),
  /** The connector's name as its owner typed it, so the Web UI lists cycles by something a person reads. */
  connectorName: defineSearchAttributeKey('ConnectorName', 'KEYWORD'),
  source: defineSearchAttributeKey('Source', 'KEYWORD'),
  destination: defineSearchAttributeKey('Destination', 'KEYWORD'),
  cycleStatus: defineSearchAttributeKey('CycleStatus', 'KEYWORD'),
} as const;

/** `--search-attribute` flags for `temporal server start-dev`, and the test server's config. */
export const searchAttributeDeclarations: Record<string, 'Keyword'> = Object.fromEntries(
  Object.values(searchAttributes).map((key) => [key.name, 'Keyword' as const]),
);
