/**
 * The dashboard as the team uses it, in Chromium (Debian's package, driven by playwright-core), on the
 * whole product: real workers, the Salesforce simulator, DuckDB. A manager signs in with an API key,
 * sees the connectors, approves a waiting gate and sees what it loaded, reads the run history,
 * exports ROI as CSV, and drills through a customer segment to one person's timeline. Every page
 * runs under the dashboard's Content-Security-Policy, from this API alone: a console error, a CSP
 * violation or a request to another site fails the test. Screenshots are kept in
 * .data/screenshots/dashboard/ (printed at the end).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { z } from 'zod';
import type { CreateConnectorBody } from '../../domain/connector';
import { SIMULATOR_CREDENTIALS } from '../../simulators/salesforce/server';
import { chromiumPath, launchChromium, NO_CHROMIUM, watchForProblems } from '../support/chromium';
import { eventually } from '../support/eventually';
import { useStack } from '../support/stack';
import { claimsFor, hs256 } from '../api/tokens';

/** The API of the stack checks HS256 tokens with this secret: a campaign lead signs in with a JWT. */
const JWT_SECRET = 'dashboard-test-jwt-secret-of-at-least-32-characters';
process.env.INSIGHT_HUB_JWT_SECRET = JWT_SECRET;

const SCREENSHOTS = path.join(__dirname, '..', '..', '.data', 'screenshots', 'dashboard');
const GATED = 'Salesforce contacts, gated';
const LEADS = 'Salesforce leads';

const pendingSchema = z.object({
  approvals: z.array(z.object({ approvalId: z.string(), request: z.object({ batch: z.object({ rows: z.number() }) }) })),
});

type SalesforceStream = 'contact' | 'lead' | 'campaign_member';

function salesforceConnector(
  name: string,
  url: string,
  streams: SalesforceStream[],
  automationLevel: 'auto' | 'always-approve',
): CreateConnectorBody {
  return {
    userId: 'marketing-ops',
    name,
    status: 'active',
    configuration: {
      source: {
        kind: 'salesforce',
        loginUrl: url,
        auth: { type: 'oauth-password', ...SIMULATOR_CREDENTIALS },
        apiVersion: '59.0',
        streams,
        apiQuotaShare: 0.9,
        batchSize: 10_000,
      },
      destination: { kind: 'duckdb', schema: 'marketing' },
      guardrails: { maxInvalidShare: 0.9, schemaChangePolicy: 'allow' },
      automationLevel,
      schedule: { every: '1h' },
    },
  };
}

if (!chromiumPath) {
  test.skip(`the dashboard in Chromium: ${NO_CHROMIUM}`, () => undefined);
} else {
  const stack = useStack({ name: 'dashboard', salesforce: { contacts: 80, deletedRate: 0, seed: 5 } });
  let browser: Browser;
  let page: Page;
  let problems: string[] = [];
  let gated: string;
  let waiting: { approvalId: string; rows: number };

  const shoot = async (name: string): Promise<void> => {
    await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
  };
  const openPage = async (title: string): Promise<void> => {
    await page.getByRole('navigation', { name: 'pages' }).getByRole('link', { name: title }).click();
    await page.getByRole('heading', { level: 1 }).first().waitFor();
  };

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    gated = await stack.createConnector(salesforceConnector(GATED, stack.salesforce.url, ['contact'], 'always-approve'));
    const leads = await stack.createConnector(salesforceConnector(LEADS, stack.salesforce.url, ['lead', 'campaign_member'], 'auto'));
    expect((await stack.runCycle(leads)).status).toBe('completed');
    await stack.startCycle(gated);
    const [first] = await eventually(
      'the gated cycle waiting for a manager',
      async () => {
        const { approvals } = pendingSchema.parse((await stack.call('GET', `/api/v1/approvals?connectorId=${gated}`)).body);
        return approvals.length > 0 ? approvals : undefined;
      },
      { timeoutMs: 90_000, intervalMs: 250 },
    );
    if (!first) throw new Error('no approval');
    waiting = { approvalId: first.approvalId, rows: first.request.batch.rows };

    browser = await launchChromium();
    const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1400, height: 900 } });
    page = await context.newPage();
    problems = await watchForProblems(page, new URL(stack.apiUrl).origin);
  });
  afterAll(async () => {
    await browser?.close();
    process.stdout.write(`dashboard screenshots: ${SCREENSHOTS}\n`);
  });
  afterEach(async () => {
    // What the page showed when a test ended, failed or not: the first place to look.
    await shoot(`last-${expect.getState().currentTestName?.replace(/\W+/g, '-').slice(0, 60) ?? 'test'}`);
    expect(problems).toEqual([]);
  });

  test('is served with a Content-Security-Policy that runs only its own scripts, and refuses a wrong credential', async () => {
    const response = await page.goto(`${stack.apiUrl}/dashboard/`);
    expect(response?.status()).toBe(200);
    const policy = response?.headers()['content-security-policy'] ?? '';
    expect(policy).toMatch(/script-src 'self' 'sha256-[A-Za-z0-9+/=]+'(;|$)/);
    expect(policy).toContain("default-src 'none'");
    expect(policy).not.toContain('unsafe-inline');

    await page.getByLabel('API key or JWT').fill('ihk_not_a_key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toMatch(/credential|key/i);
    problems.length = 0; // the 401 the browser logs is the point of this test
  });

  test('signs in with an API key and shows the connectors with their health and last runs', async () => {
    await page.getByLabel('API key or JWT').fill(stack.adminKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Connectors', level: 1 }).waitFor();
    expect(await page.locator('.who').textContent()).toContain('dashboard-admin · admin');
    for (const name of [GATED, LEADS]) await page.getByRole('heading', { name, level: 2 }).waitFor();
    const leads = page.locator('section.connector', { has: page.getByRole('heading', { name: LEADS }) });
    await expect(leads.getByRole('table', { name: `last runs of ${LEADS}` }).textContent()).resolves.toContain('completed');
    expect(await page.evaluate('sessionStorage.length')).toBe(1);
    await shoot('connectors');
  });

  test('opens a waiting gate from its link, approves it with a reason, and shows what it loaded', async () => {
    await page.goto(`${stack.apiUrl}/dashboard/#/approvals/${encodeURIComponent(waiting.approvalId)}`);
    await page.getByRole('heading', { name: 'Gate on contact' }).waitFor();
    await expect(page.locator('.figures').textContent()).resolves.toContain(String(waiting.rows));
    await shoot('approval-waiting');

    await page.getByLabel('Reason (goes to the audit log)').fill('expected: the first import of the campaign');
    await page.getByRole('button', { name: 'Approve', exact: true }).click();
    const outcome = page.locator('[data-outcome="approve"]');
    await outcome.waitFor({ timeout: 60_000 });
    const loaded = Number(/loaded (\d+) rows/.exec((await outcome.textContent()) ?? '')?.[1]);
    expect(loaded).toBeGreaterThan(0);
    const [counted] = await stack.warehouseRows('select count(*)::int as n from marketing.salesforce_contact');
    expect(counted?.n).toBe(loaded);
    await shoot('approval-decided');

    await openPage('Approvals');
    const decided = page.getByRole('table', { name: 'decided approvals' });
    await expect(decided.textContent()).resolves.toContain('expected: the first import of the campaign');
    await expect(page.getByRole('table', { name: 'waiting approvals' }).count()).resolves.toBe(0);
  });

  test('shows the run history, the audit log and the quarantine with its reasons', async () => {
    await openPage('Runs and audit');
    const runs = page.getByRole('table', { name: 'run history' });
    await runs.waitFor();
    await expect(runs.textContent()).resolves.toContain('completed');
    await expect(page.getByRole('table', { name: 'audit log' }).textContent()).resolves.toContain('approval.decision-requested');
    await page.getByRole('table', { name: 'quality reports' }).first().waitFor();
    await shoot('runs-and-audit');
  });

  test('exports ROI as CSV, saying how much history each connector still needs', async () => {
    await openPage('ROI');
    await expect(page.getByRole('table', { name: 'ROI per connector' }).textContent()).resolves.toMatch(/at least 7 days/);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
    const file = await download.path();
    const csv = readFileSync(file, 'utf8');
    const [header, ...rows] = csv.trim().split(/\r?\n/);
    expect(header).toMatch(/connector/i);
    expect(rows.join('\n')).toContain(GATED);
    expect(rows.join('\n')).toContain(LEADS);
    await shoot('roi');
  });

  test("drills through a customer segment to one person's timeline", async () => {
    await openPage('Insights');
    const size = page.locator('.segment-size');
    await size.waitFor();
    const everyone = Number(await size.getAttribute('data-size'));
    expect(everyone).toBeGreaterThan(0);

    const filters = page.getByRole('form', { name: 'segment filters' });
    const campaign = filters.getByLabel('Campaign');
    await campaign.locator('option').nth(1).waitFor({ state: 'attached' });
    await campaign.selectOption({ index: 1 });
    await filters.getByRole('button', { name: 'Show the segment' }).click();
    // The campaign's members: fewer than everyone, more than nobody.
    await eventually('the segment of the campaign shown', async () => {
      const shown = Number(await size.getAttribute('data-size'));
      return shown > 0 && shown < everyone ? shown : undefined;
    });
    await shoot('insights-segment');

    const person = page.getByRole('table', { name: 'customers in the segment' }).getByRole('link').first();
    const name = (await person.textContent()) ?? '';
    await person.click();
    await page.getByRole('heading', { name, level: 2 }).waitFor();
    await expect(page.getByRole('table', { name: 'customer timeline' }).textContent()).resolves.toContain('campaign_membership');
    await shoot('insights-customer');
  });

  test("hands the destination's models to Tableau and Looker as files", async () => {
    await page.getByRole('link', { name: '← segments' }).click();
    const saved = async (button: string): Promise<Buffer> => {
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: button }).click()]);
      return readFileSync(await download.path());
    };
    const tds = (await saved('Download the Tableau data source (.tds)')).toString('utf8');
    expect(tds).toMatch(/^<\?xml/);
    for (const column of ['customer_key', 'unique_reach', 'avg_sentiment_score']) expect(tds).toContain(column);
    const lookml = await saved('Download the LookML project (zip)');
    expect(lookml.subarray(0, 2).toString('latin1')).toBe('PK');
  });

  test('a campaign lead signs in with a JWT and is offered only what the API lets the role do', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API key or JWT').fill(hs256(claimsFor('campaign-lead', { sub: 'casey' }), JWT_SECRET));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('.who').waitFor();
    expect(await page.locator('.who').textContent()).toContain('casey · campaign-lead');
    await openPage('Runs and audit');
    await page.getByRole('table', { name: 'quality reports' }).first().waitFor();
    // Re-validating is for deciders: the button is not offered, and the API would refuse it.
    await expect(page.getByRole('button', { name: 'Re-validate…' }).count()).resolves.toBe(0);
    const refused = await page.evaluate(
      `fetch('/api/v1/data-warehouse-connector/${gated}/quarantine/revalidate', {
         method: 'POST',
         headers: { authorization: 'Bearer ' + sessionStorage.getItem('insight-hub.credential'), 'content-type': 'application/json' },
         body: JSON.stringify({ qualityReportId: '00000000-0000-4000-8000-000000000000', suite: {} }),
       }).then((response) => response.status)`,
    );
    expect(refused).toBe(403);
    problems.length = 0; // the browser logs the refused call: it is the point
    await shoot('campaign-lead');
  });
}
