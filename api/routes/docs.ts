/**
 * The API describing itself: GET /api/v1/openapi.json (the generated document) and /api/v1/docs, a
 * page that shows it with Swagger UI. The page's scripts and styles come from the swagger-ui-dist
 * package and are served from here: the page needs nothing but this server.
 */
import path from 'node:path';
import { z } from 'zod';
import { DOCS_PATH, OPENAPI_PATH } from '../auth/policy';
import { defineRoute, describedRouter, type DescribedRouter } from '../contract';
import { notFound } from '../errors';
import { API_TITLE, type OpenApiDocument } from '../openapi';
import { htmlPageAnswer, pageFileAnswers } from '../response-schemas';
import { parseRequest } from '../validation';

const TAG = 'documentation';

const SWAGGER_UI_DIR = path.dirname(require.resolve('swagger-ui-dist/package.json'));

/** The page's start-up script: a file of its own rather than inline, so a strict Content-Security-Policy can allow it. */
const INIT_SCRIPT = `window.ui = SwaggerUIBundle({
  url: ${JSON.stringify(OPENAPI_PATH)},
  dom_id: '#docs',
  deepLinking: true,
  defaultModelsExpandDepth: 0,
});
`;

/** The files the page loads, by name: nothing else of the package's folder is served. */
const ASSETS: Record<string, { type: string; file?: string; content?: string }> = {
  'swagger-ui.css': { type: 'text/css', file: 'swagger-ui.css' },
  'swagger-ui-bundle.js': { type: 'application/javascript', file: 'swagger-ui-bundle.js' },
  'init.js': { type: 'application/javascript', content: INIT_SCRIPT },
};

const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>${API_TITLE}</title>
    <link rel="icon" href="data:,">
    <link rel="stylesheet" href="${DOCS_PATH}/swagger-ui.css">
  </head>
  <body>
    <div id="docs"></div>
    <script src="${DOCS_PATH}/swagger-ui-bundle.js"></script>
    <script src="${DOCS_PATH}/init.js"></script>
  </body>
</html>
`;

export const openApiDocumentRoute = defineRoute({
  method: 'GET',
  path: OPENAPI_PATH,
  operationId: 'openApiDocument',
  summary: 'This document: every route the API serves, generated from the schemas that validate it',
  tag: TAG,
  responses: { 200: { description: 'the OpenAPI 3.0 document', schema: z.record(z.string(), z.unknown()) } },
});

export const docsPageRoute = defineRoute({
  method: 'GET',
  path: DOCS_PATH,
  operationId: 'docsPage',
  summary: 'The API documentation page (Swagger UI over this document); its scripts are served here, no other site is contacted',
  tag: TAG,
  responses: { 200: htmlPageAnswer },
});

const assetParamsSchema = z.object({ asset: z.string().describe(`one of ${Object.keys(ASSETS).join(', ')}`) });

export const docsAssetRoute = defineRoute({
  method: 'GET',
  path: `${DOCS_PATH}/:asset`,
  operationId: 'docsAsset',
  summary: 'A script or style sheet of the documentation page',
  tag: TAG,
  request: { params: assetParamsSchema },
  responses: pageFileAnswers(['text/css', 'application/javascript'], 'the page has no such file'),
});

/** Mounted at the root; `document` is read per request, as it is made once every route is mounted. */
export function docsRoutes(document: () => OpenApiDocument): DescribedRouter {
  const routes = describedRouter();
  routes.serve(openApiDocumentRoute, (_req, res) => {
    res.json(document());
  });
  routes.serve(docsPageRoute, (_req, res) => {
    res.type('html').send(PAGE);
  });
  routes.serve(docsAssetRoute, (req, res) => {
    const { asset } = parseRequest(assetParamsSchema, req.params, 'path parameters');
    const found = Object.hasOwn(ASSETS, asset) ? ASSETS[asset] : undefined;
    if (!found) throw notFound(`the documentation page has no file ${asset}: it has ${Object.keys(ASSETS).join(', ')}`);
    res.type(found.type).set('Cache-Control', 'public, max-age=3600');
    if (found.file) res.sendFile(path.join(SWAGGER_UI_DIR, found.file));
    else res.send(found.content);
  });
  return routes;
}
