/**
 * The quarantine: a connector's quality reports (rows evaluated and failing per rule, rows
 * quarantined) and the re-validate action — a changed expectation suite judges a report's
 * quarantined rows again; rows that now pass are loaded (POST …/quarantine/revalidate).
 */
import { useState } from 'preact/hooks';
import { call, get, query } from '../api.js';
import { html, Loaded, number, Table, useApi, when } from '../ui.js';

function Revalidate({ connectorId, report, onDone }) {
  const [suite, setSuite] = useState('');
  const [state, setState] = useState({ sending: false, result: null, problem: null });
  const send = async (event) => {
    event.preventDefault();
    let parsed;
    try {
      parsed = JSON.parse(suite);
    } catch (error) {
      setState({ sending: false, result: null, problem: `The suite is not JSON: ${error.message}` });
      return;
    }
    setState({ sending: true, result: null, problem: null });
    try {
      const result = await call('POST', `/api/v1/data-warehouse-connector/${connectorId}/quarantine/revalidate`, {
        qualityReportId: report.id,
        suite: parsed,
      });
      setState({ sending: false, result, problem: null });
      onDone();
    } catch (error) {
      setState({ sending: false, result: null, problem: error.message });
    }
  };
  return html`<form class="revalidate" onSubmit=${send}>
    <label for=${`suite-${report.id}`}>Changed expectation suite for ${report.stream} (Great Expectations JSON)</label>
    <textarea id=${`suite-${report.id}`} required value=${suite} onInput=${(event) => setSuite(event.currentTarget.value)}></textarea>
    <button type="submit" disabled=${state.sending}>Re-validate the quarantined rows</button>
    ${state.problem ? html`<p class="error" role="alert">${state.problem}</p>` : null}
    ${
      state.result
        ? html`<p class="notice ok" role="status">
            ${state.result.outcome}: ${number(state.result.released)} of ${number(state.result.evaluated)} rows released and loaded,
            ${number(state.result.stillQuarantined)} still quarantined
            ${
              Object.keys(state.result.failuresByRule).length > 0
                ? ` (${Object.entries(state.result.failuresByRule)
                    .map(([rule, rows]) => `${rule}: ${rows}`)
                    .join(', ')})`
                : ''
            }.
          </p>`
        : null
    }
  </form>`;
}

const failing = (report) =>
  report.rules
    .filter((rule) => rule.unexpectedCount > 0)
    .map((rule) => `${rule.rule}: ${number(rule.unexpectedCount)} of ${number(rule.elementCount)}`)
    .join('; ') || 'none';

function Reports({ connectorId, canRevalidate }) {
  const state = useApi(() => get(`/api/v1/data-warehouse-connector/${connectorId}/quality-reports${query({ limit: 50 })}`), [connectorId]);
  const [open, setOpen] = useState(null);
  return html`<${Loaded} state=${state}>
    ${({ reports }) =>
      html`<${Table}
          label="quality reports"
          rows=${reports}
          rowKey=${(report) => report.id}
          empty="No quality report yet: the connector has not validated a batch."
          columns=${[
            ['At', (r) => when(r.createdAt)],
            ['Stream', (r) => r.stream],
            ['Quarantined rows', (r) => number(r.quarantinedRows)],
            ['Failing rules (rows failing of rows evaluated)', failing],
            [
              '',
              (r) =>
                canRevalidate && (r.quarantinedRows ?? 0) > 0
                  ? html`<button type="button" class="link" onClick=${() => setOpen(open === r.id ? null : r.id)}>Re-validate…</button>`
                  : '',
            ],
          ]}
        />
        ${reports
          .filter((report) => report.id === open)
          .map((report) => html`<${Revalidate} connectorId=${connectorId} report=${report} onDone=${state.reload} />`)}`}
  <//>`;
}

export function Quarantine({ connectors, connectorId, permissions }) {
  const shown = connectorId ? connectors.filter((c) => c.id === connectorId) : connectors;
  return html`<section>
    <h2>Quarantine</h2>
    ${shown.length === 0 ? html`<p class="empty">No connector.</p>` : null}
    ${shown.map(
      (connector) =>
        html`<h3>${connector.name}</h3>
          <${Reports} connectorId=${connector.id} canRevalidate=${permissions.can('revalidateQuarantine')} />`,
    )}
  </section>`;
}
