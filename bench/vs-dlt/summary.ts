/** Min and median per system, the limit (fetch + upsert of the same round) and the ratios. Pure. */
import type { ActivityTime } from '../cycle-profile';

export const SYSTEMS = ['insight-hub', 'dlt-arrow', 'dlt-dicts', 'fetch', 'upsert'] as const;
export type SystemName = (typeof SYSTEMS)[number];

export interface Sample {
  system: SystemName;
  seconds: number;
  /** Insight Hub: seconds until its last batch was committed, before the models' refresh (bench/cycle-profile.ts). */
  committedSeconds?: number;
  cpuSeconds?: number;
  peakRssMiB?: number;
  loaded?: number;
  extracted?: number;
  quarantined?: number;
  /** Insight Hub's cycle: where its time went, per activity type (bench/cycle-profile.ts). */
  activities?: Record<string, ActivityTime>;
}

export interface Figures {
  runs: number;
  minSeconds: number;
  medianSeconds: number;
  medianCpuSeconds?: number;
  maxPeakRssMiB?: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? NaN) : ((sorted[middle - 1] ?? NaN) + (sorted[middle] ?? NaN)) / 2;
}

function figuresOf(samples: Sample[]): Figures {
  const seconds = samples.map((s) => s.seconds);
  const cpu = samples.flatMap((s) => (s.cpuSeconds === undefined ? [] : [s.cpuSeconds]));
  const rss = samples.flatMap((s) => (s.peakRssMiB === undefined ? [] : [s.peakRssMiB]));
  return {
    runs: samples.length,
    minSeconds: Math.min(...seconds),
    medianSeconds: median(seconds),
    ...(cpu.length > 0 ? { medianCpuSeconds: median(cpu) } : {}),
    ...(rss.length > 0 ? { maxPeakRssMiB: Math.max(...rss) } : {}),
  };
}

export interface Summary {
  systems: Record<SystemName | 'limit', Figures>;
  /** Insight Hub's activities, the median over its runs of each type's count and summed seconds. */
  insightHubActivities: Record<string, ActivityTime>;
  /** Insight Hub's median seconds until its last batch was committed (before the models' refresh), when its runs said. */
  insightHubCommittedSeconds?: number;
  ratios: {
    /** Insight Hub's median over the limit's: the goal is at most 1.5. */
    insightHubOverLimit: number;
    /** dlt's best median over Insight Hub's: the goal is at least 3. */
    dltBestOverInsightHub: number;
  };
}

function activityMedians(samples: Sample[]): Record<string, ActivityTime> {
  const profiled = samples.flatMap((s) => (s.activities ? [s.activities] : []));
  const types = [...new Set(profiled.flatMap((activities) => Object.keys(activities)))];
  const medianOf = (type: string, field: keyof ActivityTime) => median(profiled.map((activities) => activities[type]?.[field] ?? 0));
  const entries = types.map((type): [string, ActivityTime] => [
    type,
    { count: medianOf(type, 'count'), runSeconds: medianOf(type, 'runSeconds'), waitSeconds: medianOf(type, 'waitSeconds') },
  ]);
  return Object.fromEntries(entries.sort(([, a], [, b]) => b.runSeconds - a.runSeconds));
}

export function summarize(samples: Sample[]): Summary {
  const of = (system: SystemName) => samples.filter((s) => s.system === system);
  const fetches = of('fetch');
  const upserts = of('upsert');
  const limit: Sample[] = fetches.map((fetch, at) => ({ system: 'fetch', seconds: fetch.seconds + (upserts[at]?.seconds ?? NaN) }));
  const systems = {
    ...(Object.fromEntries(SYSTEMS.map((system) => [system, figuresOf(of(system))])) as Record<SystemName, Figures>),
    limit: figuresOf(limit),
  };
  const dltBest = Math.min(systems['dlt-arrow'].medianSeconds, systems['dlt-dicts'].medianSeconds);
  const committed = of('insight-hub').flatMap((s) => (s.committedSeconds === undefined ? [] : [s.committedSeconds]));
  return {
    systems,
    insightHubActivities: activityMedians(of('insight-hub')),
    ...(committed.length > 0 && { insightHubCommittedSeconds: median(committed) }),
    ratios: {
      insightHubOverLimit: systems['insight-hub'].medianSeconds / systems.limit.medianSeconds,
      dltBestOverInsightHub: dltBest / systems['insight-hub'].medianSeconds,
    },
  };
}

const LABELS: Record<SystemName | 'limit', string> = {
  'insight-hub': 'Insight Hub, one cycle',
  'dlt-arrow': 'dlt 1.31, Arrow tables',
  'dlt-dicts': 'dlt 1.31, dicts → Parquet',
  fetch: 'fetch and parse every page',
  upsert: "DuckDB's own upsert of the rows",
  limit: 'limit (fetch + upsert)',
};

export function markdownTable(summary: Summary, contacts: number): string {
  const seconds = (value: number | undefined) => (value === undefined ? '–' : value.toFixed(1));
  const rows = (Object.keys(LABELS) as (SystemName | 'limit')[]).map((system) => {
    const f = summary.systems[system];
    const rss = f.maxPeakRssMiB === undefined ? '–' : f.maxPeakRssMiB.toFixed(0);
    return `| ${LABELS[system]} | ${seconds(f.minSeconds)} | ${seconds(f.medianSeconds)} | ${seconds(f.medianCpuSeconds)} | ${rss} |`;
  });
  const { insightHubOverLimit, dltBestOverInsightHub } = summary.ratios;
  return [
    `| ${contacts.toLocaleString('en-US')} contacts | min s | median s | CPU-s (median) | peak RSS MiB |`,
    '|---|---|---|---|---|',
    ...rows,
    '',
    `Insight Hub ÷ limit: **${insightHubOverLimit.toFixed(2)}×** (goal ≤ 1.5×); dlt's best ÷ Insight Hub: ` +
      `**${dltBestOverInsightHub.toFixed(2)}×** (goal ≥ 3×; below 1 means dlt is faster).`,
    ...committedLine(summary),
    ...activityLines(summary.insightHubActivities),
  ].join('\n');
}

/** Insight Hub's cycle up to its last commit, which is what dlt's run does: it refreshes no models after. */
function committedLine(summary: Summary): string[] {
  const committed = summary.insightHubCommittedSeconds;
  if (committed === undefined) return [];
  const limit = summary.systems.limit.medianSeconds;
  return [
    '',
    `Insight Hub's cycle until its last batch was committed, before the customer models' refresh: median ` +
      `${committed.toFixed(1)} s, ${(committed / limit).toFixed(2)}× the limit.`,
  ];
}

/** Where Insight Hub's cycle went, from its workflow history: activities overlap, so they may sum past the cycle. */
function activityLines(activities: Record<string, ActivityTime>): string[] {
  const types = Object.entries(activities);
  if (types.length === 0) return [];
  return [
    '',
    "Insight Hub's activities (medians over its runs; from the workflow history, activities may overlap):",
    '',
    '| activity | count | running s | waiting for a worker s |',
    '|---|---|---|---|',
    ...types.map(([type, t]) => `| \`${type}\` | ${t.count} | ${t.runSeconds.toFixed(2)} | ${t.waitSeconds.toFixed(2)} |`),
  ];
}
