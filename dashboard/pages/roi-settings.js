/** The benefits and costs ROI is computed with: the defaults every connector takes, changed by a permitted role. */
import { useState } from 'preact/hooks';
import { call, get } from '../api.js';
import { html, Loaded, useApi, when } from '../ui.js';

const LABELS = {
  hourlyRateUsd: "An analyst's hour (USD)",
  manualExportHoursPerWeek: 'Manual export hours per week',
  valuePerCaughtErrorUsd: 'Value of an error caught before the load (USD)',
  manualStalenessHours: 'Age of hand-exported data (hours)',
  freshnessValuePerHourUsd: 'Value of an hour of fresher data, per day (USD)',
  apiCallCostUsd: 'Cost of an API call (USD)',
  computeCostPerHourUsd: 'Cost of an hour of run time (USD)',
};

function SettingsForm({ stored, canChange, onSaved }) {
  const [values, setValues] = useState(stored.settings);
  const [status, setStatus] = useState(null);
  const save = async (event) => {
    event.preventDefault();
    try {
      const settings = Object.fromEntries(Object.entries(values).map(([key, value]) => [key, Number(value)]));
      await call('PUT', '/api/v1/roi/settings', { settings });
      setStatus({ ok: true, text: 'Saved: the figures above use them now.' });
      onSaved();
    } catch (error) {
      setStatus({ ok: false, text: error.message });
    }
  };
  return html`<form onSubmit=${save}>
    <div class="filters">
      ${Object.keys(LABELS).map(
        (key) =>
          html`<label>
            ${LABELS[key]}
            <input
              type="number"
              step="any"
              min="0"
              disabled=${!canChange}
              value=${values[key]}
              onInput=${(event) => setValues({ ...values, [key]: event.currentTarget.value })}
            />
          </label>`,
      )}
    </div>
    <p class="muted">
      ${stored.updatedBy ? `Last changed by ${stored.updatedBy} at ${when(stored.updatedAt)}.` : 'The defaults: nobody changed them yet.'}
    </p>
    ${canChange ? html`<button type="submit">Save the settings</button>` : null}
    ${status ? html`<p class=${status.ok ? 'notice ok' : 'error'} role="status">${status.text}</p>` : null}
  </form>`;
}

export function RoiSettings({ permissions, onSaved }) {
  const state = useApi(() => get('/api/v1/roi/settings'));
  return html`<section>
    <h2>What the benefits and costs are worth</h2>
    <${Loaded} state=${state}>
      ${(stored) => html`<${SettingsForm} stored=${stored} canChange=${permissions.can('putRoiSettings')} onSaved=${onSaved} />`}
    <//>
  </section>`;
}
