/**
 * The drain of a connector's webhook inbox: the names the API (which wakes it) and the workflow
 * share. Workflow-safe.
 */
import { defineSignal } from '@temporalio/workflow';

/** The workflow type name, for the API's signal-with-start. */
export const WEBHOOK_DRAIN_WORKFLOW = 'webhookDrain';

/** One drain per connector: signal-with-start on this id wakes the running one or starts it. */
export const webhookDrainWorkflowId = (connectorId: string): string => `webhook-drain/${connectorId}`;

/** Sent after a delivery is committed to the inbox: there is something to read. */
export const eventsArrivedSignal = defineSignal('webhookEventsArrived');

export interface WebhookDrainInput {
  connectorId: string;
  /** Events arrived that no round has read yet (true when started by a delivery, or carried over a continue-as-new). */
  pending: boolean;
}

/** The workflow's signature, so the API's handle is typed without importing workflow code. */
export type WebhookDrainWorkflow = (input: WebhookDrainInput) => Promise<void>;
