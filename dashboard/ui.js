/** What every page shares: the html tag, loading a call's answer, tables, figures, charts and notices. */
import { h } from 'preact';
import { useEffect, useRef, useState, useCallback } from 'preact/hooks';
import htm from 'htm';
import * as echarts from 'echarts';

export const html = htm.bind(h);

/**
 * The answer of one or more API calls, loaded when `key` changes; `reload` asks again.
 * Each page reads its data from the API calls that scripts use too: nothing is computed here that
 * the API does not answer.
 */
export function useApi(load, key = []) {
  const [state, setState] = useState({ loading: true, data: null, error: null });
  const [round, setRound] = useState(0);
  useEffect(() => {
    let current = true;
    setState((previous) => ({ ...previous, loading: true }));
    load().then(
      (data) => current && setState({ loading: false, data, error: null }),
      (error) => current && setState({ loading: false, data: null, error }),
    );
    return () => {
      current = false;
    };
  }, [...key, round]);
  const reload = useCallback(() => setRound((n) => n + 1), []);
  return { ...state, reload };
}

/** Loading, the error, or the content. */
export function Loaded({ state, children }) {
  if (state.error) return html`<p class="error" role="alert">${state.error.message}</p>`;
  if (state.loading && state.data === null) return html`<p class="loading">Loading…</p>`;
  return children(state.data);
}

export const Notice = ({ children, kind = 'info' }) => html`<p class=${`notice ${kind}`}>${children}</p>`;

/** A table from rows and columns: [label, row => cell]. */
export function Table({ rows, columns, empty = 'Nothing yet.', rowKey, label }) {
  if (rows.length === 0) return html`<p class="empty">${empty}</p>`;
  return html`<table aria-label=${label}>
    <thead>
      <tr>
        ${columns.map(([heading]) => html`<th scope="col">${heading}</th>`)}
      </tr>
    </thead>
    <tbody>
      ${rows.map(
        (row, index) =>
          html`<tr key=${rowKey ? rowKey(row) : index}>
            ${columns.map(([, cell]) => html`<td>${cell(row)}</td>`)}
          </tr>`,
      )}
    </tbody>
  </table>`;
}

/** Headline figures: [label, value]. */
export const Figures = ({ items }) =>
  html`<dl class="figures">
    ${items.map(
      ([label, value]) =>
        html`<div>
          <dt>${label}</dt>
          <dd>${value}</dd>
        </div>`,
    )}
  </dl>`;

/** An ECharts chart; `option` is ECharts' own option object. */
export function Chart({ option, label, height = 260 }) {
  const element = useRef(null);
  const chart = useRef(null);
  useEffect(() => {
    chart.current = echarts.init(element.current, null, { height });
    const resize = () => chart.current?.resize();
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      chart.current?.dispose();
    };
  }, []);
  useEffect(() => {
    chart.current?.setOption(option, true);
  }, [option]);
  return html`<div class="chart" role="img" aria-label=${label} ref=${element}></div>`;
}

const numberFormat = new Intl.NumberFormat('en', { maximumFractionDigits: 2 });
export const number = (value) => (value === null || value === undefined ? '—' : numberFormat.format(value));
export const percent = (share) => (share === null || share === undefined ? '—' : `${numberFormat.format(share * 100)} %`);
export const usd = (value) => (value === null || value === undefined ? '—' : `$${value.toFixed(value < 1 ? 4 : 2)}`);
export const when = (iso) => (iso ? new Date(iso).toISOString().replace('T', ' ').slice(0, 19) + ' UTC' : '—');

export function duration(seconds) {
  if (seconds === null || seconds === undefined) return '—';
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172_800) return `${numberFormat.format(seconds / 3600)} h`;
  return `${numberFormat.format(seconds / 86_400)} days`;
}
