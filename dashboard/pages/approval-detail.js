/** One approval gate: its figures, the breached guardrails, the live gate, and the decision form. */
import { call, get, segment } from '../api.js';
import { useState } from 'preact/hooks';
import { link } from '../router.js';
import { Figures, html, Loaded, Notice, number, percent, Table, usd, useApi, when } from '../ui.js';

const breachText = (breach) => `${breach.guardrail}: ${formatLimit(breach.actual)} over ${formatLimit(breach.limit)}`;
const formatLimit = (value) => (typeof value === 'number' && value > 0 && value < 1 ? percent(value) : String(value));

export const Breaches = ({ breaches }) =>
  breaches.length === 0
    ? html`<span class="muted">none (always-approve)</span>`
    : html`<ul class="breaches">
        ${breaches.map((breach) => html`<li class=${breach.severity}>${breachText(breach)}</li>`)}
      </ul>`;

/** The guardrails a decision may lift once, for the rest of the cycle (domain/guardrails.ts guardrailOverrideSchema). */
const OVERRIDABLE = [
  'maxRowsPerCycle',
  'maxInvalidShare',
  'maxDeleteShare',
  'maxApiCallsPerCycle',
  'dailyApiCallBudget',
  'dailyCostBudgetUsd',
];

function GateFigures({ request }) {
  const { figures } = request;
  return html`<${Figures}
    items=${[
      ['Rows in the batch', number(request.batch.rows)],
      ['Rows this cycle', number(figures.rowsThisCycle)],
      ['Invalid', `${number(figures.invalid)} of ${number(figures.evaluated)} (${percent(figures.invalidShare)})`],
      ['Deletes', number(figures.deletes)],
      ['Table rows', number(figures.tableRows)],
      ['API calls (cycle / today)', `${number(figures.apiCallsThisCycle)} / ${number(figures.apiCallsToday)}`],
      ['Estimated cost (load / today)', `${usd(figures.estimatedCostUsd)} / ${usd(figures.costTodayUsd)}`],
      [
        'Schema changes',
        figures.schemaChanges.length === 0 ? 'none' : figures.schemaChanges.map((c) => `${c.column} ${c.change}`).join(', '),
      ],
    ]}
  />`;
}

function Outcome({ outcome }) {
  if (outcome.status === 'accepted') return html`<${Notice} kind="info">${outcome.detail}<//>`;
  const what =
    outcome.decision === 'approve' ? `loaded ${number(outcome.loaded)} rows, deleted ${number(outcome.deleted)}` : 'nothing loaded';
  return html`<p class="notice ok" role="status" data-outcome=${outcome.decision}>
    ${outcome.decision} by ${outcome.decidedBy}: ${what}${outcome.keptBatch ? ` (the batch is kept at ${outcome.keptBatch})` : ''}.
  </p>`;
}

function DecisionForm({ approval, onDecided }) {
  const [reason, setReason] = useState('');
  const [override, setOverride] = useState({});
  const [sending, setSending] = useState(false);
  const [problem, setProblem] = useState(null);
  const breached = approval.request.breaches.map((breach) => breach.guardrail).filter((name) => OVERRIDABLE.includes(name));
  const decide = async (decision, withOverride = false) => {
    setSending(true);
    setProblem(null);
    const lifted = Object.fromEntries(
      Object.entries(override)
        .filter(([, value]) => value !== '')
        .map(([key, value]) => [key, Number(value)]),
    );
    const body = { decision, reason, ...(withOverride ? { override: lifted } : {}) };
    try {
      const answer = await call('POST', `/api/v1/approvals/${segment(approval.approvalId)}/decision`, body);
      onDecided(answer.status === 'accepted' ? answer : { status: 'decided', ...answer });
    } catch (error) {
      setProblem(error.message);
    } finally {
      setSending(false);
    }
  };
  return html`<form class="decision" onSubmit=${(event) => event.preventDefault()}>
    <label for="reason">Reason (goes to the audit log)</label>
    <textarea id="reason" required maxlength="2000" value=${reason} onInput=${(event) => setReason(event.currentTarget.value)}></textarea>
    <div class="actions">
      <button type="button" disabled=${sending || !reason.trim()} onClick=${() => decide('approve')}>Approve</button>
      <button type="button" disabled=${sending || !reason.trim()} onClick=${() => decide('reject')}>Reject</button>
      <button type="button" disabled=${sending || !reason.trim()} onClick=${() => decide('skip')}>Skip</button>
    </div>
    ${
      breached.length > 0
        ? html`<fieldset>
            <legend>Approve with an override (lifts these limits for the rest of this cycle only)</legend>
            ${breached.map(
              (name) =>
                html`<label>
                  ${name}
                  <input
                    type="number"
                    step="any"
                    min="0"
                    value=${override[name] ?? ''}
                    onInput=${(event) => setOverride({ ...override, [name]: event.currentTarget.value })}
                  />
                </label>`,
            )}
            <button type="button" disabled=${sending || !reason.trim()} onClick=${() => decide('approve', true)}>
              Approve with override
            </button>
          </fieldset>`
        : null
    }
    ${problem ? html`<p class="error" role="alert">${problem}</p>` : null}
  </form>`;
}

function LiveGate({ live }) {
  if (!live) return null;
  if (live.state === 'waiting') return html`<p class="notice warn">The cycle is waiting on this gate now.</p>`;
  return html`<p class="notice info">${live.detail}</p>`;
}

export function ApprovalDetail({ approvalId, permissions }) {
  const state = useApi(() => get(`/api/v1/approvals/${segment(approvalId)}`), [approvalId]);
  const [outcome, setOutcome] = useState(null);
  return html`<p><a href=${link(['approvals'])}>← all approvals</a></p>
    <${Loaded} state=${state}>
      ${(approval) =>
        html`<h1>Gate on ${approval.request.stream}</h1>
          <p class="muted">
            Connector ${approval.connectorId} · owner ${approval.request.userId} · cycle
            <a href=${link(['runs', approval.workflowId])}>${approval.workflowId}</a>
          </p>
          <h2>Breached guardrails</h2>
          <${Breaches} breaches=${approval.request.breaches} />
          <h2>Figures</h2>
          <${GateFigures} request=${approval.request} />
          <h2>Rules most rows failed</h2>
          <${Table}
            label="top reasons"
            rows=${approval.request.topReasons}
            empty="No row failed a rule."
            columns=${[
              ['Rule', (r) => r.rule],
              ['Rows', (r) => number(r.rows)],
            ]}
          />
          ${outcome ? html`<${Outcome} outcome=${outcome} />` : null}
          ${
            approval.status === 'decided' && approval.resolution
              ? html`<p class="notice ok">
                  Decided: ${approval.resolution.decision} by ${approval.resolution.decidedBy} at ${when(approval.resolution.decidedAt)} —
                  ${approval.resolution.reason}
                </p>`
              : null
          }
          ${
            approval.status === 'abandoned' && approval.abandoned
              ? html`<p class="notice info">Abandoned at ${when(approval.abandoned.at)}: ${approval.abandoned.reason}</p>`
              : null
          }
          ${
            approval.status === 'pending' && !outcome
              ? html`<${LiveGate} live=${approval.live} />
                  <p class="muted">
                    Decided by the timeout policy (${approval.request.onTimeout}) at ${when(approval.request.deadline)}; approver role
                    ${approval.request.approverRole}.
                  </p>
                  ${
                    permissions.can('decideApproval')
                      ? html`<${DecisionForm} approval=${approval} onDecided=${setOutcome} />`
                      : html`<p class="muted">Your role may not decide approvals.</p>`
                  }`
              : null
          }`}
    <//>`;
}
