/** What the invariants judge, read once a campaign's cycles have ended. */
import type { Client } from '@temporalio/client';
import type { Store } from '../../activities/store';
import { connectWarehouse } from '../../activities/warehouses';
import type { DestinationConfig } from '../../domain/connector';
import type { SalesforceSimulator } from '../../simulators/salesforce/server';
import type { CycleRun } from './cycles';
import type { Observed } from './invariants';

export interface ObserveDeps {
  client: Client;
  store: Store;
  simulator: SalesforceSimulator;
  destination: DestinationConfig;
  dataDir: string;
  connectorId: string;
  cycles: CycleRun[];
}

const textOrNull = (value: unknown): string | null => (value === null || value === undefined ? null : String(value));

/** Reads what the invariants judge: the source's truth, the warehouse's tables, the store's records, Temporal's cycles. */
export async function observe({ client, store, simulator, destination, dataDir, connectorId, cycles }: ObserveDeps): Promise<Observed> {
  const truth = new Map(simulator.groundTruth('Contact').map((entry) => [entry.id, entry]));
  const source = simulator.records('Contact').map((record) => {
    const id = String(record.Id);
    const known = truth.get(id);
    return {
      id,
      title: textOrNull(record.Title),
      modstamp: String(record.SystemModstamp),
      optedOut: record.HasOptedOutOfEmail === true,
      deleted: known?.deleted ?? record.IsDeleted === true,
      flaws: known?.flaws ?? [],
    };
  });
  const dw = await connectWarehouse(destination, dataDir);
  let warehouse: Observed['warehouse'];
  let quarantineKeys: string[];
  try {
    const rows = await dw.query('select id, customer_id, title from marketing.salesforce_contact');
    warehouse = rows.map((row) => ({ id: String(row.id), customerId: textOrNull(row.customer_id), title: textOrNull(row.title) }));
    quarantineKeys = (await dw.query(`select record_key from marketing._ih_quarantine where stream = 'contact'`)).map((row) =>
      String(row.record_key),
    );
  } finally {
    await dw.close();
  }
  const statuses = await Promise.all(
    cycles.map(async (run) => ({
      workflowId: run.workflowId,
      status: (await client.workflow.getHandle(run.workflowId).describe()).status.name,
    })),
  );
  const running: string[] = [];
  for await (const execution of client.workflow.list({ query: `ConnectorId = "${connectorId}" AND ExecutionStatus = "Running"` }))
    running.push(execution.workflowId);
  const metrics: Record<string, number> = {};
  for (const day of await store.metrics.list(connectorId)) {
    for (const [name, value] of Object.entries(day.metrics)) metrics[name] = (metrics[name] ?? 0) + value;
  }
  const audit = await store.audit.list(connectorId, 1000);
  return {
    source,
    warehouse,
    quarantineKeys,
    cursor: (await store.cursors.get(connectorId)).contact,
    cycles: statuses,
    running,
    cycleHolder: await store.cycleClaims.holder(connectorId),
    reports: await store.runs.list(connectorId, 1000),
    outcomes: (await store.outcomes.list(connectorId, 1000)).length,
    auditedCycles: audit
      .filter((entry) => entry.activityType.startsWith('cycle.') && entry.activityType !== 'cycle.requested')
      .map((entry) => String(entry.details.workflowId)),
    metrics,
  };
}
