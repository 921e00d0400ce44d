/**
 * Insight Hub's Grafana dashboards as code, with Grafana's own foundation SDK. The JSON Grafana reads
 * is generated from here and committed under deploy/grafana/dashboards/ (docker-compose.yml
 * provisions it): `npx tsx deploy/grafana/dashboards.ts` writes it again after a change to a dashboard, and
 * test/observability/dashboards.test.ts fails while the committed JSON differs or a panel asks for a
 * metric that the API and workers do not serve.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import * as prettier from 'prettier';
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { connectorsDashboard } from './connectors-dashboard';
import { workersDashboard } from './workers-dashboard';

export const DASHBOARDS: Record<string, () => Dashboard> = {
  'insight-hub-connectors': connectorsDashboard,
  'insight-hub-workers': workersDashboard,
};

export const DASHBOARD_DIR = path.join(__dirname, 'dashboards');

/** Each dashboard's file and content, as Grafana reads it: JSON in the project's Prettier style (CI checks it). */
export async function renderDashboards(): Promise<{ file: string; content: string }[]> {
  return Promise.all(
    Object.entries(DASHBOARDS).map(async ([uid, build]) => {
      const file = path.join(DASHBOARD_DIR, `${uid}.json`);
      const options = (await prettier.resolveConfig(file)) ?? {};
      return { file, content: await prettier.format(JSON.stringify(build()), { ...options, filepath: file }) };
    }),
  );
}

if (require.main === module) {
  void renderDashboards().then((rendered) => {
    for (const { file, content } of rendered) {
      writeFileSync(file, content);
      process.stdout.write(`wrote ${file}\n`);
    }
  });
}
