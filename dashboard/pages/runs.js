/**
 * Runs and audit: the cycles' history (their audit rows), one run's report (#/runs/<workflowId>),
 * the audit log page by page, and the quarantine with its reasons and the re-validate action.
 */
import { useState } from 'preact/hooks';
import { get, query, segment } from '../api.js';
import { ConnectorPicker, useConnectorList } from '../connector-list.js';
import { link } from '../router.js';
import { html, Loaded, number, Table, useApi, when } from '../ui.js';
import { Quarantine } from './quarantine.js';

/** A finished cycle's audit row (recordCycle): cycle.<its status>. */
const CYCLE_EVENT = /^cycle\.(completed|dry-run|deferred|blocked|rejected|failed|skipped)$/;

function RunReport({ workflowId }) {
  const state = useApi(() => get(`/api/v1/runs/${segment(workflowId)}`), [workflowId]);
  return html`<p><a href=${link(['runs'])}>← runs and audit</a></p>
    <h1>Run ${workflowId}</h1>
    <${Loaded} state=${state}>
      ${(run) =>
        html`<p>
            Temporal: <strong>${run.temporalStatus ?? 'no longer held'}</strong> · report from ${run.reportSource}
            ${run.report ? html` · ${run.report.status}, started ${when(run.report.startedAt)}, finished ${when(run.report.finishedAt)}` : ''}
          </p>
          ${run.detail ? html`<p class="muted">${run.detail}</p>` : null}
          ${run.report?.detail ? html`<p class="muted">${run.report.detail}</p>` : null}
          <${Table}
            label="streams of the run"
            rows=${run.report?.streams ?? []}
            empty="No stream report."
            columns=${[
              ['Stream', (s) => s.stream],
              ['Outcome', (s) => s.outcome],
              ['Extracted', (s) => number(s.extracted)],
              ['Loaded', (s) => number(s.loaded)],
              ['Quarantined', (s) => number(s.quarantined)],
              ['Deleted', (s) => number(s.deleted)],
              ['API calls', (s) => number(s.apiCalls)],
              ['Detail', (s) => s.detail ?? ''],
            ]}
          />`}
    <//>`;
}

/** The audit log, newest first, a page at a time; cycles only when `cycles` is set (the run history). */
function AuditLog({ connectorId, cycles, title, label }) {
  const [cursor, setCursor] = useState([]);
  const at = cursor[cursor.length - 1];
  const state = useApi(() => get(`/api/v1/audit-log${query({ connectorId, limit: cycles ? 500 : 50, cursor: at })}`), [connectorId, at]);
  return html`<section>
    <h2>${title}</h2>
    <${Loaded} state=${state}>
      ${({ items, nextCursor }) => {
        const rows = cycles ? items.filter((entry) => CYCLE_EVENT.test(entry.activityType)) : items;
        return html`<${Table}
            label=${label}
            rows=${rows}
            rowKey=${(entry) => entry.id}
            empty=${cycles ? 'No cycle has finished yet.' : 'The audit log is empty.'}
            columns=${cycles ? runColumns : auditColumns}
          />
          <div class="actions">
            ${cursor.length > 0 ? html`<button type="button" onClick=${() => setCursor(cursor.slice(0, -1))}>Newer</button>` : null}
            ${nextCursor ? html`<button type="button" onClick=${() => setCursor([...cursor, nextCursor])}>Older</button>` : null}
          </div>`;
      }}
    <//>
  </section>`;
}

const runColumns = [
  ['Finished', (e) => when(e.createdAt)],
  ['Cycle', (e) => html`<a href=${link(['runs', e.details.workflowId])}>${e.details.workflowId}</a>`],
  [
    'Status',
    (e) => html`<span class=${e.activityType === 'cycle.completed' ? 'status-ok' : 'status-warn'}>${e.activityType.slice(6)}</span>`,
  ],
  ['Trigger', (e) => e.details.trigger ?? ''],
  ['Loaded', (e) => number(e.metrics?.loaded)],
  ['Quarantined', (e) => number(e.metrics?.quarantined)],
  ['API calls', (e) => number(e.metrics?.apiCalls)],
];

const detailText = (details) => {
  const text = JSON.stringify(details);
  return text.length > 160 ? `${text.slice(0, 160)}…` : text;
};

const auditColumns = [
  ['At', (e) => when(e.createdAt)],
  ['Event', (e) => e.activityType],
  ['Connector', (e) => e.connectorId.slice(0, 8)],
  ['Who', (e) => (e.details.actor ? `${e.details.actor.subject} (${e.details.actor.role})` : e.userId)],
  ['Details', (e) => html`<code title=${JSON.stringify(e.details)}>${detailText(e.details)}</code>`],
];

export function RunsPage({ permissions, rest }) {
  const workflowId = rest.join('/');
  const connectors = useConnectorList(permissions);
  const [connectorId, setConnectorId] = useState('');
  if (workflowId) return html`<${RunReport} workflowId=${workflowId} />`;
  const chosen = connectorId || undefined;
  return html`<h1>Runs and audit</h1>
    <div class="filters">
      <${ConnectorPicker} connectors=${connectors} value=${connectorId} onChange=${setConnectorId} allowAll />
    </div>
    ${
      permissions.can('listAuditLog')
        ? html`<${AuditLog} key=${`runs-${connectorId}`} connectorId=${chosen} cycles title="Run history" label="run history" />
            <${AuditLog} key=${`audit-${connectorId}`} connectorId=${chosen} title="Audit log" label="audit log" />`
        : html`<p class="muted">Your role may not read the audit log.</p>`
    }
    <${Quarantine} connectors=${connectors} connectorId=${chosen} permissions=${permissions} />`;
}
