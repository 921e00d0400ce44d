/**
 * The demo in one process: a simulator of every source, the control-plane store, the workers and
 * the API, against the Temporal server that scripts/start.sh started (or TEMPORAL_ADDRESS).
 * Registers a demo connector per source on first start and runs a cycle of each at once; SendGrid
 * events arrive through the signed webhook. Ctrl-C stops everything.
 */
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { z } from 'zod';
import { reconcileApprovalsPeriodically } from '../activities/approval-closure';
import { logger } from '../activities/logger';
import { loadKeyRing } from '../activities/secrets';
import { loadPayloadKeyRing, payloadDataConverter } from '../activities/secrets/payload-codec';
import { openStore } from '../activities/store';
import { reissueApiKey } from '../api/auth/issue-api-key';
import { CODEC_PATH } from '../api/codec-server';
import { startApiProcess } from '../api/process';
import { startObservabilityServer } from '../worker/observability-server';
import { loadObservabilitySettings } from '../worker/observability-settings';
import { installTemporalRuntime } from '../worker/temporal-runtime';
import type { CreateConnectorBody } from '../domain/connector';
import { SIMULATOR_CREDENTIALS, startSalesforceSimulator } from '../simulators/salesforce/server';
import { loadSettings } from '../worker/settings';
import { createWorkers, runWorkers, workerOptionsFrom } from '../worker/workers';
import { startDemoSources, type DemoConnector } from './demo-sources';

const demoEnvSchema = z.object({
  SALESFORCE_SIM_PORT: z.coerce.number().int().min(1).max(65_535).default(8787),
  SALESFORCE_SIM_CONTACTS: z.coerce.number().int().min(0).max(1_000_000).default(20_000),
  TEMPORAL_UI_URL: z.string().default('http://127.0.0.1:8233'),
  /** The CLI scripts/start.sh found (scripts/temporal.sh path); unset when the demo uses a cluster of TEMPORAL_ADDRESS. */
  TEMPORAL_CLI_PATH: z.string().optional(),
});

const DEMO_USER = 'demo-manager';
const DEMO_ADMIN = 'demo-admin';
const DEMO_CONNECTOR_NAME = 'Demo Salesforce org';

async function main(): Promise<void> {
  // The SDK logs at WARN: its INFO lines (bundle statistics, worker states) would bury the addresses printed below.
  const observability = loadObservabilitySettings();
  const sdkMetrics = await installTemporalRuntime({ metricsPort: observability.temporalMetricsPort, logger });
  const settings = loadSettings();
  const demo = demoEnvSchema.parse(process.env);

  // Every simulator answers before the workers start: a schedule's catch-up cycle runs as soon as they poll.
  const simulator = await startSalesforceSimulator({ port: demo.SALESFORCE_SIM_PORT, contacts: demo.SALESFORCE_SIM_CONTACTS });
  const sources = await startDemoSources();
  const secrets = await loadKeyRing(settings, logger);
  const store = await openStore({ databaseUrl: settings.databaseUrl, dataDir: path.join(settings.dataDir, 'control-plane'), secrets });
  const dataKeys = await loadPayloadKeyRing(settings, logger);
  const temporalOptions = { address: settings.temporalAddress, tls: settings.temporalTls };
  const nativeConnection = await NativeConnection.connect(temporalOptions);
  const connection = await Connection.connect(temporalOptions);
  const temporal = new Client({ connection, namespace: settings.namespace, dataConverter: payloadDataConverter(dataKeys) });

  const workers = await createWorkers(workerOptionsFrom(settings, { connection: nativeConnection, store, dataKeys, columnKeys: secrets }));
  const running = runWorkers(workers);
  const workerHttp = await startObservabilityServer({
    ...observability.workerHttp,
    scrapeToken: observability.scrapeToken,
    workers,
    sdkMetrics,
    logger,
  });
  // One process: the API's /metrics and the workers' show the same registry; the workers' adds the SDK's metrics.
  const api = await startApiProcess(settings, { store, temporal, payloadKeys: dataKeys, scrapeToken: observability.scrapeToken, logger });
  const reconciler = reconcileApprovalsPeriodically(temporal, store.approvals, logger);

  const { key: adminKey } = await reissueApiKey(store, { subject: DEMO_ADMIN, role: 'admin', label: 'demo' }, 'scripts/dev.ts');
  const connectorId = await ensureDemoConnector(api.url, simulator.url, adminKey);
  const workflowId = await runNow(api.url, connectorId, adminKey);
  for (const connector of sources.connectors) {
    const id = await upsertDemoConnector(api.url, connector, adminKey);
    if (connector.configuration.source.kind === 'sendgrid') sources.startSendgrid(`${api.url}/webhooks/sendgrid/${id}`);
    else await runNow(api.url, id, adminKey);
  }

  const uiQuery = encodeURIComponent(`ConnectorId="${connectorId}"`);
  process.stdout.write(
    [
      '',
      'Insight Hub is running. Ctrl-C stops everything.',
      `  API                ${api.url}/api/v1/data-warehouse-connector/user/${DEMO_USER}`,
      workflowId
        ? `  first cycle        ${api.url}/api/v1/runs/${encodeURIComponent(workflowId)}`
        : '  first cycle        already running, started by its schedule catching up (see the analysis below)',
      `  analysis           ${api.url}/api/v1/data-warehouse-connector/${connectorId}/analyze`,
      `  OpenAPI            ${api.url}/api/v1/openapi.json`,
      `  metrics            ${api.url}/metrics and ${workerHttp.url}/metrics  (Prometheus; this host only unless METRICS_SCRAPE_TOKEN is set)`,
      `  payload codec      ${api.url}${CODEC_PATH}  (the Web UI decrypts payloads through it for an operator signed in at ${api.url}${CODEC_PATH}/session;`,
      "                     once per browser, turn on the UI's Codec Server setting 'Include cross-origin credentials')",
      `  warehouse (DuckDB) ${path.join(settings.dataDir, 'warehouse.duckdb')}  (schema "marketing"; query it while the demo runs: POST ${api.url}/api/v1/warehouse/query {"sql": "..."})`,
      `  Salesforce sim     ${simulator.url}/__sim/state`,
      ...Object.entries(sources.urls).map(([name, url]) => `  ${`${name} sim`.padEnd(18)} ${url}`),
      '  SendGrid           signed event batches posted to the webhook every 30 s',
      `  approvals          ${api.url}/dashboard/#/approvals  (the demo Zendesk connector's first load waits for a manager there)`,
      `  temporal CLI       ${demo.TEMPORAL_CLI_PATH ?? '`bash scripts/temporal.sh path` finds or installs it'}`,
      `  Temporal Web UI    ${demo.TEMPORAL_UI_URL}/namespaces/${settings.namespace}/workflows?query=${uiQuery}`,
      `  dashboard          ${api.url}/dashboard/  (sign in with the admin API key below)`,
      `  admin API key      ${adminKey}  (header "Authorization: Bearer <key>"; a new one on every start)`,
      '',
    ].join('\n'),
  );

  await running; // the SDK shuts the workers down on SIGINT/SIGTERM
  await reconciler.stop();
  await api.close();
  await workerHttp.close();
  await Promise.all([store.close(), simulator.stop(), sources.stop(), connection.close(), nativeConnection.close()]);
  logger.info('stopped cleanly');
}

/** The demo connector, created through the API (validation, schedule and audit included) once. */
async function ensureDemoConnector(apiUrl: string, simulatorUrl: string, apiKey: string): Promise<string> {
  const { connectors: listed } = z
    .object({ connectors: z.array(z.object({ id: z.string(), name: z.string() })) })
    .parse(await getJson(`${apiUrl}/api/v1/data-warehouse-connector/user/${DEMO_USER}`, apiKey));
  const existing = listed.find((c) => c.name === DEMO_CONNECTOR_NAME);
  if (existing) return existing.id;
  const body: CreateConnectorBody = {
    userId: DEMO_USER,
    name: DEMO_CONNECTOR_NAME,
    description: 'Contacts, leads, opportunities, campaign members and campaigns from the local Salesforce simulator.',
    status: 'active',
    configuration: {
      source: {
        kind: 'salesforce',
        loginUrl: simulatorUrl,
        auth: { type: 'oauth-password', ...SIMULATOR_CREDENTIALS },
        apiVersion: '59.0',
        streams: ['contact', 'lead', 'opportunity', 'campaign_member', 'campaign'],
        apiQuotaShare: 0.9,
        batchSize: 10_000,
      },
      destination: { kind: 'duckdb', schema: 'marketing' },
      guardrails: { maxInvalidShare: 0.2 },
      schedule: { every: '15m' },
    },
  };
  return z.object({ id: z.string() }).parse(await postJson(`${apiUrl}/api/v1/data-warehouse-connector`, body, apiKey)).id;
}

/** Created once; its configuration brought up to date on every start (simulator URLs, the SendGrid key). */
async function upsertDemoConnector(apiUrl: string, connector: DemoConnector, apiKey: string): Promise<string> {
  const { connectors: listed } = z
    .object({ connectors: z.array(z.object({ id: z.string(), name: z.string() })) })
    .parse(await getJson(`${apiUrl}/api/v1/data-warehouse-connector/user/${DEMO_USER}`, apiKey));
  const existing = listed.find((c) => c.name === connector.name);
  if (!existing) {
    const created = await postJson(`${apiUrl}/api/v1/data-warehouse-connector`, { ...connector, userId: DEMO_USER }, apiKey);
    return z.object({ id: z.string() }).parse(created).id;
  }
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` };
  const url = `${apiUrl}/api/v1/data-warehouse-connector/${existing.id}`;
  const response = await fetch(url, { method: 'PUT', headers, body: JSON.stringify({ configuration: connector.configuration }) });
  if (!response.ok) throw new Error(`PUT ${url} answered ${response.status}: ${await response.text()}`);
  return existing.id;
}

/**
 * Runs a cycle of the connector now. Null when one already runs — after a restart its schedule
 * catches up on the cycles it missed as soon as the workers poll — which then is the cycle to watch.
 */
async function runNow(apiUrl: string, connectorId: string, apiKey: string): Promise<string | null> {
  const response = await post(`${apiUrl}/api/v1/data-warehouse-connector/${connectorId}/runs`, {}, apiKey);
  if (response.status === 409) return null;
  return z.object({ workflowId: z.string() }).parse(await jsonOf(response, 'POST')).workflowId;
}

async function getJson(url: string, apiKey: string): Promise<unknown> {
  return jsonOf(await fetch(url, { headers: { authorization: `Bearer ${apiKey}` } }), 'GET');
}

function post(url: string, body: unknown, apiKey: string): Promise<Response> {
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` };
  return fetch(url, { method: 'POST', headers, body: JSON.stringify(body) });
}

async function postJson(url: string, body: unknown, apiKey: string): Promise<unknown> {
  return jsonOf(await post(url, body, apiKey), 'POST');
}

async function jsonOf(response: Response, method: string): Promise<unknown> {
  if (!response.ok) throw new Error(`${method} ${response.url} answered ${response.status}: ${await response.text()}`);
  return response.json();
}

main().catch((error: unknown) => {
  logger.error({ error: error instanceof Error ? error.message : String(error) }, 'the demo stopped on an error');
  process.exit(1);
});
