/**
 * ROI (spec 000 user story 3): per connector and overall, costs — API calls, estimated warehouse
 * cost, run time — against the benefits the user configures, net value and the benefit-to-cost ratio
 * against the 3:1 target, over the window picked; exported as CSV or Parquet by the same API call.
 * A connector with too little history says how much more it needs instead of showing zeros.
 */
import { useState } from 'preact/hooks';
import { download, get, query } from '../api.js';
import { windowOf, WindowPicker } from '../connector-list.js';
import { Chart, Figures, html, Loaded, Notice, number, Table, usd, useApi } from '../ui.js';
import { RoiSettings } from './roi-settings.js';

const ratioText = (value, target) =>
  value.ratio === null
    ? 'nothing spent'
    : html`<span class=${value.meetsTarget ? 'status-ok' : 'status-bad'}>${number(value.ratio)} : 1</span>
        <span class="muted"> (target ${target} : 1)</span>`;

const comparison = (rows) => ({
  grid: { left: 64, right: 16, top: 32, bottom: 28 },
  legend: { top: 0 },
  tooltip: { trigger: 'axis', valueFormatter: (value) => usd(value) },
  xAxis: { type: 'category', data: rows.map((row) => row.name) },
  yAxis: { type: 'value', name: 'USD' },
  series: [
    { type: 'bar', name: 'costs', data: rows.map((row) => row.costs.totalUsd) },
    { type: 'bar', name: 'benefits', data: rows.map((row) => row.benefits.totalUsd) },
  ],
});

function Overall({ report }) {
  if (!report.overall)
    return html`<${Notice} kind="warn">
      No connector has enough history for a ratio yet: each needs at least ${report.connectors[0]?.minimumDays ?? 7} days with runs in the
      window. The table says how many each has.
    <//>`;
  const { overall, targetRatio } = report;
  return html`<${Figures}
    items=${[
      ['Costs', usd(overall.costs.totalUsd)],
      ['Benefits', usd(overall.benefits.totalUsd)],
      ['Net value', usd(overall.netValueUsd)],
      ['Benefit-to-cost ratio', ratioText(overall, targetRatio)],
    ]}
  />`;
}

export function RoiPage({ permissions }) {
  const [days, setDays] = useState(30);
  const [exported, setExported] = useState(null);
  const window = windowOf(days);
  const state = useApi(() => get(`/api/v1/roi${query(window)}`), [days]);
  const exportAs = async (format) => {
    try {
      const name = await download(`/api/v1/roi${query({ ...window, format })}`, `insight-hub-roi.${format}`);
      setExported({ ok: true, text: `Saved ${name}.` });
    } catch (error) {
      setExported({ ok: false, text: error.message });
    }
  };
  return html`<h1>Return on investment</h1>
    <div class="filters">
      <${WindowPicker} days=${days} onChange=${setDays} />
      <button type="button" onClick=${() => exportAs('csv')}>Export CSV</button>
      <button type="button" onClick=${() => exportAs('parquet')}>Export Parquet</button>
    </div>
    ${exported ? html`<p class=${exported.ok ? 'notice ok' : 'error'} role="status">${exported.text}</p>` : null}
    <${Loaded} state=${state}>
      ${(report) => {
        const ok = report.connectors.filter((row) => row.status === 'ok');
        return html`<section>
            <h2>Overall, ${report.window.from.slice(0, 10)} to ${report.window.to.slice(0, 10)}</h2>
            <${Overall} report=${report} />
            ${ok.length > 0 ? html`<${Chart} label="costs against benefits per connector" option=${comparison(ok)} />` : null}
          </section>
          <section>
            <h2>Per connector</h2>
            <${Table}
              label="ROI per connector"
              rows=${report.connectors}
              rowKey=${(row) => row.connectorId}
              empty="No connector."
              columns=${[
                ['Connector', (row) => row.name],
                [
                  'Costs (API / warehouse / run time)',
                  (row) =>
                    row.status === 'ok'
                      ? `${usd(row.costs.totalUsd)} (${usd(row.costs.apiCallsUsd)} / ${usd(row.costs.warehouseUsd)} / ${usd(row.costs.runTimeUsd)})`
                      : '',
                ],
                ['Manual hours saved', (row) => (row.status === 'ok' ? number(row.benefits.manualHoursSaved) : '')],
                [
                  'Errors caught',
                  (row) => (row.status === 'ok' ? `${number(row.figures.rowsQuarantined)} rows, ${usd(row.benefits.errorsCaughtUsd)}` : ''),
                ],
                [
                  'Freshness gained',
                  (row) => (row.status === 'ok' ? `${number(row.benefits.freshnessHoursGained)} h, ${usd(row.benefits.freshnessUsd)}` : ''),
                ],
                ['Benefits', (row) => (row.status === 'ok' ? usd(row.benefits.totalUsd) : '')],
                ['Net value', (row) => (row.status === 'ok' ? usd(row.netValueUsd) : '')],
                [
                  'Ratio',
                  (row) =>
                    row.status === 'ok'
                      ? ratioText(row, report.targetRatio)
                      : html`<span class="status-warn" data-insufficient>${row.message}</span>`,
                ],
              ]}
            />
          </section>
          ${permissions.can('getRoiSettings') ? html`<${RoiSettings} permissions=${permissions} onSaved=${state.reload} />` : null}`;
      }}
    <//>`;
}
