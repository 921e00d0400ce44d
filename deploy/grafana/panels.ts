/** What the dashboards are built from (deploy/grafana/dashboards.ts): the frame with its variables, a Prometheus panel, a 95th percentile. */
import {
  DashboardBuilder,
  DatasourceVariableBuilder,
  QueryVariableBuilder,
  ThresholdsConfigBuilder,
  ThresholdsMode,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { DataqueryBuilder } from '@grafana/grafana-foundation-sdk/prometheus';
import { PanelBuilder } from '@grafana/grafana-foundation-sdk/timeseries';

export const DATASOURCE = { type: 'prometheus', uid: '${datasource}' };
/** Every query is narrowed to the connectors picked at the top of the dashboard. */
export const CONNECTORS = 'connector_id=~"$connector"';

interface Query {
  expr: string;
  legend: string;
}

export interface PanelSpec {
  title: string;
  description: string;
  unit: string;
  queries: Query[];
  /** A red line at this value (an alert's threshold). */
  threshold?: number;
}

export function panel(spec: PanelSpec): PanelBuilder {
  const built = new PanelBuilder()
    .title(spec.title)
    .description(spec.description)
    .datasource(DATASOURCE)
    .unit(spec.unit)
    .min(0)
    .height(8)
    .span(12);
  for (const [i, query] of spec.queries.entries()) {
    built.withTarget(
      new DataqueryBuilder()
        .refId(String.fromCharCode(65 + i))
        .expr(query.expr)
        .legendFormat(query.legend),
    );
  }
  if (spec.threshold !== undefined) {
    built.thresholds(
      new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps([
        { value: null, color: 'green' },
        { value: spec.threshold, color: 'red' },
      ]),
    );
  }
  return built;
}

export const p95 = (histogram: string, by: string, filter = CONNECTORS): string =>
  `histogram_quantile(0.95, sum by (le, ${by}) (rate(${histogram}_bucket{${filter}}[$__rate_interval])))`;

/** A counter's increase over each `window` (`1h`, `1d`), summed by the labels `by`. */
export const increaseOver = (window: string, counter: string, by: string, filter = CONNECTORS): string =>
  `sum by (${by}) (increase(${selected(counter, filter)}[${window}]))`;

/** A counter's rate per second, summed by the labels `by`. */
export const perSecond = (counter: string, by: string, filter = CONNECTORS): string =>
  `sum by (${by}) (rate(${selected(counter, filter)}[$__rate_interval]))`;

/** The metric narrowed by the filter; no filter (''): the bare name, every series of it. */
const selected = (metric: string, filter: string): string => (filter === '' ? metric : `${metric}{${filter}}`);

export interface DashboardSpec {
  uid: string;
  title: string;
  description: string;
  tags: string[];
  /** The start of the time range shown, which ends now: `now-24h`. */
  from: string;
  /** A connector picker narrows every query (CONNECTORS). */
  withConnectors: boolean;
}

/** An Insight Hub dashboard, refreshed every minute, before its rows and panels. */
export function dashboard(spec: DashboardSpec): DashboardBuilder {
  const builder = new DashboardBuilder(spec.title)
    .uid(spec.uid)
    .description(spec.description)
    .tags(spec.tags)
    .refresh('1m')
    .time({ from: spec.from, to: 'now' });
  return variables(builder, spec.withConnectors);
}

function variables(builder: DashboardBuilder, withConnectors: boolean): DashboardBuilder {
  builder.withVariable(new DatasourceVariableBuilder('datasource').label('Prometheus').type('prometheus'));
  if (!withConnectors) return builder;
  return builder.withVariable(
    new QueryVariableBuilder('connector')
      .label('Connector')
      .datasource(DATASOURCE)
      .query('label_values(insight_hub_freshness_seconds, connector_id)')
      .multi(true)
      .includeAll(true)
      .allValue('.*'),
  );
}
