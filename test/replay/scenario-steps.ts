/** The steps the replay scenarios share: a run started through the API, a gated connector, a manager's approval. */
import assert from 'node:assert/strict';
import { z } from 'zod';
import type { CreateConnectorBody, DestinationConfig } from '../../domain/connector';
import type { CycleReport } from '../../domain/cycle';
import { cycleReportOf } from '../../domain/cycle-failure';
import { salesforceStreams } from '../../activities/sources/salesforce/definition';
import { isSimObject } from '../../simulators/salesforce/schema';
import { SIMULATOR_CREDENTIALS, type SalesforceSimulator } from '../../simulators/salesforce/server';
import { eventually } from '../support/eventually';
import type { World } from './world';

/** A workflow run to record, under `<workflowType>-<case>`. */
export interface Recording {
  name: string;
  workflowId: string;
  /** One run of a workflow that continued as new; absent: its last run. */
  runId?: string;
  /** Values of the scenario's own (its own org's personal fields) that the history must not hold either. */
  protect?: unknown[];
}

/** The values of a simulated org's personal fields: no history may hold them. */
export function personalValuesOf(org: SalesforceSimulator): unknown[] {
  return Object.values(salesforceStreams).flatMap((stream) => {
    if (!isSimObject(stream.sobject)) return [];
    const fields = stream.columns.filter((column) => column.personal).map((column) => column.sourceField ?? column.name);
    return org.records(stream.sobject).flatMap((record) => fields.map((field) => record[field]));
  });
}

export const startedSchema = z.object({ workflowId: z.string() });
const approvalsSchema = z.object({ approvals: z.array(z.object({ approvalId: z.string(), workflowId: z.string() })) });
export const reportsSchema = z.object({ reports: z.array(z.object({ id: z.string(), quarantinedRows: z.number().nullable() })) });

export const salesforceSource = (world: World, streams: ('contact' | 'lead')[]) =>
  ({
    kind: 'salesforce',
    loginUrl: world.salesforce.url,
    auth: { type: 'oauth-password', ...SIMULATOR_CREDENTIALS },
    streams,
    batchSize: 1_000,
  }) as const;

export async function cycleResult(world: World, workflowId: string): Promise<CycleReport> {
  return cycleReportOf(world.env.client.workflow.getHandle(workflowId).result());
}

export async function runNow(world: World, connectorId: string): Promise<string> {
  const started = await world.call('POST', `/api/v1/data-warehouse-connector/${connectorId}/runs`, {});
  assert.equal(started.status, 202, `run now: ${JSON.stringify(started.body)}`);
  return startedSchema.parse(started.body).workflowId;
}

/** A Salesforce connector whose first cycle crosses the row limit and waits for a manager. */
export function createGatedConnector(world: World, name: string, schema: string): Promise<string> {
  return world.createConnector({
    userId: 'marketing-ops',
    name,
    configuration: {
      source: salesforceSource(world, ['contact']),
      destination: { kind: 'duckdb', schema },
      guardrails: { maxRowsPerCycle: 10, maxInvalidShare: 0.9, schemaChangePolicy: 'allow' },
      automationLevel: 'approve-on-breach',
    },
  } satisfies CreateConnectorBody);
}

/** The approval the connector's cycle waits for, once it waits. */
export async function pendingApproval(world: World, connectorId: string): Promise<{ approvalId: string; workflowId: string }> {
  const [waiting] = await eventually(
    'the cycle waiting for a manager',
    async () => {
      const pending = approvalsSchema.parse(
        (await world.call('GET', `/api/v1/approvals?connectorId=${connectorId}&status=pending`)).body,
      ).approvals;
      return pending.length > 0 ? pending : undefined;
    },
    { timeoutMs: 60_000 },
  );
  assert.ok(waiting);
  return waiting;
}

/** A manager approves through the API (the Workflow Update); the cycle loads. */
export async function approveAndLoad(world: World, approval: { approvalId: string; workflowId: string }, reason: string): Promise<void> {
  const decided = await world.call('POST', `/api/v1/approvals/${encodeURIComponent(approval.approvalId)}/decision`, {
    decision: 'approve',
    reason,
  });
  assert.equal(decided.status, 200, `decision: ${JSON.stringify(decided.body)}`);
  const approved = await cycleResult(world, approval.workflowId);
  assert.equal(approved.status, 'completed');
  assert.ok((approved.streams[0]?.loaded ?? 0) > 0, 'the approved cycle loaded rows');
}

/** Where the plain cycle loads, which the erasure then finds the subject in. */
export const plainDestination: DestinationConfig = { kind: 'duckdb', schema: 'marketing' };
