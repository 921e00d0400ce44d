/**
 * Chromium for the browser tests: Debian's `chromium` package (or CHROMIUM_PATH), driven by
 * playwright-core. Suites skip, saying so, where none is installed.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

const CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

export const chromiumPath = CANDIDATES.find(
  (candidate): candidate is string => candidate !== undefined && candidate !== '' && existsSync(candidate),
);

export const NO_CHROMIUM = 'skipped, no Chromium found (apt-get install chromium, or set CHROMIUM_PATH)';

/** As root (CI), Chromium runs only without its sandbox. */
export function launchChromium(): Promise<Browser> {
  if (!chromiumPath) throw new Error(`no Chromium: ${NO_CHROMIUM}`);
  return chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'] });
}

/**
 * What went wrong on the page, as it happens: page errors, console errors (Content-Security-Policy
 * violations among them) and any request to another address than `origin` (aborted) — a dependency
 * on a network the machine may not have. A test expects the list to stay empty.
 */
export async function watchForProblems(page: Page, origin: string): Promise<string[]> {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  await page.route('**/*', async (route) => {
    const url = route.request().url();
    if (url.startsWith(origin) || url.startsWith('data:') || url.startsWith('blob:')) return route.continue();
    problems.push(`asked another site: ${url}`);
    return route.abort();
  });
  return problems;
}
