/**
 * The re-validation workflow on a real Temporal server with its activities mocked: order of the
 * steps, what reaches the audit, a bad suite failing fast, a failed load retried with the same plan.
 */
import { randomUUID } from 'node:crypto';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { Worker } from '@temporalio/worker';
import type { createRevalidateActivities, RevalidationLoad, RevalidationPlan } from '../../activities/revalidate-activities';
import { toApplicationFailure } from '../../activities/errors';
import { parseSuite } from '../../activities/quality/suite';
import type { QuarantineRevalidation, RevalidateQuarantineInput } from '../../domain/messages';
import { revalidateQuarantine } from '../../workflows';
import { uniqueName, useTemporal } from '../support/temporal';
import { batch } from './harness';

type RevalidateActivities = ReturnType<typeof createRevalidateActivities>;

const temporal = useTemporal();

const suite = {
  name: 'contact without email format',
  expectations: [{ type: 'expect_column_values_to_not_be_null', kwargs: { column: 'id' } }],
};

function planFor(
  input: Pick<RevalidateQuarantineInput, 'connectorId' | 'qualityReportId'>,
  load: RevalidationLoad | null,
): RevalidationPlan {
  return {
    userId: 'marketing-ops',
    source: 'salesforce',
    result: {
      ...input,
      stream: 'contact',
      suiteName: suite.name,
      suiteHash: 'f'.repeat(16),
      outcome: load ? 'applied' : 'already-applied',
      evaluated: 30,
      released: 12,
      stillQuarantined: 18,
      failuresByRule: { 'in_set(is_active)': 18 },
      loadId: load?.loadId ?? `${input.connectorId}/contact/x/revalidated/ffff`,
    },
    load,
  };
}

interface Recorded {
  steps: string[];
  applied: RevalidationLoad[];
  audited: Parameters<RevalidateActivities['recordQuarantineRevalidation']>[0][];
}

async function run(activities: (recorded: Recorded) => RevalidateActivities, input: RevalidateQuarantineInput) {
  const recorded: Recorded = { steps: [], applied: [], audited: [] };
  const taskQueue = uniqueName('revalidate');
  const worker = await Worker.create({
    connection: temporal.nativeConnection,
    namespace: temporal.namespace,
    taskQueue,
    workflowBundle: temporal.bundle,
    activities: activities(recorded),
  });
  const workflowId = uniqueName('revalidate');
  const outcome = await worker.runUntil(
    temporal.client.workflow.execute(revalidateQuarantine, { taskQueue, workflowId, args: [input] }).then(
      (result: QuarantineRevalidation) => ({ result, error: null }),
      (error: unknown) => ({ result: null, error }),
    ),
  );
  return { ...outcome, recorded, workflowId };
}

const request = (): RevalidateQuarantineInput => ({
  connectorId: randomUUID(),
  qualityReportId: randomUUID(),
  suite,
  requestedBy: 'campaign-manager-7',
});

const revalidationLoad = (connectorId: string): RevalidationLoad => ({
  loadId: `${connectorId}/contact/${'a'.repeat(64)}/revalidated/${'f'.repeat(16)}/${'0'.repeat(16)}`,
  supersededLoadIds: [`${connectorId}/contact/${'a'.repeat(64)}`],
  clean: batch('contact', 1, 12),
  quarantine: batch('contact', 2, 18),
});

/** Mocks that plan `load`, and fail the first `failedApplies` attempts to apply it. */
const mocks =
  (input: RevalidateQuarantineInput, load: RevalidationLoad | null, failedApplies = 0) =>
  (recorded: Recorded): RevalidateActivities => ({
    planQuarantineRevalidation: async (planInput) => {
      recorded.steps.push('plan');
      // As the real activity: the suite is checked first, and its error crosses as the taxonomy says.
      try {
        parseSuite(planInput.suite);
      } catch (error) {
        throw toApplicationFailure(error);
      }
      return planFor(input, load);
    },
    applyQuarantineRevalidation: async (applyInput) => {
      recorded.steps.push('apply');
      recorded.applied.push(applyInput.load);
      if (recorded.applied.length <= failedApplies) throw new Error('warehouse connection reset');
      return { merged: applyInput.load.clean?.rows ?? 0 };
    },
    recordQuarantineRevalidation: async (audit) => {
      recorded.steps.push('record');
      recorded.audited.push(audit);
    },
  });

test('judges, loads the verdicts, then audits who asked and what it did', async () => {
  const input = request();
  const load = revalidationLoad(input.connectorId);
  const { result, error, recorded, workflowId } = await run(mocks(input, load), input);

  expect(error).toBeNull();
  expect(recorded.steps).toEqual(['plan', 'apply', 'record']);
  expect(recorded.applied).toEqual([load]);
  expect(result).toMatchObject({ outcome: 'applied', released: 12, stillQuarantined: 18, merged: 12, loadId: load.loadId });
  expect(recorded.audited).toEqual([{ result, userId: 'marketing-ops', requestedBy: 'campaign-manager-7', workflowId }]);
});

test('verdicts the quarantine already holds load nothing, and the request is still audited', async () => {
  const input = request();
  const { result, recorded } = await run(mocks(input, null), input);

  expect(recorded.steps).toEqual(['plan', 'record']);
  expect(result).toMatchObject({ outcome: 'already-applied', merged: 0 });
  expect(recorded.audited[0]?.result).toEqual(result);
});

test('a bad suite fails the request at once, naming the field, and touches nothing', async () => {
  const input = {
    ...request(),
    suite: { name: 'broken', expectations: [{ type: 'expect_column_values_to_match_regex', kwargs: { column: 'email', regex: '(' } }] },
  };
  const { error, recorded } = await run(mocks(input, revalidationLoad(input.connectorId)), input);

  expect(error).toBeInstanceOf(WorkflowFailedError);
  const failure = error instanceof WorkflowFailedError ? error.cause?.cause : undefined;
  expect(failure).toBeInstanceOf(ApplicationFailure);
  expect(failure).toMatchObject({
    type: 'config-error',
    nonRetryable: true,
    message: expect.stringMatching(/expectations\[0\]\.kwargs\.regex: must be a valid regular expression/),
  });
  expect(recorded.steps).toEqual(['plan']);
});

test('a load that fails is retried with the same plan, so the ledger sees one loadId', async () => {
  const input = request();
  const load = revalidationLoad(input.connectorId);
  const { result, recorded } = await run(mocks(input, load, 1), input);

  expect(recorded.steps).toEqual(['plan', 'apply', 'apply', 'record']);
  expect(recorded.applied).toEqual([load, load]);
  expect(result).toMatchObject({ outcome: 'applied', merged: 12 });
});
