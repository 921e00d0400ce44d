/**
 * Connectors: each connector's health, freshness against its target, last runs, rows loaded and
 * quarantined, quality by rule, API usage against each limit and estimated warehouse cost per day —
 * one call, GET /api/v1/connector-health, over the window picked.
 */
import { useState } from 'preact/hooks';
import { get, query } from '../api.js';
import { windowOf, WindowPicker } from '../connector-list.js';
import { link } from '../router.js';
import { Chart, duration, Figures, html, Loaded, number, percent, Table, usd, useApi, when } from '../ui.js';

const HEALTH_CLASS = { healthy: 'status-ok', stale: 'status-warn', paused: 'status-warn', 'no-runs': 'muted', failing: 'status-bad' };

function Freshness({ freshness }) {
  if (freshness.seconds === null) return html`<span class="muted">nothing loaded yet</span>`;
  const target = freshness.targetSeconds === null ? 'no target' : `target ${duration(freshness.targetSeconds)}`;
  return html`<span class=${freshness.met === false ? 'status-bad' : 'status-ok'}>${duration(freshness.seconds)} old</span>
    <span class="muted"> (${target})</span>`;
}

const ApiUsage = ({ usage }) =>
  usage.length === 0
    ? html`<span class="muted">no calls counted</span>`
    : html`<ul class="plain">
        ${usage.map(
          (window) =>
            html`<li>
              <meter min="0" max=${window.limit} high=${window.limit * 0.8} value=${window.used}></meter>
              ${window.scope}: ${number(window.used)} of ${number(window.limit)} (${percent(window.share)})
            </li>`,
        )}
      </ul>`;

const QualityByRule = ({ rules }) => {
  const entries = Object.entries(rules).sort(([, a], [, b]) => b - a);
  return entries.length === 0
    ? html`<span class="muted">no row failed a rule</span>`
    : html`<ul class="plain">
        ${entries.map(([rule, share]) => html`<li><code>${rule}</code> ${percent(share)}</li>`)}
      </ul>`;
};

const costOption = (connector) => ({
  grid: { left: 56, right: 16, top: 24, bottom: 28 },
  tooltip: { trigger: 'axis', valueFormatter: (value) => usd(value) },
  xAxis: { type: 'category', data: connector.costPerDay.map((day) => day.date) },
  yAxis: { type: 'value', name: 'USD / day' },
  series: [{ type: 'bar', name: 'estimated warehouse cost', data: connector.costPerDay.map((day) => day.usd) }],
});

function ConnectorCard({ connector }) {
  return html`<section class="connector" data-connector=${connector.connectorId}>
    <h2>
      ${connector.name}
      <span class=${HEALTH_CLASS[connector.health]}> · ${connector.health}</span>
    </h2>
    <p class="muted">
      ${connector.source} → ${connector.destination} · ${connector.status} · owner ${connector.userId} · ${connector.connectorId}
    </p>
    <${Figures}
      items=${[
        ['Freshness', html`<${Freshness} freshness=${connector.freshness} />`],
        ['Rows loaded', number(connector.rowsLoaded)],
        ['Rows quarantined', number(connector.rowsQuarantined)],
        ['Warehouse cost in the window', usd(connector.costPerDay.reduce((sum, day) => sum + day.usd, 0))],
      ]}
    />
    <h3>Quality by rule (quarantined share of rows evaluated)</h3>
    <${QualityByRule} rules=${connector.qualityByRule} />
    <h3>API usage against each limit</h3>
    <${ApiUsage} usage=${connector.apiUsage} />
    <h3>Last runs</h3>
    <${Table}
      label=${`last runs of ${connector.name}`}
      rows=${connector.lastRuns}
      rowKey=${(run) => run.workflowId}
      empty="No run yet."
      columns=${[
        ['Started', (run) => when(run.startedAt)],
        ['Status', (run) => html`<a href=${link(['runs', run.workflowId])}>${run.status}</a>`],
        ['Loaded', (run) => number(run.rowsLoaded)],
        ['Quarantined', (run) => number(run.rowsQuarantined)],
      ]}
    />
    <h3>Estimated warehouse cost per day</h3>
    ${
      connector.costPerDay.length === 0
        ? html`<p class="empty">No load cost recorded in the window.</p>`
        : html`<${Chart} label=${`estimated warehouse cost per day of ${connector.name}`} option=${costOption(connector)} height=${200} />`
    }
  </section>`;
}

/** #/connectors/<connectorId> (the link notifications carry) shows that connector alone. */
export function ConnectorsPage({ rest }) {
  const [only] = rest;
  const [days, setDays] = useState(7);
  const state = useApi(() => get(`/api/v1/connector-health${query(windowOf(days))}`), [days]);
  return html`<h1>Connectors</h1>
    <div class="filters"><${WindowPicker} days=${days} onChange=${setDays} /></div>
    <${Loaded} state=${state}>
      ${({ connectors, generatedAt }) => {
        const shown = only ? connectors.filter((connector) => connector.connectorId === only) : connectors;
        const summary = `${shown.length} connectors · figures as of ${when(generatedAt)}`;
        return html`<p class="muted">${only ? html`<a href=${link(['connectors'])}>← all connectors</a> · ` : null}${summary}</p>
          ${shown.length === 0 ? html`<p class="empty">${only ? `No connector ${only} that you may see.` : 'No connector yet: create one through the API.'}</p>` : null}
          ${shown.map((connector) => html`<${ConnectorCard} key=${connector.connectorId} connector=${connector} />`)}`;
      }}
    <//>`;
}
