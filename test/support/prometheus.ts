/**
 * A real Prometheus (Debian's package, installed by scripts/prometheus.sh) for a test file: a
 * configuration of its own in a temporary folder, a free port, scraping the given targets every
 * second with the scrape token and evaluating the given rule files every second. Stopped at teardown.
 */
import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { freeLoopbackPort } from '../../worker/temporal-runtime';
import type { Defer } from './fixture';
import { startServerProcess } from './server-process';
import { tempDir } from './temp-dir';

/** Where the binaries are, or why they are not (the test says so and is skipped outside CI). */
export function prometheusTools(): { missing: string } | { prometheus: string; promtool: string; amtool: string | undefined } {
  const which = (name: string): string | undefined => {
    try {
      return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim() || undefined;
    } catch {
      return undefined;
    }
  };
  const prometheus = which('prometheus');
  const promtool = which('promtool');
  if (!prometheus || !promtool) return { missing: 'Prometheus is not installed (bash scripts/prometheus.sh installs Debian’s package)' };
  return { prometheus, promtool, amtool: which('amtool') };
}

export interface ScrapeTarget {
  job: string;
  /** http://host:port of a server serving /metrics. */
  url: string;
}

export interface RunningPrometheus {
  url: string;
  /** The alerts as Prometheus's HTTP API lists them. */
  alerts(): Promise<PrometheusAlert[]>;
  /** The targets' health, by job. */
  targets(): Promise<{ job: string; health: string; lastError: string }[]>;
}

const alertSchema = z.object({
  labels: z.record(z.string(), z.string()),
  annotations: z.record(z.string(), z.string()),
  state: z.string(),
});
export type PrometheusAlert = z.infer<typeof alertSchema>;
const alertsAnswer = z.object({ status: z.literal('success'), data: z.object({ alerts: z.array(alertSchema) }) });
const targetsAnswer = z.object({
  status: z.literal('success'),
  data: z.object({
    activeTargets: z.array(z.object({ labels: z.object({ job: z.string() }).loose(), health: z.string(), lastError: z.string() })),
  }),
});

function configuration(targets: readonly ScrapeTarget[], token: string, ruleFiles: readonly string[]): string {
  // JSON is YAML: no YAML library needed to write Prometheus's configuration.
  return JSON.stringify({
    global: { scrape_interval: '1s', evaluation_interval: '1s' },
    rule_files: ruleFiles,
    scrape_configs: targets.map(({ job, url }) => ({
      job_name: job,
      authorization: { type: 'Bearer', credentials: token },
      static_configs: [{ targets: [new URL(url).host] }],
    })),
  });
}

export async function startPrometheus(
  options: { targets: readonly ScrapeTarget[]; token: string; ruleFiles: readonly string[]; binary: string },
  defer: Defer,
): Promise<RunningPrometheus> {
  const dir = await tempDir('insight-hub-prometheus-', defer);
  const config = path.join(dir, 'prometheus.yml');
  await writeFile(config, configuration(options.targets, options.token, options.ruleFiles));
  const port = await freeLoopbackPort();
  const args = [`--config.file=${config}`, `--storage.tsdb.path=${path.join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`];
  const url = `http://127.0.0.1:${port}`;
  await startServerProcess(
    { name: 'prometheus', command: options.binary, args: [...args, '--log.level=warn'], readyUrl: `${url}/-/ready` },
    defer,
  );
  const getJson = async (route: string): Promise<unknown> => (await fetch(`${url}${route}`)).json();
  return {
    url,
    alerts: async () => alertsAnswer.parse(await getJson('/api/v1/alerts')).data.alerts,
    targets: async () =>
      targetsAnswer
        .parse(await getJson('/api/v1/targets'))
        .data.activeTargets.map((t) => ({ job: t.labels.job, health: t.health, lastError: t.lastError })),
  };
}
