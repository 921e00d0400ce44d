/**
 * The docs page in a real browser: Chromium (Debian's `chromium` package, or CHROMIUM_PATH) loads
 * /api/v1/docs from the API alone, without a credential and with every other address blocked, and
 * lists every operation of the document. Skipped, saying so, where no Chromium is installed.
 */
import type { Browser } from 'playwright-core';
import { z } from 'zod';
import { chromiumPath, launchChromium, NO_CHROMIUM, watchForProblems } from '../support/chromium';
import { startApiHarness, type ApiHarness } from './harness';

const documentSchema = z.object({ paths: z.record(z.string(), z.record(z.string(), z.object({ operationId: z.string() }).loose())) });

if (!chromiumPath) {
  test.skip(`the docs page in Chromium: ${NO_CHROMIUM}`, () => undefined);
} else {
  let api: ApiHarness;
  let browser: Browser;

  beforeAll(async () => {
    api = await startApiHarness();
    browser = await launchChromium();
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
    const problems = await watchForProblems(page, new URL(api.url).origin);

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
