/**
 * A deployed worker has long loaded its workflow bundle; a fresh one spends about 2 s on its first
 * workflow task. A webhook test wakes the connector's drain once with an empty inbox first, so what
 * it measures is the product's latency, not the test worker's cold start.
 */
import type { Client } from '@temporalio/client';
import {
  eventsArrivedSignal,
  WEBHOOK_DRAIN_WORKFLOW,
  webhookDrainWorkflowId,
  type WebhookDrainInput,
  type WebhookDrainWorkflow,
} from '../../domain/webhook-drain';
import { eventually } from '../support/eventually';

export async function warmUpDrain(client: Client, connectorId: string, taskQueue: string): Promise<void> {
  const input: WebhookDrainInput = { connectorId, pending: false };
  const handle = await client.workflow.signalWithStart<WebhookDrainWorkflow, []>(WEBHOOK_DRAIN_WORKFLOW, {
    workflowId: webhookDrainWorkflowId(connectorId),
    taskQueue,
    args: [input],
    signal: eventsArrivedSignal,
    signalArgs: [],
  });
  await eventually(
    'the idle drain took its first task',
    async () => ((await handle.fetchHistory()).events?.some((e) => e.workflowTaskCompletedEventAttributes) ? true : undefined),
    { timeoutMs: 30_000 },
  );
}

/** The drain runs until it is ended: at teardown, while the client and the workers still run. */
export const endDrain = (client: Client, connectorId: string): Promise<unknown> =>
  client.workflow
    .getHandle(webhookDrainWorkflowId(connectorId))
    .terminate('test over')
    .catch(() => undefined);
