/**
 * The operator's sign-in for the Temporal Web UI, under the codec's path: a page that takes an API
 * key or a JWT, a POST that checks it (a role that may read payloads) and keeps it in the codec
 * session cookie (./auth/codec-session.ts), and a DELETE that clears it. The cookie carries the
 * credential itself, so every codec call is authenticated and authorised afresh.
 */
import type { RequestHandler } from 'express';
import { z } from 'zod';
import { credentialOf } from './auth/authenticate';
import { CODEC_PATH, CODEC_SESSION_COOKIE, CODEC_SESSION_MAX_AGE_MS } from './auth/codec-session';
import { principalOf } from './auth/principal';
import { defineRoute, describedRouter, reply, type DescribedRouter } from './contract';
import { jsonBody } from './json-body';
import { inlineSource, pageHeaders, pagePolicy } from './page-security';
import { htmlPageAnswer } from './response-schemas';

const SESSION_PATH = '/session';

const sessionSchema = z.object({
  subject: z.string().describe('who signed in'),
  role: z.string().describe("the credential's role: the codec checks it on every call"),
  expiresAt: z.string().describe('ISO-8601: when the browser drops the cookie'),
});

export const codecSignInPageRoute = defineRoute({
  method: 'GET',
  path: SESSION_PATH,
  operationId: 'codecSignInPage',
  summary: 'The page where an operator signs in for the Temporal Web UI, so that it shows payloads decrypted',
  tag: 'codec',
  responses: { 200: htmlPageAnswer },
});

export const codecSignInRoute = defineRoute({
  method: 'POST',
  path: SESSION_PATH,
  operationId: 'codecSignIn',
  summary: "Keep the caller's credential in an HttpOnly, SameSite=Strict cookie that only the codec receives (8 hours)",
  description: 'The Web UI then calls the codec with it when its Data Encoder setting "Include cross-origin credentials" is on.',
  tag: 'codec',
  responses: { 200: { description: 'signed in: the cookie is set', schema: sessionSchema } },
});

export const codecSignOutRoute = defineRoute({
  method: 'DELETE',
  path: SESSION_PATH,
  operationId: 'codecSignOut',
  summary: 'Clear the codec session cookie',
  tag: 'codec',
  responses: { 204: { description: 'signed out' } },
});

const cookieOptions = (secure: boolean) => ({ httpOnly: true, sameSite: 'strict', path: CODEC_PATH, secure }) as const;

/** Mounted at CODEC_PATH, beside the codec's routes; `authorize` checks the role and audits the sign-in. */
export function codecSessionRoutes(authorize: RequestHandler): DescribedRouter {
  const routes = describedRouter();
  // Mounted ahead of the API's body parser, as the codec is: these routes take none, and refuse a hostile one as every route does.
  const json = jsonBody();
  routes.serve(codecSignInPageRoute, ...json, (_req, res) => {
    pageHeaders(res, CONTENT_SECURITY_POLICY).type('html').send(PAGE);
  });
  routes.serve(codecSignInRoute, ...json, authorize, (req, res) => {
    const { subject, role } = principalOf(req);
    const credential = credentialOf(req);
    // Access control let the request through, so it carried a credential: this is a wiring bug otherwise.
    if (credential.outcome !== 'sent') throw new Error('codec sign-in reached without a credential');
    const expiresAt = new Date(Date.now() + CODEC_SESSION_MAX_AGE_MS);
    res.cookie(CODEC_SESSION_COOKIE, credential.token, {
      ...cookieOptions(req.secure),
      maxAge: CODEC_SESSION_MAX_AGE_MS,
      // API keys and JWTs are URL-safe: kept as they are, read back as they are.
      encode: String,
    });
    reply(res, codecSignInRoute, 200, { subject, role, expiresAt: expiresAt.toISOString() });
  });
  routes.serve(codecSignOutRoute, ...json, (req, res) => {
    res.clearCookie(CODEC_SESSION_COOKIE, cookieOptions(req.secure)).sendStatus(204);
  });
  return routes;
}

const SCRIPT = `
const status = document.getElementById('status');
const endpoint = location.origin + '${CODEC_PATH}';
document.getElementById('endpoint').textContent = endpoint;
const answer = async (response, done) => {
  if (response.ok) return done(response.status === 204 ? null : await response.json());
  const body = await response.json().catch(() => ({ message: response.statusText }));
  status.textContent = 'Refused (' + response.status + '): ' + body.message;
};
document.getElementById('sign-in').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = event.target;
  const credential = form.credential.value.trim();
  form.reset();
  // Cleared at once, so an earlier answer is never read as this one's.
  status.textContent = 'Signing in…';
  const response = await fetch(endpoint + '${SESSION_PATH}', { method: 'POST', headers: { Authorization: 'Bearer ' + credential } });
  await answer(response, (session) => {
    status.textContent = 'Signed in as ' + session.subject + ' (' + session.role + ') until ' + new Date(session.expiresAt).toLocaleString() + '.';
  });
});
document.getElementById('sign-out').addEventListener('click', async () => {
  await answer(await fetch(endpoint + '${SESSION_PATH}', { method: 'DELETE' }), () => { status.textContent = 'Signed out.'; });
});
`;

const STYLE =
  'body{font:16px/1.5 system-ui,sans-serif;max-width:44rem;margin:2rem auto;padding:0 1rem}input{width:24rem}code{background:#eee;padding:0 .2rem}';

/** Only the page's own script and style run; it calls this API and nothing else. */
const CONTENT_SECURITY_POLICY = pagePolicy({ script: inlineSource(SCRIPT), style: inlineSource(STYLE) });

const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <title>Insight Hub — sign in for the Temporal Web UI</title>
    <link rel="icon" href="data:,">
    <style>${STYLE}</style>
  </head>
  <body>
    <h1>Sign in for the Temporal Web UI</h1>
    <p>The Temporal Web UI shows workflow inputs, results and summaries decrypted through Insight Hub's codec, to a
    role that may read payloads (data-scientist or admin). Sign in with that API key or JWT: the API keeps it in a
    cookie that only the codec receives, for 8 hours; every decryption checks it again and is audited.</p>
    <form id="sign-in">
      <label>API key or JWT <input name="credential" type="password" autocomplete="off" required></label>
      <button type="submit">Sign in</button>
      <button type="button" id="sign-out">Sign out</button>
    </form>
    <p id="status" role="status"></p>
    <h2>Then, in the Web UI</h2>
    <p>With <code>npm start</code>'s dev server (<code>http://127.0.0.1:8233</code>), once per browser: open
    its <b>Codec Server</b> settings (the button beside the time zone in the top bar), choose <b>Use my browser
    setting</b>, paste <code id="endpoint"></code> as the endpoint, turn on <b>Include cross-origin credentials</b>
    and apply. The compose deployment's
    Web UI is configured so already.</p>
    <script>${SCRIPT}</script>
  </body>
</html>
`;
