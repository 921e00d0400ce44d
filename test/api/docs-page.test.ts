/**
 * The docs page in a real browser: Chromium (Debian's `chromium` package, or CHROMIUM_PATH) loads
 * /api/v1/docs from the API alone, without a credential and with every other address blocked, and
 * lists every operation of the document. Skipped, saying so, where no Chromium is installed.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { z } from 'zod';
import { startApiHarness, type ApiHarness } from './harness';

const CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
const executablePath = CANDIDATES.find(
  (candidate): candidate is string => candidate !== undefined && candidate !== '' && existsSync(candidate),
);

const documentSchema = z.object({ paths: z.record(z.string(), z.record(z.string(), z.object({ operationId: z.string() }).loose())) });

if (!executablePath) {
  test.skip('the docs page in Chromium: skipped, no Chromium found (apt-get install chromium, or set CHROMIUM_PATH)', () => undefined);
} else {
  let api: ApiHarness;
  let browser: Browser;

  beforeAll(async () => {
    api = await startApiHarness();
    // As root (CI), Chromium runs only without its sandbox.
    browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
  });
  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  test('lists every operation of the document, from files the API serves itself', async () => {
    const document = documentSchema.parse((await api.call('GET', '/api/v1/openapi.json', undefined, null)).body);
    const operations = Object.entries(document.paths)
      .flatMap(([path, byMethod]) => Object.keys(byMethod).map((method) => `${method.toUpperCase()} ${path}`))
      .sort();

    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    const origin = new URL(api.url).origin;
    // Anything the page asks of another address is a dependency on a network the machine may not have.
    await page.route('**/*', async (route) => {
      const url = route.request().url();
      if (url.startsWith(origin) || url.startsWith('data:')) return route.continue();
      problems.push(`asked another site: ${url}`);
      return route.abort();
    });

    const response = await page.goto(`${api.url}/api/v1/docs`);
    expect(response?.status()).toBe(200);
    await page.locator('.opblock').first().waitFor({ timeout: 60_000 });
    const listed = await page.$$eval('.opblock', (blocks) =>
      blocks.map((block) => {
        const method = block.querySelector('.opblock-summary-method')?.textContent?.trim() ?? '';
        const path = block.querySelector('.opblock-summary-path')?.getAttribute('data-path') ?? '';
        return `${method} ${path}`;
      }),
    );
    expect(listed.sort()).toEqual(operations);
    expect(await page.title()).toBe('Insight Hub API');
    expect(problems).toEqual([]);
    await page.close();
  });
}
