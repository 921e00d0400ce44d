/**
 * One realistic path per recorded history of an ingestion cycle or a re-validation, driven as users and schedules drive the product: cycles,
 * decisions and re-validations through the API, scheduled cycles started as their schedules start
 * them; the other workflows' scenarios are in service-scenarios.ts. Each scenario checks that
 * its workflows took the intended path, so a recording never silently holds a different one.
 */
import assert from 'node:assert/strict';
import { temporal } from '@temporalio/proto';
import { z } from 'zod';
import contactSuite from '../../activities/sources/salesforce/suites/contact.json';
import { scheduledCycleWorkflowId } from '../../domain/constants';
import type { CreateConnectorBody } from '../../domain/connector';
import type { CycleReport } from '../../domain/cycle';
import { INGESTION_CYCLE_WORKFLOW } from '../../domain/messages';
import { SIMULATOR_CREDENTIALS, startSalesforceSimulator } from '../../simulators/salesforce/server';
import { eventually } from '../support/eventually';
import { runsOf } from '../support/temporal';
import type { World } from './world';

import {
  approveAndLoad,
  createGatedConnector,
  cycleResult,
  pendingApproval,
  personalValuesOf,
  plainDestination,
  reportsSchema,
  runNow,
  salesforceSource,
  type Recording,
} from './scenario-steps';

/**
 * A manual cycle crosses the row limit and waits for a manager; the schedule fires meanwhile and its
 * cycle starts nothing (planCycle names the other cycle); the manager approves through the API (the
 * Workflow Update) and the waiting cycle loads.
 */
export async function gatedCycles(world: World): Promise<Recording[]> {
  const connectorId = await createGatedConnector(world, 'Salesforce contacts, gated', 'gated');
  const gated = await runNow(world, connectorId);
  const waiting = await pendingApproval(world, connectorId);
  assert.equal(waiting.workflowId, gated);

  const scheduled = `${scheduledCycleWorkflowId(connectorId)}-${new Date().toISOString()}`;
  await world.env.client.workflow.start(INGESTION_CYCLE_WORKFLOW, {
    taskQueue: world.taskQueue,
    workflowId: scheduled,
    args: [{ connectorId, trigger: 'schedule' }],
  });
  const skipped = await cycleResult(world, scheduled);
  assert.equal(skipped.status, 'skipped');
  assert.ok(skipped.detail?.includes(gated), `the skipped cycle names the running one: ${skipped.detail}`);

  await approveAndLoad(world, waiting, 'the first load reads the whole org');
  return [
    { name: 'ingestionCycle-gate-approved', workflowId: gated },
    // Kept apart: the one above was recorded before a gate opened ahead of the approval's record.
    { name: 'ingestionCycle-gate-opens-before-recorded', workflowId: gated },
    { name: 'ingestionCycle-skipped-other-cycle', workflowId: scheduled },
  ];
}

/**
 * A cycle waits for a manager while the workers are replaced, as a deploy replaces them; the
 * manager's approval is then taken by a new worker, which first rebuilds the cycle from its history
 * (no cached state: its task goes to the normal queue, not the old worker's sticky one), and loads.
 */
export async function gateAcrossUpgrade(world: World): Promise<Recording[]> {
  const connectorId = await createGatedConnector(world, 'Salesforce contacts, gated across a deploy', 'gated_deploy');
  const workflowId = await runNow(world, connectorId);
  const waiting = await pendingApproval(world, connectorId);
  assert.equal(waiting.workflowId, workflowId);

  await world.replaceWorkers();
  await approveAndLoad(world, waiting, 'approved after the deploy');

  const history = await world.env.client.workflow.getHandle(workflowId).fetchHistory();
  const queueKinds = (history.events ?? []).flatMap((event) => event.workflowTaskScheduledEventAttributes?.taskQueue?.kind ?? []);
  const { TASK_QUEUE_KIND_STICKY, TASK_QUEUE_KIND_NORMAL } = temporal.api.enums.v1.TaskQueueKind;
  const sticky = queueKinds.indexOf(TASK_QUEUE_KIND_STICKY);
  const fresh = queueKinds.some((kind, at) => sticky >= 0 && at > sticky && kind === TASK_QUEUE_KIND_NORMAL);
  assert.ok(fresh, `a new worker took the waiting cycle from the normal queue: ${JSON.stringify(queueKinds)}`);
  return [{ name: 'ingestionCycle-gate-waited-across-upgrade', workflowId }];
}

/** A connector of the marketing team, created and run once by hand to its end: its id, the cycle's id and report. */
async function manualCycle(
  world: World,
  name: string,
  configuration: CreateConnectorBody['configuration'],
): Promise<{ connectorId: string; workflowId: string; report: CycleReport }> {
  const connectorId = await world.createConnector({ userId: 'marketing-ops', name, configuration });
  const workflowId = await runNow(world, connectorId);
  return { connectorId, workflowId, report: await cycleResult(world, workflowId) };
}

/** A first cycle of two streams, each loaded in parallel, flawed contacts quarantined. */
export async function plainCycle(world: World): Promise<{ recordings: Recording[]; connectorId: string }> {
  const { connectorId, workflowId, report } = await manualCycle(world, 'Salesforce contacts and leads', {
    source: salesforceSource(world, ['contact', 'lead']),
    destination: plainDestination,
    guardrails: { maxInvalidShare: 0.5, schemaChangePolicy: 'allow' },
  });
  assert.equal(report.status, 'completed');
  assert.deepEqual(
    report.streams.map((s) => s.outcome),
    ['loaded', 'loaded'],
  );
  assert.ok((report.streams[0]?.quarantined ?? 0) > 0, 'the contact stream quarantined its flawed rows');
  return {
    recordings: [
      { name: 'ingestionCycle-completed', workflowId },
      // Kept apart: the first history was recorded before pages were read on their account's queue,
      // the second before each stream's describe was asked on that queue too, the third before a
      // read asked for its next page while the batch in hand loaded, the fourth before a load
      // committed its cursor itself, the fifth before a batch was measured with its quality.
      { name: 'ingestionCycle-account-queue', workflowId },
      { name: 'ingestionCycle-describes-on-queue', workflowId },
      { name: 'ingestionCycle-reads-ahead', workflowId },
      { name: 'ingestionCycle-load-commits-cursor', workflowId },
      { name: 'ingestionCycle-measured-with-quality', workflowId },
    ],
    connectorId,
  };
}

/**
 * Events after which the recorder's Temporal server suggests continuing as new (Temporal's default is
 * 4,096): above every other scenario's history, below the long cycle's.
 */
export const SUGGEST_CONTINUE_AS_NEW_AFTER = 300;

/**
 * A backfill of 2,000 contacts, read 100 a page and loaded 100 a batch: its history passes the point
 * where Temporal suggests continuing as new, so its reads stop between batches and the cycle goes on
 * in a new run, from the page it had read ahead, until the whole read is loaded and reported once.
 */
export async function longCycle(world: World): Promise<Recording[]> {
  const org = await startSalesforceSimulator({ contacts: 2_000, pageSize: 100, deletedRate: 0, seed: 29 });
  try {
    const { workflowId, report } = await manualCycle(world, 'Salesforce contacts, a long backfill', {
      source: { ...salesforceSource(world, ['contact']), loginUrl: org.url, batchSize: 100 },
      destination: plainDestination,
      guardrails: { maxInvalidShare: 0.5, schemaChangePolicy: 'allow' },
    });
    assert.equal(report.status, 'completed');
    assert.equal(report.streams[0]?.extracted, 2_000, 'every contact was read once');
    const runs = (await runsOf(world.env.client, workflowId)).map((run) => run.runId);
    assert.ok(runs.length >= 2, `the cycle continued as new (it ran ${runs.length} time)`);
    const protect = personalValuesOf(org);
    return [
      { name: 'ingestionCycle-continues-as-new', workflowId, runId: runs[0], protect },
      { name: 'ingestionCycle-continued', workflowId, runId: runs.at(-1), protect },
      // Kept apart: the two above were recorded before a read went on while its batches were checked and loaded.
      { name: 'ingestionCycle-loads-while-reading', workflowId, runId: runs[0], protect },
    ];
  } finally {
    await org.stop();
  }
}

/**
 * A backfill past the bulk threshold: a first REST page, then a Bulk API job opened and checked until
 * complete, then its CSV chunks. The REST page is held for a batch of 1,000 and goes as a batch of
 * its own at the job's first check, a page without rows.
 */
export async function bulkCycle(world: World): Promise<Recording[]> {
  const org = await startSalesforceSimulator({ contacts: 600, pageSize: 200, deletedRate: 0, seed: 31 });
  try {
    const { workflowId, report } = await manualCycle(world, 'Salesforce contacts through a bulk job', {
      source: { ...salesforceSource(world, ['contact']), loginUrl: org.url, batchSize: 1_000, bulkThreshold: 200 },
      destination: plainDestination,
      guardrails: { maxInvalidShare: 0.5, schemaChangePolicy: 'allow' },
    });
    assert.equal(report.status, 'completed');
    assert.equal(report.streams[0]?.extracted, 600, 'every contact was read once');
    assert.equal(report.streams[0]?.batches, 2, 'the REST page went as a batch of its own, the bulk chunk as another');
    return [{ name: 'ingestionCycle-bulk-job', workflowId, protect: personalValuesOf(org) }];
  } finally {
    await org.stop();
  }
}

/** A password no Salesforce org accepts: the failed cycle's history must not hold it. */
export const STALE_PASSWORD = 'stale-password-of-the-failed-cycle';

/** A cycle whose every stream fails (the org refuses the connector's password): the workflow ends Failed, its report stored. */
export async function failedCycle(world: World): Promise<Recording[]> {
  const { workflowId, report } = await manualCycle(world, 'Salesforce with a changed password', {
    source: {
      ...salesforceSource(world, ['contact', 'lead']),
      auth: { type: 'oauth-password', ...SIMULATOR_CREDENTIALS, password: STALE_PASSWORD },
    },
    destination: plainDestination,
  });
  assert.equal(report.status, 'failed');
  assert.deepEqual(
    report.streams.map((s) => s.outcome),
    ['failed', 'failed'],
  );
  assert.equal((await world.env.client.workflow.getHandle(workflowId).describe()).status.name, 'FAILED');
  assert.ok(await world.store.runs.get(workflowId), 'the failed cycle stored its report');
  return [{ name: 'ingestionCycle-failed', workflowId }];
}

/** A manager drops the email-format rule and asks again: the rows it alone held back are released. */
export async function revalidation(world: World, connectorId: string): Promise<Recording[]> {
  const reports = reportsSchema.parse(
    (await world.call('GET', `/api/v1/data-warehouse-connector/${connectorId}/quality-reports?stream=contact`)).body,
  ).reports;
  const report = reports.find((r) => (r.quarantinedRows ?? 0) > 0);
  assert.ok(report, 'a contact quality report with quarantined rows');
  const suite = {
    name: 'salesforce.contact, any email',
    expectations: contactSuite.expectations.filter((e) => e.type !== 'expect_column_values_to_match_regex'),
  };
  const answer = await world.call('POST', `/api/v1/data-warehouse-connector/${connectorId}/quarantine/revalidate`, {
    qualityReportId: report.id,
    suite,
  });
  assert.equal(answer.status, 200, `revalidate: ${JSON.stringify(answer.body)}`);
  // Applied, with rows released: the path that loads, not the one that finds nothing to do.
  z.object({ outcome: z.literal('applied'), released: z.number().positive() }).parse(answer.body);
  // The API names the run after the suite's hash; visibility finds it by the connector it upserts.
  const query = `WorkflowType = 'revalidateQuarantine' AND ConnectorId = '${connectorId}'`;
  const workflowId = await eventually('the re-validation listed', async () => {
    for await (const run of world.env.client.workflow.list({ query })) return run.workflowId;
    return undefined;
  });
  return [{ name: 'revalidateQuarantine-applied', workflowId }];
}
