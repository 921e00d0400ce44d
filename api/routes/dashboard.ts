/**
 * The team's web dashboard, served at /dashboard: one page and its ES modules (the front end in
 * dashboard/, Preact, htm and ECharts from their packages' own ESM builds, resolved by an import
 * map). No build step: the files are served as they are. The page and its files hold no data and
 * no secret, so they are public; every figure comes from the API's own routes, called with the
 * signed-in credential and refused by the same access control as any other client.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { Response } from 'express';
import { z } from 'zod';
import { defineRoute, describedRouter, type DescribedRouter } from '../contract';
import { notFound } from '../errors';
import { pageHeaders, pagePolicy, inlineSource } from '../page-security';
import { htmlPageAnswer, pageFileAnswers } from '../response-schemas';
import { parseRequest } from '../validation';

export const DASHBOARD_PATH = '/dashboard';

const TAG = 'dashboard';
const FRONT_END_DIR = path.join(__dirname, '..', '..', 'dashboard');
const NODE_MODULES = path.dirname(path.dirname(require.resolve('preact/package.json')));

/** The packages' browser builds, under the names the import map gives them. */
const VENDOR: Record<string, string> = {
  preact: 'preact/dist/preact.mjs',
  'preact/hooks': 'preact/hooks/dist/hooks.mjs',
  htm: 'htm/dist/htm.mjs',
  echarts: 'echarts/dist/echarts.esm.min.mjs',
};
const vendorAsset = (name: string): string => `vendor/${name.replace('/', '-')}.mjs`;

const TYPES: Record<string, string> = { '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css' };

/** Every file the page may load, by its path under /dashboard/: nothing else of either folder is served. */
function assetFiles(): Map<string, string> {
  const files = new Map<string, string>();
  for (const entry of readdirSync(FRONT_END_DIR, { recursive: true, encoding: 'utf8' })) {
    const relative = entry.split(path.sep).join('/');
    if (path.extname(relative) in TYPES) files.set(relative, path.join(FRONT_END_DIR, entry));
  }
  for (const [name, file] of Object.entries(VENDOR)) files.set(vendorAsset(name), path.join(NODE_MODULES, file));
  return files;
}

const IMPORT_MAP = JSON.stringify({
  imports: Object.fromEntries(Object.keys(VENDOR).map((name) => [name, `${DASHBOARD_PATH}/${vendorAsset(name)}`])),
});

/**
 * Only this server's scripts run: the import map is inline (browsers take no other kind), so it is
 * allowed by its hash, and nothing else inline is. Styles only from the style sheet; calls only to this API.
 */
const CONTENT_SECURITY_POLICY = pagePolicy({ script: `'self' ${inlineSource(IMPORT_MAP)}`, style: "'self'", img: "'self' data: blob:" });

const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>Insight Hub</title>
    <link rel="icon" href="data:,">
    <link rel="stylesheet" href="${DASHBOARD_PATH}/style.css">
    <script type="importmap">${IMPORT_MAP}</script>
    <script type="module" src="${DASHBOARD_PATH}/app.js"></script>
  </head>
  <body>
    <div id="app"><p class="loading">Loading the dashboard…</p></div>
  </body>
</html>
`;

const securityHeaders = (res: Response): Response => pageHeaders(res, CONTENT_SECURITY_POLICY);

export const dashboardPageRoute = defineRoute({
  method: 'GET',
  path: DASHBOARD_PATH,
  operationId: 'dashboardPage',
  summary: "The team's dashboard (connectors, approvals, runs and audit, insights, ROI); it signs in with an API key or a JWT",
  description: 'Pages are addressed after the #: /dashboard/#/approvals/<approvalId> opens an approval.',
  tag: TAG,
  responses: { 200: htmlPageAnswer },
});

const assetParamsSchema = z.object({
  asset: z.preprocess(
    (value) => (Array.isArray(value) ? value.join('/') : value),
    z.string().min(1).max(200).describe('a script or style sheet of the page, e.g. app.js, pages/connectors.js, vendor/preact.mjs'),
  ),
});

export const dashboardAssetRoute = defineRoute({
  method: 'GET',
  path: `${DASHBOARD_PATH}/*asset`,
  operationId: 'dashboardAsset',
  summary: "A script or style sheet of the dashboard (its own modules, and Preact's, htm's and ECharts' ES module builds)",
  tag: TAG,
  request: { params: assetParamsSchema },
  responses: pageFileAnswers(['text/javascript', 'text/css'], 'the dashboard has no such file'),
});

/** Mounted at the root. */
export function dashboardRoutes(): DescribedRouter {
  const files = assetFiles();
  const routes = describedRouter();
  routes.serve(dashboardPageRoute, (_req, res) => {
    securityHeaders(res).type('html').send(PAGE);
  });
  routes.serve(dashboardAssetRoute, (req, res) => {
    const { asset } = parseRequest(assetParamsSchema, req.params, 'path parameters');
    const file = files.get(asset);
    if (!file) throw notFound(`the dashboard has no file ${asset}`);
    securityHeaders(res).type(TYPES[path.extname(file)] ?? 'application/octet-stream');
    res.sendFile(file);
  });
  return routes;
}
