/**
 * The segmentation pane over `customer`: filter by campaign, engagement, ticket sentiment, source and
 * recent activity; each person drills through to their timeline (customer_touchpoint).
 */
import { useState } from 'preact/hooks';
import { link } from '../router.js';
import { rowsOf } from '../models.js';
import { campaignChoicesQuery } from '../insight-sql.js';
import { SEGMENT_SOURCES, segmentQueries, timelineQueries } from '../segment-sql.js';
import { Figures, html, Loaded, number, Table, useApi, when } from '../ui.js';

const NO_FILTER = { campaign: '', minOpened: '', minClicked: '', sentiment: '', source: '', activeDays: '' };
const SEGMENT_SIZE = 50;

function SegmentForm({ place, onApply }) {
  const campaigns = useApi(() => rowsOf(place, campaignChoicesQuery(place)), [place.connectorId]);
  const [filter, setFilter] = useState(NO_FILTER);
  const field = (name) => ({ value: filter[name], onInput: (event) => setFilter({ ...filter, [name]: event.currentTarget.value }) });
  const submit = (event) => {
    event.preventDefault();
    onApply(filter);
  };
  return html`<form class="filters" aria-label="segment filters" onSubmit=${submit}>
    <label>
      Campaign
      <select ...${field('campaign')} onChange=${field('campaign').onInput}>
        <option value="">any</option>
        ${(campaigns.data ?? []).map(
          (row) =>
            html`<option value=${row.campaign_id}>
              ${row.campaign_name ? `${row.campaign_name} (${row.campaign_id})` : row.campaign_id}
            </option>`,
        )}
      </select>
    </label>
    <label>Emails opened at least <input type="number" min="0" ...${field('minOpened')} /></label>
    <label>Emails clicked at least <input type="number" min="0" ...${field('minClicked')} /></label>
    <label>
      Ticket sentiment
      <select ...${field('sentiment')} onChange=${field('sentiment').onInput}>
        <option value="">any</option>
        <option value="negative">negative</option>
        <option value="positive">positive</option>
        <option value="none">no tickets</option>
      </select>
    </label>
    <label>
      Source
      <select ...${field('source')} onChange=${field('source').onInput}>
        <option value="">any</option>
        ${SEGMENT_SOURCES.map((source) => html`<option value=${source}>${source}</option>`)}
      </select>
    </label>
    <label>Active in the last … days <input type="number" min="1" ...${field('activeDays')} /></label>
    <button type="submit">Show the segment</button>
  </form>`;
}

function SegmentResult({ place, filter }) {
  const queries = segmentQueries(place, filter, SEGMENT_SIZE);
  const state = useApi(
    () => Promise.all([queries.count, queries.people].map(({ sql, params }) => rowsOf(place, sql, SEGMENT_SIZE, params))),
    [queries.people.sql, JSON.stringify(queries.people.params)],
  );
  return html`<${Loaded} state=${state}>
    ${([[count], people]) => {
      const size = Number(count?.people ?? 0);
      return html`<p class="segment-size" data-size=${size}>
          <strong>${number(size)}</strong> ${size === 1 ? 'person' : 'people'} in the
          segment${size > SEGMENT_SIZE ? ` (the ${SEGMENT_SIZE} most recently active shown)` : ''}.
        </p>
        <${Table}
          label="customers in the segment"
          rows=${people}
          rowKey=${(person) => person.customer_key}
          empty="Nobody matches: loosen a filter."
          columns=${[
            [
              'Customer',
              (p) =>
                html`<a href=${link(['insights', 'customers', p.customer_key])}
                  >${[p.first_name, p.last_name].filter(Boolean).join(' ') || p.customer_key}</a
                >`,
            ],
            ['Company', (p) => p.company ?? ''],
            ['Sources', (p) => p.sources],
            ['Opened / clicked', (p) => `${number(Number(p.emails_opened))} / ${number(Number(p.emails_clicked))}`],
            ['Tickets', (p) => number(Number(p.tickets))],
            ['Sentiment', (p) => (p.avg_ticket_sentiment === null ? '—' : number(Number(p.avg_ticket_sentiment)))],
            ['Last activity', (p) => when(p.last_activity_at)],
          ]}
        />`;
    }}
  <//>`;
}

export function Segments({ place }) {
  const [filter, setFilter] = useState(NO_FILTER);
  return html`<section>
    <h2>Segments</h2>
    <${SegmentForm} place=${place} onApply=${setFilter} />
    <${SegmentResult} place=${place} filter=${filter} />
  </section>`;
}

export function CustomerTimeline({ place, customerKey }) {
  const queries = timelineQueries(place, customerKey);
  const state = useApi(
    () => Promise.all([queries.customer, queries.touchpoints].map(({ sql, params }) => rowsOf(place, sql, 1000, params))),
    [customerKey],
  );
  return html`<p><a href=${link(['insights'])}>← segments</a></p>
    <${Loaded} state=${state}>
      ${([[customer], touchpoints]) =>
        customer
          ? html`<h2>${[customer.first_name, customer.last_name].filter(Boolean).join(' ') || customer.customer_key}</h2>
              <${Figures}
                items=${[
                  ['Sources', customer.sources],
                  ['CRM records merged', number(Number(customer.crm_records))],
                  ['Customer ids', customer.customer_ids],
                  [
                    'Emails delivered / opened / clicked',
                    `${number(Number(customer.emails_delivered))} / ${number(Number(customer.emails_opened))} / ${number(Number(customer.emails_clicked))}`,
                  ],
                  ['Tickets', number(Number(customer.tickets))],
                  ['First seen', when(customer.first_seen_at)],
                ]}
              />
              <h3>Timeline</h3>
              <${Table}
                label="customer timeline"
                rows=${touchpoints}
                empty="No touchpoint yet."
                columns=${[
                  ['When', (t) => when(t.occurred_at)],
                  ['Kind', (t) => t.kind],
                  ['What', (t) => t.action ?? ''],
                  ['Campaign', (t) => t.campaign_id ?? ''],
                  ['Sentiment', (t) => (t.sentiment_score === null ? '' : number(Number(t.sentiment_score)))],
                  ['Amount', (t) => (t.amount === null ? '' : number(Number(t.amount)))],
                  ['From', (t) => `${t.source_table} ${t.source_key}`],
                ]}
              />`
          : html`<p class="error">No customer ${customerKey} in the models (erased, or not consenting).</p>`}
    <//>`;
}
