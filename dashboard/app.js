/**
 * The dashboard's shell: sign-in (an API key or a JWT, kept in this tab's sessionStorage), who is
 * signed in, the pages the caller's role may read, and the page the address names after the #
 * (#/connectors, #/approvals/<approvalId>, #/insights/customers/<customerId>…).
 */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { credential, get, whenUnauthorized } from './api.js';
import { loadPermissions } from './permissions.js';
import { useRoute } from './router.js';
import { html } from './ui.js';
import { ApprovalsPage } from './pages/approvals.js';
import { ConnectorsPage } from './pages/connectors.js';
import { InsightsPage } from './pages/insights.js';
import { RoiPage } from './pages/roi.js';
import { RunsPage } from './pages/runs.js';

/** Each page, with the operation it cannot show anything without: a role the API refuses it does not see the page. */
const PAGES = [
  { path: 'connectors', title: 'Connectors', needs: 'connectorHealth', Page: ConnectorsPage },
  { path: 'approvals', title: 'Approvals', needs: 'listApprovals', Page: ApprovalsPage },
  { path: 'runs', title: 'Runs and audit', needs: 'listQualityReports', Page: RunsPage },
  { path: 'insights', title: 'Insights', needs: 'queryWarehouse', Page: InsightsPage },
  { path: 'roi', title: 'ROI', needs: 'getRoi', Page: RoiPage },
];

function SignIn({ problem, onSignedIn }) {
  const [value, setValue] = useState('');
  const submit = (event) => {
    event.preventDefault();
    credential.set(value.trim());
    onSignedIn();
  };
  return html`<main class="sign-in">
    <h1>Insight Hub</h1>
    <form onSubmit=${submit}>
      <label for="credential">API key or JWT</label>
      <input
        id="credential"
        type="password"
        autocomplete="off"
        placeholder="ihk_… or eyJ…"
        value=${value}
        onInput=${(event) => setValue(event.currentTarget.value)}
        required
      />
      <button type="submit">Sign in</button>
      <p class="hint">Kept in this tab only (sessionStorage), sent as a Bearer token on every call.</p>
      ${problem ? html`<p class="error" role="alert">${problem}</p>` : null}
    </form>
  </main>`;
}

function Shell({ me, permissions, onSignOut }) {
  const route = useRoute();
  const pages = PAGES.filter((page) => permissions.can(page.needs));
  const current = pages.find((page) => page.path === route.page) ?? pages[0];
  useEffect(() => {
    document.title = current ? `${current.title} — Insight Hub` : 'Insight Hub';
  }, [current]);
  return html`<div class="shell">
    <header>
      <strong class="brand">Insight Hub</strong>
      <nav aria-label="pages">
        ${pages.map((page) => html`<a href=${`#/${page.path}`} aria-current=${page === current ? 'page' : undefined}>${page.title}</a>`)}
      </nav>
      <span class="who">${me.subject} · ${me.role}</span>
      <button type="button" class="link" onClick=${onSignOut}>Sign out</button>
    </header>
    <main>
      ${
        current
          ? html`<${current.Page} me=${me} permissions=${permissions} rest=${route.rest} />`
          : html`<p class="error">The role ${me.role} may read none of the dashboard's pages.</p>`
      }
    </main>
  </div>`;
}

function App() {
  const [session, setSession] = useState({ state: credential.get() ? 'checking' : 'signed-out', problem: null });
  useEffect(() => {
    whenUnauthorized((problem) => {
      credential.clear();
      setSession({ state: 'signed-out', problem });
    });
  }, []);
  useEffect(() => {
    if (session.state !== 'checking') return;
    get('/api/v1/me')
      .then(async (me) => ({ me, permissions: await loadPermissions(me.role) }))
      .then(
        ({ me, permissions }) => setSession({ state: 'signed-in', me, permissions }),
        (error) => {
          credential.clear();
          setSession({ state: 'signed-out', problem: error.message });
        },
      );
  }, [session.state]);
  const signOut = () => {
    credential.clear();
    setSession({ state: 'signed-out', problem: null });
  };
  if (session.state === 'signed-out')
    return html`<${SignIn} problem=${session.problem} onSignedIn=${() => setSession({ state: 'checking', problem: null })} />`;
  if (session.state === 'checking') return html`<p class="loading">Signing in…</p>`;
  return html`<${Shell} me=${session.me} permissions=${session.permissions} onSignOut=${signOut} />`;
}

const root = document.getElementById('app');
root.replaceChildren(); // the page's "Loading…" line, which Preact would otherwise keep beside the app
render(html`<${App} />`, root);
