/** The connectors the caller may see (from the connector-health overview), for the pages' pickers. */
import { get } from './api.js';
import { html, useApi } from './ui.js';

export function useConnectorList(permissions) {
  const state = useApi(() => (permissions.can('connectorHealth') ? get('/api/v1/connector-health') : Promise.resolve({ connectors: [] })));
  return (state.data?.connectors ?? []).map((connector) => ({ id: connector.connectorId, name: connector.name, source: connector.source }));
}

export const ConnectorPicker = ({ connectors, value, onChange, allowAll = false }) =>
  html`<label>
    Connector
    <select value=${value} onChange=${(event) => onChange(event.currentTarget.value)}>
      ${allowAll ? html`<option value="">every connector</option>` : null}
      ${connectors.map((connector) => html`<option value=${connector.id}>${connector.name}</option>`)}
    </select>
  </label>`;

/** The window pickers offer: the last N days, as the read APIs' from/to (UTC days, `to` inclusive). */
export const WINDOWS = [7, 30, 90];

export function windowOf(days) {
  const today = new Date();
  const from = new Date(today.getTime() - (days - 1) * 86_400_000);
  return { from: from.toISOString().slice(0, 10), to: today.toISOString().slice(0, 10) };
}

export const WindowPicker = ({ days, onChange }) =>
  html`<label>
    Window
    <select value=${String(days)} onChange=${(event) => onChange(Number(event.currentTarget.value))}>
      ${WINDOWS.map((n) => html`<option value=${String(n)}>last ${n} days</option>`)}
    </select>
  </label>`;
