/**
 * Alert rules in a real Prometheus: promtool's unit tests of deploy/prometheus/alerts.yml, amtool's
 * check of the Alertmanager configuration, then Prometheus (Debian's) scraping the running API and
 * a worker with the scrape token, and an approval gate whose timeout is near going to firing. The
 * same scrapes serve every metric the rules and the Grafana dashboards ask for.
 */
import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { z } from 'zod';
import { logger } from '../../activities/logger';
import { registerStoreGauges } from '../../activities/observability/store-gauges';
import { createApp } from '../../api/app';
import { withMetricsEndpoint } from '../../api/metrics-endpoint';
import { startApiServer } from '../../api/server';
import { renderDashboards } from '../../deploy/grafana/dashboards';
import type { CreateConnectorBody } from '../../domain/connector';
import { SIMULATOR_CREDENTIALS } from '../../simulators/salesforce/server';
import { startObservabilityServer } from '../../worker/observability-server';
import { installTemporalRuntime, type SdkMetrics } from '../../worker/temporal-runtime';
import { eventually } from '../support/eventually';
import { onTeardown, useFixture } from '../support/fixture';
import { prometheusTools, startPrometheus, type RunningPrometheus } from '../support/prometheus';
import { useStack } from '../support/stack';
import { exprsOf, familiesIn, isServed, metricNamesIn } from './metric-names';

const run = promisify(execFile);
const ROOT = path.join(__dirname, '..', '..');
const ALERTS = path.join(ROOT, 'deploy', 'prometheus', 'alerts.yml');
const TOKEN = 'scrape-token-for-the-prometheus-test';

const tools = prometheusTools();
if ('missing' in tools) {
  if (process.env.CI) throw new Error(`${tools.missing}: CI installs it before the tests (.ci/run)`);
  console.warn(`skipping the Prometheus tests: ${tools.missing}`);
}
const describeWithPrometheus = 'missing' in tools ? describe.skip : describe;

describeWithPrometheus('alert rules and dashboards against a real Prometheus', () => {
  const found = 'missing' in tools ? undefined : tools;

  test('promtool: every rule fires on its condition and stays quiet below it', async () => {
    const { stdout } = await run(found?.promtool ?? 'promtool', ['test', 'rules', 'alerts.test.yml'], {
      cwd: path.dirname(ALERTS),
    });
    expect(stdout).toContain('SUCCESS');
  });

  test('amtool: the Alertmanager configuration is valid', async () => {
    if (!found?.amtool) return void console.warn('amtool not found: the Alertmanager configuration is not checked');
    const { stdout } = await run(found.amtool, ['check-config', path.join(ROOT, 'deploy', 'alertmanager', 'alertmanager.yml')]);
    expect(stdout).toContain('SUCCESS');
  });

  test("promtool: the compose deployment's Prometheus configuration is valid (its token file made local)", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'insight-hub-prometheus-config-'));
    try {
      await writeFile(path.join(dir, 'metrics_scrape_token'), 'a-token-of-some-length\n');
      const config = (await readFile(path.join(ROOT, 'deploy', 'prometheus', 'prometheus.yml'), 'utf8')).replaceAll(
        '/run/secrets/metrics_scrape_token',
        path.join(dir, 'metrics_scrape_token'),
      );
      expect(config).toContain(dir);
      await writeFile(path.join(dir, 'prometheus.yml'), config);
      await copyFile(ALERTS, path.join(dir, 'alerts.yml'));
      const { stdout } = await run(found?.promtool ?? 'promtool', ['check', 'config', path.join(dir, 'prometheus.yml')]);
      expect(stdout).toMatch(/SUCCESS: 1 rule files found/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  // The SDK's metrics exporter is part of the runtime: installed before the stack's first connection.
  let sdkMetrics: SdkMetrics = async () => '';
  beforeAll(async () => {
    sdkMetrics = await installTemporalRuntime({ logger, metricsPort: 0 });
  });
  const stack = useStack({ name: 'prometheus', salesforce: { contacts: 120, deletedRate: 0, seed: 5 } });

  const served = useFixture('the scraped API, worker endpoint and Prometheus', async (defer) => {
    defer(registerStoreGauges(stack.store, logger));
    const app = createApp({ store: stack.store, temporal: stack.client, workflowTaskQueue: stack.taskQueue });
    const api = await startApiServer({ app: withMetricsEndpoint(app, { scrapeToken: TOKEN, logger }), port: 0 });
    defer(() => api.close());
    const worker = await startObservabilityServer({ port: 0, host: '127.0.0.1', scrapeToken: TOKEN, workers: [], sdkMetrics, logger });
    defer(() => worker.close());
    const prometheus = await startPrometheus(
      {
        binary: found?.prometheus ?? 'prometheus',
        token: TOKEN,
        ruleFiles: [ALERTS],
        targets: [
          { job: 'insight-hub-api', url: api.url },
          { job: 'insight-hub-worker', url: worker.url },
        ],
      },
      defer,
    );
    return { apiUrl: api.url, workerUrl: worker.url, prometheus };
  });

  const scrape = async (url: string, token: string | null = TOKEN) =>
    fetch(`${url}/metrics`, token === null ? {} : { headers: { authorization: `Bearer ${token}` } });

  test('a scrape without the token is refused; Prometheus, with it, finds both targets up', async () => {
    const { apiUrl, workerUrl, prometheus } = served();
    for (const url of [apiUrl, workerUrl]) {
      const refused = await scrape(url, null);
      expect(refused.status).toBe(401);
      expect(await refused.json()).toMatchObject({ message: expect.stringContaining('METRICS_SCRAPE_TOKEN') });
      expect((await scrape(url, 'a-wrong-token-of-some-length')).status).toBe(401);
    }
    const targets = await eventually('both targets scraped', async () => {
      const listed = await prometheus.targets();
      return listed.length === 2 && listed.every((t) => t.health === 'up') ? listed : undefined;
    });
    expect(targets.map((t) => t.job).sort()).toEqual(['insight-hub-api', 'insight-hub-worker']);
  });

  test('an approval gate close to its timeout fires InsightHubApprovalCloseToTimeout; rules and dashboards ask only for served metrics', async () => {
    const { apiUrl, workerUrl, prometheus } = served();
    const connectorId = await stack.createConnector(gatedConnector(stack.salesforce.url));
    const firing = (alerts: Awaited<ReturnType<RunningPrometheus['alerts']>>) =>
      alerts.filter((a) => a.labels.alertname === 'InsightHubApprovalCloseToTimeout' && a.labels.connector_id === connectorId);
    expect(firing(await prometheus.alerts())).toEqual([]);

    const workflowId = await stack.startCycle(connectorId);
    onTeardown(() => stack.client.workflow.getHandle(workflowId).terminate('the Prometheus test is over'));
    await eventually(
      'the cycle waiting for a manager',
      async () => {
        const answer = await stack.call('GET', `/api/v1/approvals?connectorId=${connectorId}&status=pending`);
        return z.object({ approvals: z.array(z.unknown()) }).parse(answer.body).approvals.length > 0 || undefined;
      },
      { timeoutMs: 60_000, intervalMs: 250 },
    );

    const [alert] = await eventually(
      'the alert firing in Prometheus',
      async () => {
        const alerts = firing(await prometheus.alerts()).filter((a) => a.state === 'firing');
        return alerts.length > 0 ? alerts : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 500 },
    );
    expect(alert?.labels).toMatchObject({ severity: 'critical', connector_id: connectorId });
    // The gate's 30-minute timeout: under half an hour left, said in words an operator reads.
    expect(alert?.annotations.summary).toMatch(new RegExp(`connector ${connectorId} is decided by its timeout policy in (29|30)m`));
    // Four hours of waiting have not passed: that alert stays quiet.
    expect((await prometheus.alerts()).filter((a) => a.labels.alertname === 'InsightHubApprovalWaiting')).toEqual([]);

    // A source that cannot be reached: its page reads fail (and are retried), as the workers' dashboard counts.
    const unreachable = await stack.createConnector({ ...gatedConnector('http://127.0.0.1:9'), name: 'Salesforce, unreachable' });
    const failing = await stack.startCycle(unreachable);
    onTeardown(() => stack.client.workflow.getHandle(failing).terminate('the Prometheus test is over'));

    // What the running API and worker serve, after a cycle read pages and opened a gate and another failed to read.
    const exposition = await eventually(
      'a failed activity in the Temporal SDK metrics',
      async () => {
        const texts = await Promise.all([apiUrl, workerUrl].map(async (url) => (await scrape(url)).text()));
        return texts[1]?.includes('temporal_activity_execution_failed_total{') ? texts.join('\n') : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 500 },
    );
    const families = familiesIn(exposition);
    expect(families.has('insight_hub_approvals_waiting')).toBe(true);
    expect([...families].some((name) => name.startsWith('temporal_'))).toBe(true);
    const asked = new Map<string, string[]>();
    const ask = (where: string, names: string[]) => names.forEach((name) => asked.set(name, [...(asked.get(name) ?? []), where]));
    ask('alerts.yml', metricNamesIn(await readFile(ALERTS, 'utf8')));
    for (const { file, content } of await renderDashboards()) {
      ask(path.basename(file), metricNamesIn(exprsOf(JSON.parse(content)).join('\n')));
    }
    expect(asked.size).toBeGreaterThan(25);
    const unserved = [...asked].filter(([name]) => !isServed(name, families)).map(([name, where]) => `${name} (${where.join(', ')})`);
    expect(unserved).toEqual([]);
  });
});

/** Every batch waits for a manager, and the policy decides after 30 minutes: less than the alert's hour. */
function gatedConnector(loginUrl: string): CreateConnectorBody {
  return {
    userId: 'marketing-ops',
    name: 'Salesforce contacts, every batch approved',
    status: 'active',
    configuration: {
      source: {
        kind: 'salesforce',
        loginUrl,
        auth: { type: 'oauth-password', ...SIMULATOR_CREDENTIALS },
        apiVersion: '59.0',
        streams: ['contact'],
        apiQuotaShare: 0.9,
        batchSize: 10_000,
      },
      destination: { kind: 'duckdb', schema: 'marketing' },
      guardrails: { maxInvalidShare: 0.9, schemaChangePolicy: 'allow' },
      automationLevel: 'always-approve',
      approvalPolicy: { timeout: '30m', onTimeout: 'reject', approverRole: 'manager' },
      schedule: { every: '1h' },
    },
  };
}
