/** Insights: the customer models (campaign, content, brand sentiment, segments); filled in as the models land. */
import { html } from '../ui.js';

export function InsightsPage() {
  return html`<h1>Insights</h1>`;
}
