/**
 * A local Zendesk account over HTTP: the cursor-based incremental ticket export with Basic API-token
 * authentication, signed ticket event webhooks to an endpoint it is given (webhooks.ts), the account's per-second limit (429 with Retry-After and a text/plain body, as
 * Zendesk answers), throttles on demand and X-Rate-Limit headers. Tests steer it through the
 * returned controls.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { sendJson } from '../salesforce/http';
import { DEFAULT_FLAW_RATES, HelpDesk, type ExportPosition, type FlawRates, type SimTicket, type TicketChanges } from './help-desk';
import { RequestGate, type LoggedRequest } from './request-gate';
import { eventTypeOf, WebhookSender, type WebhookDelivery, type WebhookTarget } from './webhooks';
import { listen, type ListenOptions } from '../listen';

export interface ZendeskCredentials {
  email: string;
  apiToken: string;
}

export const ZENDESK_SIMULATOR_CREDENTIALS: Readonly<ZendeskCredentials> = {
  email: 'support-admin@insight-hub.example',
  apiToken: 'zd-demo-api-token-0123456789',
};

export interface ZendeskSimulatorOptions extends ListenOptions {
  seed?: number;
  tickets?: number;
  flawRates?: Partial<FlawRates>;
  /** Requests per second before a 429 (FR-3: 100); null: unlimited. */
  requestsPerSecond?: number | null;
  /** Zendesk leaves out tickets changed within the last minute. */
  recentExclusionMs?: number;
  credentials?: ZendeskCredentials;
}

export interface ZendeskSimulator {
  url: string;
  credentials: Readonly<ZendeskCredentials>;
  /** Current state of every ticket, by id. */
  tickets(): SimTicket[];
  addTickets(count: number): SimTicket[];
  /** Changes a ticket now: the export serves the change once it is older than the exclusion window. */
  updateTicket(id: number, changes: TicketChanges): SimTicket;
  /** After `afterRequests` more requests, the next `times` are throttled; Retry-After omitted when null. */
  throttleNext(times: number, retryAfterSeconds: number | null, afterRequests?: number): void;
  requests(): LoggedRequest[];
  /** A new API token for the agent, as Admin Center creates one; `revoke` deletes one. */
  issueToken(token: string): void;
  revokeToken(token: string): void;
  /** Posts a signed ticket event to `target` for every ticket added or changed from now on; null stops them. */
  sendWebhooksTo(target: WebhookTarget | null): void;
  /** Every ticket event posted, with the endpoint's answer. */
  webhookDeliveries(): WebhookDelivery[];
  /** Resolves once every ticket event posted so far is answered. */
  webhooksSettled(): Promise<void>;
  stop(): Promise<void>;
}

const EXPORT_PATH = /^\/api\/v2\/incremental\/tickets\/cursor(\.json)?$/;
const MAX_PER_PAGE = 1000;
const CURRENT_USER_PATH = '/api/v2/users/me.json';

const encodeCursor = (position: ExportPosition): string => Buffer.from(`${position.at / 1000}.0||${position.id}|`).toString('base64');

function decodeCursor(cursor: string): ExportPosition | null {
  const match = /^(\d+)\.0\|\|(\d+)\|$/.exec(Buffer.from(cursor, 'base64').toString('utf8'));
  return match ? { at: Number(match[1]) * 1000, id: Number(match[2]) } : null;
}

interface Context {
  desk: HelpDesk;
  gate: RequestGate;
  credentials: ZendeskCredentials;
  /** The agent's active API tokens: the one it started with and those issued since. */
  tokens: Set<string>;
  limitPerMinute: number | null;
  baseUrl: () => string;
}

function isAuthorized(req: IncomingMessage, ctx: Context): boolean {
  const match = /^Basic (.+)$/.exec(req.headers.authorization ?? '');
  if (!match?.[1]) return false;
  const [email, token] = Buffer.from(match[1], 'base64').toString('utf8').split('/token:');
  return email === ctx.credentials.email && token !== undefined && ctx.tokens.has(token);
}

const invalid = (res: ServerResponse, error: string, description: string): void => sendJson(res, 400, { error, description });

/** The export's starting position from `cursor` or `start_time`, or null once it answered an error. */
function positionOf(url: URL, res: ServerResponse, now: number): ExportPosition | null {
  const cursor = url.searchParams.get('cursor');
  const startTime = url.searchParams.get('start_time');
  if (cursor !== null && startTime !== null) {
    invalid(res, 'InvalidPaginationParameter', 'Use either cursor or start_time, not both');
    return null;
  }
  if (cursor !== null) {
    const position = decodeCursor(cursor);
    if (!position) invalid(res, 'InvalidPaginationParameter', 'Invalid cursor');
    return position;
  }
  if (startTime === null || !/^\d+$/.test(startTime)) {
    invalid(res, 'InvalidPaginationParameter', 'start_time (unix seconds) is required when no cursor is given');
    return null;
  }
  if (Number(startTime) * 1000 > now - 60_000) {
    invalid(res, 'InvalidValue', 'Too recent start_time. Use a start_time older than 1 minute');
    return null;
  }
  // Inclusive: tickets updated at start_time itself are exported.
  return { at: Number(startTime) * 1000, id: 0 };
}

function serveExport(req: IncomingMessage, res: ServerResponse, url: URL, ctx: Context): void {
  const now = Date.now();
  const perPage = Number(url.searchParams.get('per_page') ?? MAX_PER_PAGE);
  if (!Number.isInteger(perPage) || perPage < 1 || perPage > MAX_PER_PAGE) {
    invalid(res, 'InvalidPaginationParameter', `per_page must be between 1 and ${MAX_PER_PAGE}`);
    return;
  }
  const position = positionOf(url, res, now);
  if (!position) return;
  const page = ctx.desk.exportPage(position, perPage, url.searchParams.get('exclude_deleted') === 'true', now);
  const afterCursor = encodeCursor(page.after);
  const includesUsers = (url.searchParams.get('include') ?? '').split(',').includes('users');
  sendJson(
    res,
    200,
    {
      tickets: page.tickets,
      ...(includesUsers ? { users: page.users } : {}),
      after_url: `${ctx.baseUrl()}/api/v2/incremental/tickets/cursor.json?cursor=${encodeURIComponent(afterCursor)}&per_page=${perPage}`,
      after_cursor: afterCursor,
      before_url: null,
      before_cursor: null,
      end_of_stream: page.endOfStream,
    },
    rateHeaders(ctx, now),
  );
}

function rateHeaders(ctx: Context, now: number): Record<string, string> {
  if (ctx.limitPerMinute === null) return {};
  // The request being answered counts too; the log only holds finished ones.
  const remaining = Math.max(0, ctx.limitPerMinute - ctx.gate.countSince(now - 60_000) - 1);
  return { 'X-Rate-Limit': String(ctx.limitPerMinute), 'X-Rate-Limit-Remaining': String(remaining) };
}

function route(req: IncomingMessage, res: ServerResponse, ctx: Context): void {
  const url = new URL(req.url ?? '/', 'http://zendesk.local');
  if (req.method !== 'GET' || !(EXPORT_PATH.test(url.pathname) || url.pathname === CURRENT_USER_PATH)) {
    sendJson(res, 404, { error: 'InvalidEndpoint', description: 'Not found' });
    return;
  }
  const at = Date.now();
  res.on('finish', () => ctx.gate.record({ at, status: res.statusCode }));
  const verdict = ctx.gate.admit(at);
  if (verdict.kind === 'throttled') {
    const retryAfter = verdict.retryAfterSeconds === null ? {} : { 'Retry-After': String(verdict.retryAfterSeconds) };
    res.writeHead(429, { 'Content-Type': 'text/plain; charset=utf-8', ...retryAfter, ...rateHeaders(ctx, at) });
    res.end('Number of allowed API requests per minute exceeded');
    return;
  }
  if (!isAuthorized(req, ctx)) {
    sendJson(res, 401, { error: "Couldn't authenticate you" });
    return;
  }
  if (url.pathname === CURRENT_USER_PATH) sendJson(res, 200, { user: { id: 360_000_001, email: ctx.credentials.email, role: 'admin' } });
  else serveExport(req, res, url, ctx);
}

export async function startZendeskSimulator(options: ZendeskSimulatorOptions = {}): Promise<ZendeskSimulator> {
  let url = '';
  const desk = new HelpDesk(
    options.seed ?? 7,
    { ...DEFAULT_FLAW_RATES, ...options.flawRates },
    options.recentExclusionMs ?? 60_000,
    () => url,
  );
  const perSecond = options.requestsPerSecond === undefined ? 100 : options.requestsPerSecond;
  const gate = new RequestGate(perSecond);
  const webhooks = new WebhookSender();
  const credentials = options.credentials ?? ZENDESK_SIMULATOR_CREDENTIALS;
  const ctx: Context = {
    desk,
    gate,
    credentials,
    tokens: new Set([credentials.apiToken]),
    limitPerMinute: perSecond === null ? null : perSecond * 60,
    baseUrl: () => url,
  };
  const server = createServer((req, res) => {
    try {
      route(req, res, ctx);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (!res.headersSent) sendJson(res, 500, { error: 'InternalError', description: message });
    }
  });
  const { host, port } = await listen(server, options);
  url = `http://${host}:${port}`;
  desk.generate(options.tickets ?? 300, Date.now());
  return {
    url,
    credentials,
    tickets: () => desk.snapshot(),
    addTickets: (count) => {
      const added = desk.add(count, Date.now());
      for (const ticket of added) webhooks.notify(ticket, eventTypeOf('created'));
      return added;
    },
    updateTicket: (id, changes) => {
      const changed = desk.update(id, changes, Date.now());
      webhooks.notify(changed, eventTypeOf(changes));
      return changed;
    },
    throttleNext: (times, retryAfterSeconds, afterRequests) => gate.throttleNext(times, retryAfterSeconds, afterRequests),
    requests: () => gate.requests(),
    issueToken: (token) => void ctx.tokens.add(token),
    revokeToken: (token) => void ctx.tokens.delete(token),
    sendWebhooksTo: (target) => webhooks.sendTo(target),
    webhookDeliveries: () => webhooks.deliveries(),
    webhooksSettled: () => webhooks.settled(),
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
