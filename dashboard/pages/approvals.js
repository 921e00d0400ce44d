/**
 * Approvals: every waiting gate with its figures and the guardrail it breached, a decision on it
 * (approve, reject, skip, or approve with an override, always with a reason) through the approvals
 * API's Workflow Update, and the decided history. #/approvals/<approvalId> opens one gate.
 */
import { get, query } from '../api.js';
import { useConnectorList } from '../connector-list.js';
import { link } from '../router.js';
import { html, Loaded, number, percent, Table, useApi, when } from '../ui.js';
import { ApprovalDetail, Breaches } from './approval-detail.js';

/** A gate by its connector's name (its id's start when the name is not known) and stream. */
const gateLink = (nameOf) => (a) => html`<a href=${link(['approvals', a.approvalId])}>${nameOf(a.connectorId)} · ${a.request.stream}</a>`;

/** The lists of the page: what waits, what was decided, and what its closed cycle left undecided; each leads with its gate. */
const LISTS = {
  pending: {
    title: 'Waiting for a decision',
    label: 'waiting approvals',
    empty: 'No gate is waiting.',
    limit: 200,
    columns: [
      ['Rows', (a) => number(a.request.batch.rows)],
      ['Invalid', (a) => percent(a.request.figures.invalidShare)],
      ['Breached', (a) => html`<${Breaches} breaches=${a.request.breaches} />`],
      ['Opened', (a) => when(a.request.openedAt)],
      ['Decided by policy at', (a) => `${when(a.request.deadline)} (${a.request.onTimeout})`],
    ],
  },
  decided: {
    title: 'Decided',
    label: 'decided approvals',
    empty: 'No decision yet.',
    limit: 50,
    columns: [
      ['Decision', (a) => html`<span class=${`decision ${a.resolution?.decision}`}>${a.resolution?.decision}</span>`],
      ['By', (a) => (a.resolution?.byPolicy ? 'the timeout policy' : `${a.resolution?.decidedBy} (${a.resolution?.role})`)],
      ['Reason', (a) => a.resolution?.reason],
      ['Override', (a) => (a.resolution?.override ? JSON.stringify(a.resolution.override) : '—')],
      ['At', (a) => when(a.resolution?.decidedAt)],
    ],
  },
  abandoned: {
    title: 'Abandoned: the cycle closed while waiting',
    label: 'abandoned approvals',
    empty: 'No gate was abandoned.',
    limit: 50,
    columns: [
      ['Opened', (a) => when(a.request.openedAt)],
      ['Why', (a) => a.abandoned?.reason],
      ['At', (a) => when(a.abandoned?.at)],
    ],
  },
};

function ApprovalList({ status, nameOf }) {
  const list = LISTS[status];
  const state = useApi(() => get(`/api/v1/approvals${query({ status, limit: list.limit })}`));
  return html`<section>
    <h2>${list.title}</h2>
    <${Loaded} state=${state}>
      ${({ approvals }) =>
        html`<${Table}
          label=${list.label}
          rows=${approvals}
          rowKey=${(approval) => approval.approvalId}
          empty=${list.empty}
          columns=${[['Gate', gateLink(nameOf)], ...list.columns]}
        />`}
    <//>
  </section>`;
}

export function ApprovalsPage({ me, permissions, rest }) {
  const connectors = useConnectorList(permissions);
  // An approval id holds slashes: sent encoded as one part, or as they are.
  const approvalId = rest.join('/');
  if (approvalId) return html`<${ApprovalDetail} approvalId=${approvalId} me=${me} permissions=${permissions} />`;
  const nameOf = (id) => connectors.find((connector) => connector.id === id)?.name ?? id.slice(0, 8);
  return html`<h1>Approvals</h1>
    <${ApprovalList} status="pending" nameOf=${nameOf} />
    <${ApprovalList} status="decided" nameOf=${nameOf} />
    <${ApprovalList} status="abandoned" nameOf=${nameOf} />`;
}
