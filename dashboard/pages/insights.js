/**
 * Insights over the customer models in a connector's destination: campaign performance, content
 * performance, brand sentiment over time, and the segmentation pane with drill-through to one
 * customer's timeline (#/insights/customers/<customer_key>).
 */
import { useState } from 'preact/hooks';
import { ConnectorPicker, useConnectorList } from '../connector-list.js';
import { campaignsQuery, contentQuery, sentimentQuery } from '../insight-sql.js';
import { modelsOf, rowsOf } from '../models.js';
import { Chart, html, Loaded, Notice, number, Table, useApi, usd } from '../ui.js';
import { Handoff } from './handoff.js';
import { CustomerTimeline, Segments } from './segments.js';

/** A trend needs two days at least: with fewer, say so instead of drawing a point. */
const MINIMUM_DAYS = 2;

const day = (value) => String(value).slice(0, 10);

/** A pane over one query of the models: its heading, what to know when reading it, and its rows once loaded. */
function ModelPane({ place, query, title, note, children }) {
  const state = useApi(() => rowsOf(place, query(place)), [place.connectorId]);
  return html`<section>
    <h2>${title}</h2>
    ${note && html`<p class="muted">${note}</p>`}
    <${Loaded} state=${state}>${children}<//>
  </section>`;
}

function Campaigns({ place }) {
  const note = "Unique reach counts each person once across the campaign's days (never a sum of daily reach).";
  return html`<${ModelPane} place=${place} query=${campaignsQuery} title="Campaign performance" note=${note}>
    ${(rows) =>
      html`<${Table}
        label="campaign performance"
        rows=${rows}
        rowKey=${(row) => row.campaign_id}
        empty="No campaign in the models yet: load Salesforce campaign members or SendGrid events first."
        columns=${[
          ['Campaign', (r) => (r.campaign_name ? `${r.campaign_name} (${r.campaign_id})` : r.campaign_id)],
          ['Members', (r) => number(Number(r.members))],
          ['Unique reach', (r) => number(Number(r.reach))],
          [
            'Delivered / opened / clicked',
            (r) => `${number(Number(r.delivered))} / ${number(Number(r.opened))} / ${number(Number(r.clicked))}`,
          ],
          ['Tickets of reached', (r) => number(Number(r.tickets))],
          ['Won', (r) => `${number(Number(r.won))} (${usd(Number(r.amount_won ?? 0))})`],
        ]}
      />`}
  <//>`;
}

function Content({ place }) {
  const note = 'Views add up over days; unique visitors and time on page do not, so they are read per day in the model, never summed here.';
  return html`<${ModelPane} place=${place} query=${contentQuery} title="Content performance" note=${note}>
    ${(rows) =>
      html`<${Table}
        label="content performance"
        rows=${rows}
        rowKey=${(row) => row.content_id}
        empty="No content views in the models yet: load the CMS and GA4 first."
        columns=${[
          ['Content', (r) => r.title ?? r.content_id],
          ['Type', (r) => r.content_type],
          ['Views', (r) => number(Number(r.views))],
          ['Days', (r) => number(Number(r.days))],
          ['Last day', (r) => day(r.last_day)],
        ]}
      />`}
  <//>`;
}

const sentimentOption = (rows) => ({
  grid: { left: 48, right: 48, top: 32, bottom: 28 },
  legend: { top: 0 },
  tooltip: { trigger: 'axis' },
  xAxis: { type: 'category', data: rows.map((row) => day(row.day)) },
  yAxis: [
    { type: 'value', name: 'mentions' },
    { type: 'value', name: 'score', min: -1, max: 1 },
  ],
  series: [
    { type: 'bar', stack: 'mentions', name: 'positive', data: rows.map((row) => Number(row.positive)) },
    { type: 'bar', stack: 'mentions', name: 'neutral', data: rows.map((row) => Number(row.neutral)) },
    { type: 'bar', stack: 'mentions', name: 'negative', data: rows.map((row) => Number(row.negative)) },
    { type: 'line', yAxisIndex: 1, name: 'mean sentiment', data: rows.map((row) => Number(row.score)) },
  ],
});

function Sentiment({ place }) {
  return html`<${ModelPane} place=${place} query=${sentimentQuery} title="Brand sentiment over time">
    ${(rows) =>
      rows.length < MINIMUM_DAYS
        ? html`<${Notice} kind="warn">
            A trend needs Brandwatch mentions on at least ${MINIMUM_DAYS} days; the models hold ${rows.length}. Let the Brandwatch connector
            run on another day.
          <//>`
        : html`<${Chart} label="brand sentiment per day" option=${sentimentOption(rows)} />`}
  <//>`;
}

function Panes({ connectorId, rest, permissions }) {
  const state = useApi(() => modelsOf(connectorId), [connectorId]);
  const [view, customerKey] = rest;
  return html`<${Loaded} state=${state}>
    ${(place) =>
      view === 'customers' && customerKey
        ? html`<${CustomerTimeline} place=${place} customerKey=${customerKey} />`
        : html`<${Segments} place=${place} />
            <${Campaigns} place=${place} />
            <${Content} place=${place} />
            <${Sentiment} place=${place} />
            <${Handoff} place=${place} permissions=${permissions} />`}
  <//>`;
}

export function InsightsPage({ permissions, rest }) {
  const connectors = useConnectorList(permissions);
  const [chosen, setChosen] = useState('');
  const connectorId = chosen || connectors[0]?.id;
  return html`<h1>Insights</h1>
    <div class="filters">
      <${ConnectorPicker} connectors=${connectors} value=${connectorId ?? ''} onChange=${setChosen} />
      <span class="muted">the customer models in this connector's destination</span>
    </div>
    ${connectorId ? html`<${Panes} key=${connectorId} connectorId=${connectorId} rest=${rest} permissions=${permissions} />` : html`<p class="empty">No connector yet.</p>`}`;
}
