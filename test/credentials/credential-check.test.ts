/**
 * The daily credential check on the real server, with the real worker composition and the embedded
 * store: Zendesk tokens from day 25 raise a due-soon alert, past day 30 an overdue one; the token
 * itself appears nowhere. Its schedule is created once and kept up to date.
 */
import { ensureCredentialCheckSchedule } from '../../api/schedules';
import { createConnectorSchema } from '../../domain/connector';
import { CREDENTIAL_CHECK_SCHEDULE_ID } from '../../domain/constants';
import { credentialCheck } from '../../workflows';
import { useStack } from '../support/stack';
import { zendeskSourceWithTokenAge } from './zendesk-source';
import { uniqueName } from '../support/temporal';

const DAY_MS = 86_400_000;
const stack = useStack({ name: 'credentials', api: false });

async function zendeskConnector(tokenAgeDays: number): Promise<string> {
  const connector = await stack.store.connectors.create(
    createConnectorSchema.parse({
      userId: 'support-ops',
      name: `Zendesk, token ${tokenAgeDays} days old`,
      configuration: { source: zendeskSourceWithTokenAge('zendesk-token-secret-value', tokenAgeDays) },
    }),
  );
  return connector.id;
}

it('alerts from day 25 and says what to do past day 30, without the token', async () => {
  const [fresh, dueSoon, overdue] = [await zendeskConnector(3), await zendeskConnector(26), await zendeskConnector(31)];
  const result = await stack.client.workflow.execute(credentialCheck, {
    taskQueue: stack.taskQueue,
    workflowId: uniqueName('credential-check'),
  });
  expect(result.dueSoon).toContain(dueSoon);
  expect(result.overdue).toContain(overdue);
  expect([...result.dueSoon, ...result.overdue]).not.toContain(fresh);

  const [soonLog, overdueLog, freshLog] = await Promise.all([dueSoon, overdue, fresh].map((id) => stack.store.audit.list(id)));
  expect(soonLog?.map((entry) => entry.activityType)).toContain('credential.rotation-due-soon');
  const overdueAlert = overdueLog?.find((entry) => entry.activityType === 'credential.rotation-overdue');
  expect(overdueAlert?.details).toMatchObject({ ageDays: 31, action: expect.stringContaining('apiTokenIssuedAt') });
  expect(freshLog?.some((entry) => entry.activityType.startsWith('credential.'))).toBe(false);
  expect(JSON.stringify([soonLog, overdueLog])).not.toContain('zendesk-token-secret-value');
});

it('keeps one daily schedule for the check', async () => {
  const { client, taskQueue } = stack;
  await ensureCredentialCheckSchedule(client, taskQueue);
  await ensureCredentialCheckSchedule(client, taskQueue);
  const schedule = await client.schedule.getHandle(CREDENTIAL_CHECK_SCHEDULE_ID).describe();
  expect(schedule.spec.intervals?.map((interval) => interval.every)).toEqual([DAY_MS]);
  expect(schedule.action).toMatchObject({ workflowType: 'credentialCheck', taskQueue });
  await client.schedule.getHandle(CREDENTIAL_CHECK_SCHEDULE_ID).delete();
});
