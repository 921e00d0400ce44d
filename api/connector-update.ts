/** A stored connector changed with its Temporal Schedule following, so the two never disagree. */
import type { Connector, UpdateConnector } from '../domain/connector';
import type { ResolvedApiDeps } from './deps';
import { notFound } from './errors';
import { updateConnectorSchedule } from './schedules';
import { callTemporal } from './temporal-calls';

export interface ScheduledChange {
  patch: UpdateConnector;
  /** What puts the connector back as it was, should its schedule not follow. */
  undo: UpdateConnector;
  /** What the caller is told when Temporal cannot be reached: "the connector was not changed". */
  refusal: string;
}

/** `patch` stored, then the schedule updated from what the store now holds; when that fails, `undo` is stored back. */
export async function updateConnectorAndSchedule(
  { store, temporal, workflowTaskQueue }: Pick<ResolvedApiDeps, 'store' | 'temporal' | 'workflowTaskQueue'>,
  id: string,
  { patch, undo, refusal }: ScheduledChange,
): Promise<Connector> {
  const updated = await store.connectors.update(id, patch);
  if (!updated) throw notFound(`no data warehouse connector with id ${id}`);
  try {
    await callTemporal(temporal, refusal, () => updateConnectorSchedule(temporal, updated, workflowTaskQueue));
  } catch (error) {
    await store.connectors.update(id, undo);
    throw error;
  }
  return updated;
}
