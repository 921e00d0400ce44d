/**
 * The Grafana dashboards are code (deploy/grafana/dashboards.ts): the committed JSON is what the code
 * generates, and every query names a metric of ours or the Temporal SDK's. That those metrics are
 * served by the running API and workers is checked against live scrapes in prometheus.test.ts.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { renderDashboards } from '../../deploy/grafana/dashboards';
import { exprsOf, metricNamesIn } from './metric-names';

test('the committed dashboards are the generated ones (npx tsx deploy/grafana/dashboards.ts writes them)', async () => {
  const rendered = await renderDashboards();
  expect(rendered.map(({ file }) => path.basename(file)).sort()).toEqual(['insight-hub-connectors.json', 'insight-hub-workers.json']);
  for (const { file, content } of rendered) expect(await readFile(file, 'utf8')).toBe(content);
});

test('every panel queries Prometheus through the chosen data source, for metrics of ours or the SDK', async () => {
  for (const { content } of await renderDashboards()) {
    const dashboard: unknown = JSON.parse(content);
    const exprs = exprsOf(dashboard);
    expect(exprs.length).toBeGreaterThan(3);
    for (const expr of exprs) expect(metricNamesIn(expr).length).toBeGreaterThan(0);
    expect(content).toContain('"uid": "${datasource}"');
  }
});
