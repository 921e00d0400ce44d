/**
 * The dashboard's files as the API serves them, without a browser: the page's policy allows exactly
 * its inline import map (by hash) and no other inline script, every module the import map and the
 * page name is served as JavaScript, and nothing outside the dashboard's files is.
 */
import { createHash } from 'node:crypto';
import { startApiHarness, type ApiHarness } from '../api/harness';

let api: ApiHarness;

beforeAll(async () => {
  api = await startApiHarness();
});
afterAll(async () => {
  await api.close();
});

const importMapOf = (page: string): string => {
  const found = /<script type="importmap">(.*?)<\/script>/s.exec(page);
  if (!found?.[1]) throw new Error('the page has no import map');
  return found[1];
};

test('the page is public, and its policy allows its import map by hash and scripts only from the API', async () => {
  const answer = await api.call('GET', '/dashboard/', undefined, null);
  expect(answer.status).toBe(200);
  const page = String(answer.body);
  const hash = createHash('sha256').update(importMapOf(page)).digest('base64');
  const policy = answer.headers.get('content-security-policy') ?? '';
  expect(policy.split('; ')).toEqual(
    expect.arrayContaining(["default-src 'none'", `script-src 'self' 'sha256-${hash}'`, "style-src 'self'", "connect-src 'self'"]),
  );
  expect(page.match(/<script(?![^>]*(type="importmap"|src=))/g)).toBeNull();
  expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
});

test('serves every module the page and its import map name, as JavaScript', async () => {
  const page = String((await api.call('GET', '/dashboard', undefined, null)).body);
  const imports = Object.values(JSON.parse(importMapOf(page)).imports as Record<string, string>);
  for (const path of [...imports, '/dashboard/app.js', '/dashboard/pages/approvals.js']) {
    const answer = await api.call('GET', path, undefined, null);
    expect({ path, status: answer.status, type: answer.headers.get('content-type') }).toEqual({
      path,
      status: 200,
      type: expect.stringMatching(/^text\/javascript/),
    });
  }
  expect((await api.call('GET', '/dashboard/style.css', undefined, null)).headers.get('content-type')).toMatch(/^text\/css/);
});

test('serves nothing else: other files of the folder or the packages are a 404', async () => {
  for (const path of [
    '/dashboard/pages%2F..%2F..%2Fpackage.json',
    '/dashboard/vendor/preact.js',
    '/dashboard/pages/missing.js',
    '/dashboard/README.md',
  ]) {
    const answer = await api.call('GET', path, undefined, null);
    expect({ path, status: answer.status }).toEqual({ path, status: 404 });
  }
});
