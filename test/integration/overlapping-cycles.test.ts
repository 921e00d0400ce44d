/**
 * The interleaving that once corrupted a warehouse for good: a manual cycle waits for a manager while
 * the schedule starts another cycle of the same connector, and the contact changes and is deleted in
 * between. One cycle per connector runs at a time, so the second ends skipped (naming the first), "run
 * now" is refused with 409, and after the approval the warehouse ends with the newest version of every
 * row, the deleted one gone, and the cursor at the newest position.
 */
import { z } from 'zod';
import type { IngestionCycleWorkflow } from '../../api/cycle-workflow';
import type { DestinationConfig } from '../../domain/connector';
import { INGESTION_CYCLE_WORKFLOW } from '../../domain/messages';
import { simulatedSalesforceSource } from '../../simulators/salesforce/source';
import { eventually } from '../support/eventually';
import { useStack } from '../support/stack';
import { scheduledConnector } from './scheduled-connector';

const CONTACTS = 150;
const destination: DestinationConfig = { kind: 'duckdb', schema: 'marketing' };

const stack = useStack({ name: 'overlap', destination, salesforce: { contacts: CONTACTS, deletedRate: 0, seed: 11 } });
const { call, warehouseRows, finished } = stack;

const pendingApprovals = async (connectorId: string) =>
  z
    .object({ approvals: z.array(z.object({ approvalId: z.string(), workflowId: z.string() })) })
    .parse((await call('GET', `/api/v1/approvals?connectorId=${connectorId}&status=pending`)).body).approvals;

test('a second cycle while one waits for approval is skipped, "run now" is refused, and the warehouse ends with the newest rows', async () => {
  const connectorId = await stack.createConnector(
    scheduledConnector('Salesforce contacts, gated', {
      source: simulatedSalesforceSource(stack.salesforce.url),
      destination,
      // The first cycle reads every contact and so waits for a manager; later ones read a few rows and load.
      guardrails: { maxRowsPerCycle: 50, maxInvalidShare: 0.9, schemaChangePolicy: 'allow' },
      automationLevel: 'approve-on-breach',
    }),
  );

  const first = await stack.startCycle(connectorId);
  const [waiting] = await eventually('the first cycle waiting for a manager', async () => {
    const pending = await pendingApprovals(connectorId);
    return pending.length > 0 ? pending : undefined;
  });
  expect(waiting?.workflowId).toBe(first);

  // While it waits, a contact it read changes and another is deleted in Salesforce.
  const truth = stack.salesforce.groundTruth('Contact').filter((t) => t.flaws.length === 0);
  const [changed, deleted] = truth.map((t) => t.id);
  if (!changed || !deleted) throw new Error('the simulated org has too few valid contacts');
  stack.salesforce.updateRecord('Contact', changed, { LastName: 'Newer-Version' });
  stack.salesforce.deleteRecord('Contact', deleted);

  // The schedule fires (started as the schedule starts it, past the API): it must not run beside the first.
  const scheduled = `cycle/${connectorId}/scheduled-${new Date().toISOString()}`;
  await stack.client.workflow.start<IngestionCycleWorkflow>(INGESTION_CYCLE_WORKFLOW, {
    taskQueue: stack.taskQueue,
    workflowId: scheduled,
    args: [{ connectorId, trigger: 'schedule' }],
  });
  const skipped = await finished(scheduled);
  expect(skipped).toMatchObject({ status: 'skipped', streams: [] });
  expect(skipped.detail).toContain(first);
  expect(await pendingApprovals(connectorId)).toHaveLength(1);

  const refused = await call('POST', `/api/v1/data-warehouse-connector/${connectorId}/runs`, {});
  expect(refused).toMatchObject({ status: 409, body: { message: expect.stringContaining(first) } });

  const decided = await call('POST', `/api/v1/approvals/${encodeURIComponent(waiting?.approvalId ?? '')}/decision`, {
    decision: 'approve',
    reason: 'the whole org on the first run is expected',
  });
  expect(decided.status).toBe(200);
  expect((await finished(first)).status).toBe('completed');

  // The next cycle reads what changed after the first one's read and loads it without waiting.
  const report = await finished(await stack.startCycle(connectorId));
  expect(report.status).toBe('completed');
  expect(report.streams[0]).toMatchObject({ stream: 'contact', loaded: 1, deleted: 1 });

  expect(await warehouseRows(`select last_name from marketing.salesforce_contact where id = '${changed}'`)).toEqual([
    { last_name: 'Newer-Version' },
  ]);
  expect(await warehouseRows(`select id from marketing.salesforce_contact where id = '${deleted}'`)).toEqual([]);
  const newest = stack.salesforce
    .records('Contact')
    .reduce((max, r) => (String(r.SystemModstamp) > max ? String(r.SystemModstamp) : max), '');
  expect(new Date((await stack.store.cursors.get(connectorId)).contact?.value ?? 0).getTime()).toBe(new Date(newest).getTime());
  expect(await stack.store.cycleClaims.holder(connectorId)).toBeNull();
}, 180_000);
