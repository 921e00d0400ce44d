/**
 * A real cycle for a source test: real Temporal, the worker composition on a queue of the test's own,
 * an embedded control plane and DuckDB warehouses in a temporary folder. A test creates a connector
 * with `create` (its destination a schema of its own) and runs one cycle of it with `runCycle`.
 */
import { connectWarehouse } from '../../activities/warehouses';
import { connectorSettingsSchema, type Connector } from '../../domain/connector';
import type { CycleReport } from '../../domain/cycle';
import { ingestionCycle } from '../../workflows';
import { useFixture, useTestCleanups } from '../support/fixture';
import { startTestWorkers } from '../support/stack';
import { testStore } from '../support/store';
import { useTempDir } from '../support/temp-dir';
import { uniqueName, useTemporal } from '../support/temporal';

export function useCycleStack(name: string) {
  const temporal = useTemporal();
  const folder = useTempDir(`insight-hub-${name}-`);
  const store = useFixture('the control plane', (defer) => testStore(defer));
  const defer = useTestCleanups();

  /** An active connector writing to a DuckDB schema of its own; `settings` as the API takes them, destination aside. */
  async function create(connectorName: string, settings: Record<string, unknown>): Promise<Connector & { schema: string }> {
    const schema = `c_${uniqueName('')
      .replace(/[^a-z0-9]/g, '')
      .slice(0, 12)}`;
    const connector = await store().connectors.create({
      userId: 'marketing-ops',
      name: connectorName,
      status: 'active',
      configuration: connectorSettingsSchema.parse({ ...settings, destination: { kind: 'duckdb', schema } }),
    });
    return { ...connector, schema };
  }

  /** Starts the workers on a queue of their own and runs one manual cycle of the connector there. */
  async function runCycle(connector: Connector): Promise<CycleReport> {
    const taskQueue = uniqueName(name);
    const options = {
      connection: temporal.nativeConnection,
      namespace: temporal.namespace,
      store: store(),
      dataDir: folder.path,
      taskQueue,
      workflowBundle: temporal.bundle,
    };
    await startTestWorkers(options, defer);
    return temporal.client.workflow.execute(ingestionCycle, {
      taskQueue,
      workflowId: uniqueName(`cycle/${connector.id}`),
      args: [{ connectorId: connector.id, trigger: 'manual' }],
    });
  }

  /** The rows `sql` selects from the connector's warehouse. */
  async function query(connector: Connector, sql: string): Promise<Record<string, unknown>[]> {
    const warehouse = await connectWarehouse(connector.configuration.destination, folder.path);
    try {
      return await warehouse.query(sql);
    } finally {
      await warehouse.close();
    }
  }

  return { store, create, runCycle, query };
}
