/**
 * Every call the dashboard makes: the signed-in credential (an API key or a JWT, kept in this tab's
 * sessionStorage only) sent as a Bearer token, and the API's error answer turned into a message.
 * The API decides what the caller may do; the dashboard only hides what it would refuse.
 */
const CREDENTIAL_KEY = 'insight-hub.credential';

export const credential = {
  get: () => sessionStorage.getItem(CREDENTIAL_KEY),
  set: (value) => sessionStorage.setItem(CREDENTIAL_KEY, value),
  clear: () => sessionStorage.removeItem(CREDENTIAL_KEY),
};

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/** A signed-out or expired credential ends the session: the shell shows the sign-in again. */
let onUnauthorized = () => undefined;
export const whenUnauthorized = (handler) => {
  onUnauthorized = handler;
};

async function send(method, path, body) {
  const headers = { authorization: `Bearer ${credential.get() ?? ''}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (response.ok) return response;
  const text = await response.text();
  let message = text || response.statusText;
  try {
    const error = JSON.parse(text);
    const issues = (error.issues ?? []).map((issue) => `${issue.path}: ${issue.message} (${issue.rule})`);
    message = [error.message, ...issues].filter(Boolean).join(' — ');
  } catch {
    // not JSON: the text as it is
  }
  if (response.status === 401) onUnauthorized(message);
  throw new ApiError(response.status, message);
}

/** A JSON call; resolves to the parsed answer (null for 204). */
export async function call(method, path, body) {
  const response = await send(method, path, body);
  return response.status === 204 ? null : response.json();
}

export const get = (path) => call('GET', path);

/** A file the API answers (CSV, Parquet), saved under the name the API gives it. */
export async function download(path, fallbackName) {
  const response = await send('GET', path);
  const disposition = response.headers.get('content-disposition') ?? '';
  const name = /filename="?([^";]+)"?/.exec(disposition)?.[1] ?? fallbackName;
  const link = document.createElement('a');
  link.href = URL.createObjectURL(await response.blob());
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
  return name;
}

/** Path segments and query values, encoded. */
export const segment = (value) => encodeURIComponent(value);
export const query = (params) => {
  const entries = Object.entries(params).filter(([, value]) => value !== undefined && value !== null && value !== '');
  return entries.length === 0 ? '' : `?${new URLSearchParams(entries).toString()}`;
};
