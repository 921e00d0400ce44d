/**
 * The Temporal Web UI as an operator reads a cycle there, in Chromium (Debian's package, driven by
 * playwright-core): a dev server with its UI, started as `npm start` starts it (the project's search
 * attributes, `--ui-codec-endpoint` at the API's codec), the real workers with encrypted payloads,
 * the API, and a Salesforce simulator. Before the operator signs in, the cycle's input stays
 * ciphertext; after signing in at the API's /codec/session and turning on the UI's "Include
 * cross-origin credentials", the same page shows it decrypted, with the cycle's summary naming the
 * connector, and the ConnectorName search attribute finds it. Screenshots: .data/screenshots/web-ui/.
 */
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { TypedSearchAttributes } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { z } from 'zod';
import { AesGcmPayloadCodec, payloadDataConverter } from '../../activities/secrets/payload-codec';
import { createApp } from '../../api/app';
import { issueApiKey } from '../../api/auth/issue-api-key';
import { CODEC_PATH } from '../../api/codec-server';
import { startApiServer } from '../../api/server';
import { scheduleId, searchAttributes } from '../../domain/constants';
import { SIMULATOR_CREDENTIALS, startSalesforceSimulator } from '../../simulators/salesforce/server';
import { chromiumPath, launchChromium, NO_CHROMIUM } from '../support/chromium';
import { eventually } from '../support/eventually';
import { useFixture } from '../support/fixture';
import { startTestWorkers } from '../support/stack';
import { testStore } from '../support/store';
import { tempDir } from '../support/temp-dir';
import { quietSdkLogs, testDataKeys, uniqueName, workflowBundle } from '../support/temporal';
import { temporalCliPath } from '../support/test-server';

const SCREENSHOTS = path.join(__dirname, '..', '..', '.data', 'screenshots', 'web-ui');
const CONNECTOR_NAME = 'Salesforce leads for the spring campaign';
const NAMESPACE = 'default';

/** A port nobody listens on now: the dev server's UI and the API must know each other's address up front. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

interface WebUiProduct {
  env: TestWorkflowEnvironment;
  uiUrl: string;
  apiUrl: string;
  adminKey: string;
  managerKey: string;
  connectorId: string;
  workflowId: string;
}

async function startProduct(defer: (cleanup: () => unknown) => void): Promise<WebUiProduct> {
  const [apiPort, uiPort] = [await freePort(), await freePort()];
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const uiUrl = `http://127.0.0.1:${uiPort}`;
  quietSdkLogs();
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: temporalCliPath() },
      namespace: NAMESPACE,
      ip: '127.0.0.1',
      uiPort,
      searchAttributes: Object.values(searchAttributes),
      log: { format: 'pretty', level: 'error' },
      extraArgs: ['--ui-codec-endpoint', `${apiUrl}${CODEC_PATH}`],
    },
    client: { dataConverter: payloadDataConverter(testDataKeys) },
  });
  defer(() => env.teardown());
  const store = await testStore(defer);
  const dataDir = await tempDir('insight-hub-web-ui-', defer);
  const salesforce = await startSalesforceSimulator({ contacts: 20, deletedRate: 0, seed: 11 });
  defer(() => salesforce.stop());
  const taskQueue = uniqueName('web-ui');
  await startTestWorkers(
    {
      connection: env.nativeConnection,
      namespace: NAMESPACE,
      store,
      dataDir,
      taskQueue,
      workflowBundle: await workflowBundle(),
      dataKeys: testDataKeys,
    },
    defer,
  );
  const codecEndpoint = { codec: new AesGcmPayloadCodec(testDataKeys), allowedOrigins: [uiUrl], namespaces: [NAMESPACE] };
  const server = await startApiServer({
    app: createApp({ store, temporal: env.client, workflowTaskQueue: taskQueue, dataDir, codecEndpoint }),
    port: apiPort,
  });
  defer(() => server.close());
  const adminKey = (await issueApiKey(store, { subject: 'operator-ada', role: 'admin' }, 'web-ui test')).key;
  const managerKey = (await issueApiKey(store, { subject: 'manager-max', role: 'manager' }, 'web-ui test')).key;

  const call = async (route: string, body: unknown): Promise<unknown> => {
    const response = await fetch(`${apiUrl}${route}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(response.status).toBeLessThan(300);
    return response.json();
  };
  const { id: connectorId } = z.object({ id: z.string() }).parse(
    await call('/api/v1/data-warehouse-connector', {
      userId: 'marketing-ops',
      name: CONNECTOR_NAME,
      configuration: {
        source: {
          kind: 'salesforce',
          loginUrl: salesforce.url,
          auth: { type: 'oauth-password', ...SIMULATOR_CREDENTIALS },
          apiVersion: '59.0',
          streams: ['lead'],
          apiQuotaShare: 0.9,
          batchSize: 10_000,
        },
        guardrails: { maxInvalidShare: 0.9, schemaChangePolicy: 'allow' },
        automationLevel: 'auto',
        schedule: { every: '1h' },
      },
    }),
  );
  const { workflowId } = z.object({ workflowId: z.string() }).parse(await call(`/api/v1/data-warehouse-connector/${connectorId}/runs`, {}));
  await env.client.workflow.getHandle(workflowId).result();
  return { env, uiUrl, apiUrl, adminKey, managerKey, connectorId, workflowId };
}

if (!chromiumPath) {
  test.skip(`the Temporal Web UI in Chromium: ${NO_CHROMIUM}`, () => undefined);
} else {
  const product = useFixture('the product with the Web UI', startProduct);
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  const shoot = async (name: string): Promise<void> => {
    await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
  };
  const workflowPage = (): string => `${product().uiUrl}/namespaces/${NAMESPACE}/workflows/${encodeURIComponent(product().workflowId)}`;

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    page = await context.newPage();
  });
  afterAll(async () => {
    await browser?.close();
    process.stdout.write(`Web UI screenshots: ${SCREENSHOTS}\n`);
  });
  afterEach(async () => {
    await shoot(`last-${expect.getState().currentTestName?.replace(/\W+/g, '-').slice(0, 60) ?? 'test'}`);
  });

  const inputText = (): Promise<string> =>
    page
      .locator('section, div')
      .filter({ has: page.getByRole('heading', { name: 'Input', exact: true }) })
      .last()
      .innerText();

  /** The operator's once-per-browser setting in the UI's Codec Server dialog: send cookies to the codec. */
  const includeCredentialsInUi = async (): Promise<void> => {
    await page.goto(`${product().uiUrl}/namespaces/${NAMESPACE}/workflows`);
    await page.getByRole('button', { name: 'Codec Server is configured' }).click();
    await page.getByRole('button', { name: /^Use Cluster-level setting/ }).click();
    await page.getByRole('radio', { name: 'Use my browser setting and ignore Cluster-level setting.' }).check();
    await page.getByPlaceholder('Paste your endpoint here').fill(`${product().apiUrl}${CODEC_PATH}`);
    // The UI's sticky top bar covers the drawer's lower switches once scrolled: switched with the keyboard.
    const includeCredentials = page.getByRole('switch', { name: 'Include cross-origin credentials' });
    await includeCredentials.focus();
    await page.keyboard.press('Space');
    expect(await includeCredentials.isChecked()).toBe(true);
    await shoot('codec-server-settings');
    await page.getByRole('button', { name: 'Apply' }).click();
  };

  test("before the operator signs in, the cycle's input stays ciphertext, even with the UI sending credentials", async () => {
    await includeCredentialsInUi();
    await page.goto(workflowPage());
    await page.locator('#content').getByText('Codec Server could not connect').waitFor();
    // The page fills the input in after its frame ("null" until the history arrives).
    const input = await eventually('the input', async () => {
      const text = await inputText();
      return text.includes('encryption-key-id') || text.includes(product().connectorId) ? text : undefined;
    });
    expect(input).toContain('encryption-key-id');
    expect(input).not.toContain(product().connectorId);
    expect(input).not.toContain('manual');
    await shoot('ciphertext-before-sign-in');
  });

  test('only a role that may read payloads signs in at /codec/session; the session is an HttpOnly, SameSite=Strict cookie for the codec alone', async () => {
    await page.goto(`${product().apiUrl}${CODEC_PATH}/session`);
    const signIn = async (credential: string): Promise<string> => {
      await page.getByLabel('API key or JWT').fill(credential);
      await page.getByRole('button', { name: 'Sign in' }).click();
      return eventually('the sign-in answer', async () => {
        const answer = await page.getByRole('status').innerText();
        return answer && answer !== 'Signing in…' ? answer : undefined;
      });
    };
    expect(await signIn(product().managerKey)).toMatch(
      /^Refused \(403\): .*takes the role data-scientist or admin; this credential has manager/,
    );
    expect(await context.cookies()).not.toContainEqual(expect.objectContaining({ name: 'ih_codec_session' }));
    expect(await signIn(product().adminKey)).toMatch(/^Signed in as operator-ada \(admin\) until /);
    expect(await context.cookies()).toContainEqual(
      expect.objectContaining({ name: 'ih_codec_session', path: CODEC_PATH, httpOnly: true, sameSite: 'Strict' }),
    );
    await shoot('codec-sign-in');
  });

  test("signed in, the workflow's page shows the cycle's input decrypted, and its summary names the connector", async () => {
    await page.goto(workflowPage());
    const input = await eventually('the decrypted input', async () => {
      const text = await inputText();
      return text.includes(product().connectorId) ? text : undefined;
    });
    expect(input).toMatch(new RegExp(`"connectorId": "${product().connectorId}",\\s*"trigger": "manual"`));
    expect(await page.getByText('Codec Server could not connect').count()).toBe(0);
    await shoot('decrypted-after-sign-in');
    await page.getByRole('tab', { name: 'User Metadata' }).click();
    // The UI renders the summary's and the details' Markdown each in a frame of its own.
    await page.frameLocator('iframe').first().getByText(`${CONNECTOR_NAME}: salesforce → duckdb (lead)`).waitFor();
    await page.frameLocator('iframe').nth(1).getByText(product().connectorId).waitFor();
    await shoot('summary');
  });

  test('ConnectorName finds the cycle, by the name a person gave the connector', async () => {
    const query = `ConnectorName = "${CONNECTOR_NAME}"`;
    const listed = await eventually('the cycle in visibility', async () => {
      const ids: string[] = [];
      for await (const execution of product().env.client.workflow.list({ query })) ids.push(execution.workflowId);
      return ids.length > 0 ? ids : undefined;
    });
    expect(listed).toEqual([product().workflowId]);
    // The connector's schedule starts its cycles with the same labels as a manual run.
    const { action } = await product().env.client.schedule.getHandle(scheduleId(product().connectorId)).describe();
    expect(action.staticSummary).toBe(`${CONNECTOR_NAME}: salesforce → duckdb (lead)`);
    const labels = action.typedSearchAttributes;
    if (!(labels instanceof TypedSearchAttributes)) throw new Error("the schedule's action has no search attributes");
    expect(labels.get(searchAttributes.connectorName)).toBe(CONNECTOR_NAME);
    await page.goto(`${product().uiUrl}/namespaces/${NAMESPACE}/workflows?query=${encodeURIComponent(query)}`);
    await page.getByRole('link', { name: product().workflowId }).first().waitFor();
    await shoot('listed-by-connector-name');
  });
}
