import { Worker } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowExecutionInfo } from '@temporalio/client';
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes';
import { searchAttributes } from '../../domain/constants';
import { eventually } from '../support/eventually';
import { testEnv, uniqueName, workflowBundle } from '../support/temporal';
import { fixtureActivities } from './fixtures/activities';
import { shoutAndMarkDone } from './fixtures/workflows';

describe('the shared Temporal test server', () => {
  let env: TestWorkflowEnvironment;

  beforeAll(async () => {
    env = await testEnv();
  });

  afterAll(async () => {
    await env?.teardown();
  });

  it('answers on the address global setup published', async () => {
    const info = await env.connection.workflowService.getSystemInfo({});
    expect(info.serverVersion).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('has every custom search attribute the project declares, with its type', async () => {
    const { customAttributes } = await env.connection.operatorService.listSearchAttributes({ namespace: 'default' });
    for (const key of Object.values(searchAttributes)) {
      expect({ name: key.name, type: customAttributes?.[key.name] }).toEqual({
        name: key.name,
        type: encodeSearchAttributeIndexedValueType(key.type),
      });
    }
  });

  it('runs a workflow on a worker and finds it by its custom search attributes', async () => {
    const taskQueue = uniqueName('harness');
    const connectorId = uniqueName('connector');
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: await workflowBundle(require.resolve('./fixtures/workflows')),
      activities: fixtureActivities,
    });

    const result = await worker.runUntil(
      env.client.workflow.execute(shoutAndMarkDone, {
        taskQueue,
        workflowId: uniqueName('harness-workflow'),
        args: ['hello'],
        typedSearchAttributes: [{ key: searchAttributes.connectorId, value: connectorId }],
      }),
    );
    expect(result).toBe('HELLO');

    const query = `ConnectorId = "${connectorId}" AND CycleStatus = "succeeded"`;
    const listed = await eventually(`a workflow matching ${query}`, async () => {
      const found: WorkflowExecutionInfo[] = [];
      for await (const execution of env.client.workflow.list({ query })) found.push(execution);
      return found.length > 0 ? found : undefined;
    });
    expect(listed).toHaveLength(1);
    expect(listed[0]?.status.name).toBe('COMPLETED');
    expect(listed[0]?.typedSearchAttributes.get(searchAttributes.connectorId)).toBe(connectorId);
  });
});
