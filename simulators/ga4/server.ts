/**
 * A local GA4 Data API over HTTP (the REST transport the SDK's `fallback` speaks), driven by the real
 * @google-analytics/data client in tests. Tests steer it through the returned handle.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { z } from 'zod';
import { readBody, sendJson } from '../salesforce/http';
import { SimulatedProperty, type RealtimeFact, type ReportedDailyFact } from './property';
import { PropertyGate, type TokenBudgets } from './quota';
import { metadataOf, runRealtimeReport, runRealtimeReportSchema, runReport, runReportSchema, REALTIME_WINDOW_MINUTES } from './reports';
import { BadRequest, sendGoogleError, type RequestRecord } from './wire';
import { listen, type ListenOptions } from '../listen';

export const GA4_SIMULATOR_PROPERTY_ID = '250000001';
export const GA4_SIMULATOR_ACCESS_TOKEN = 'ya29.simulator-access-token';

export interface Ga4SimulatorOptions extends ListenOptions {
  seed?: number;
  propertyId?: string;
  accessToken?: string;
  /** Daily report rows (date × source × medium × page), spread over `days` days up to today. */
  dailyRows?: number;
  days?: number;
  /** Realtime rows (minute × event × platform × country) over the last 20 minutes. */
  realtimeRows?: number;
  /** A standard property's budgets by default (200,000 tokens a day, 40,000 an hour). */
  tokens?: Partial<TokenBudgets>;
}

export interface Ga4Simulator {
  /** http://host:port, the connector's apiEndpoint. */
  url: string;
  port: number;
  propertyId: string;
  accessToken: string;
  addDailyRows(count: number): void;
  addRealtimeRows(count: number): void;
  /** Recent days' counts grow, as GA4 revises them. */
  settle(): void;
  dailyFacts(): ReportedDailyFact[];
  realtimeFacts(): RealtimeFact[];
  throttleNext(times: number, retryAfterSeconds: number | null, after?: number): void;
  exhaustDailyTokens(): void;
  setTokenBudgets(budgets: Partial<TokenBudgets>): void;
  requests(): RequestRecord[];
  stop(): Promise<void>;
}

const REPORT_PATH = /^\/v1beta\/properties\/([^/:]+):(runReport|runRealtimeReport)$/;
const METADATA_PATH = /^\/v1beta\/properties\/([^/:]+)\/metadata$/;

/** The token cost of a report: GA4 charges by complexity; here one token plus one per thousand rows. */
const tokenCost = (rows: number): number => 1 + Math.ceil(rows / 1000);

interface Context {
  property: SimulatedProperty;
  gate: PropertyGate;
  propertyId: string;
  accessToken: string;
}

function parseBody<T>(schema: z.ZodType<T>, text: string): T {
  let json: unknown;
  try {
    json = text.trim() ? JSON.parse(text) : {};
  } catch {
    throw new BadRequest('Invalid JSON payload received.');
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new BadRequest(`Invalid value at '${issue?.path.join('.') ?? ''}': ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

function evaluate(method: string | undefined, text: string, ctx: Context, now: number) {
  if (method === 'runReport') {
    const request = parseBody(runReportSchema, text);
    return { ...runReport(ctx.property.dailyFacts(), request, now), returnPropertyQuota: request.returnPropertyQuota };
  }
  const request = parseBody(runRealtimeReportSchema, text);
  return { ...runRealtimeReport(ctx.property.realtimeFacts(), request, now), returnPropertyQuota: request.returnPropertyQuota };
}

/** Answers a request without the property's token, or for another property; true when it may go on. */
function admitted(req: IncomingMessage, res: ServerResponse, ctx: Context, propertyId: string | undefined): boolean {
  if (req.headers.authorization !== `Bearer ${ctx.accessToken}`) {
    sendGoogleError(
      res,
      401,
      'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.',
    );
    return false;
  }
  if (propertyId !== ctx.propertyId) {
    sendGoogleError(res, 403, 'User does not have sufficient permissions for this property.');
    return false;
  }
  return true;
}

/** getMetadata: free of tokens, as GA4 charges none for it. */
function handleMetadata(req: IncomingMessage, res: ServerResponse, ctx: Context, propertyId: string | undefined): void {
  if (req.method !== 'GET') return sendGoogleError(res, 404, 'Method not found.');
  if (admitted(req, res, ctx, propertyId)) sendJson(res, 200, metadataOf(ctx.propertyId));
}

async function handleReport(req: IncomingMessage, res: ServerResponse, ctx: Context, match: RegExpExecArray, now: number): Promise<void> {
  if (req.method !== 'POST') return sendGoogleError(res, 404, 'Method not found.');
  if (!admitted(req, res, ctx, match[1])) return;
  const verdict = ctx.gate.admit(now);
  if (verdict.kind === 'throttled') {
    const headers: Record<string, string> = verdict.retryAfterSeconds === null ? {} : { 'Retry-After': String(verdict.retryAfterSeconds) };
    return sendGoogleError(res, 429, verdict.message, headers);
  }
  try {
    const { returned, body, returnPropertyQuota } = evaluate(match[2], await readBody(req), ctx, now);
    const cost = tokenCost(returned);
    ctx.gate.spend(cost, now);
    sendJson(res, 200, returnPropertyQuota ? { ...body, propertyQuota: ctx.gate.quotaStatus(cost, now) } : body);
  } catch (error) {
    if (error instanceof BadRequest) return sendGoogleError(res, 400, error.message);
    throw error;
  }
}

function route(req: IncomingMessage, res: ServerResponse, ctx: Context): Promise<void> | void {
  const now = Date.now();
  const path = new URL(req.url ?? '/', 'http://simulator.local').pathname;
  const metadata = METADATA_PATH.exec(path);
  const match = REPORT_PATH.exec(path);
  const reportMethod = match?.[2] === 'runReport' || match?.[2] === 'runRealtimeReport' ? match[2] : 'unknown';
  const method: RequestRecord['method'] = metadata ? 'getMetadata' : reportMethod;
  res.on('finish', () => ctx.gate.record({ at: now, method, status: res.statusCode }));
  if (metadata) return handleMetadata(req, res, ctx, metadata[1]);
  if (!match) return sendGoogleError(res, 404, `The requested URL ${path} was not found on this server.`);
  return handleReport(req, res, ctx, match, now);
}

export async function startGa4Simulator(options: Ga4SimulatorOptions = {}): Promise<Ga4Simulator> {
  const property = new SimulatedProperty(options.seed ?? 4);
  const startedAt = Date.now();
  property.addDaily(options.dailyRows ?? 200, startedAt, options.days ?? 7);
  property.addRealtime(options.realtimeRows ?? 40, startedAt, Math.min(20, REALTIME_WINDOW_MINUTES));
  const gate = new PropertyGate({ perDay: 200_000, perHour: 40_000, ...options.tokens });
  const ctx: Context = {
    property,
    gate,
    propertyId: options.propertyId ?? GA4_SIMULATOR_PROPERTY_ID,
    accessToken: options.accessToken ?? GA4_SIMULATOR_ACCESS_TOKEN,
  };
  const server = createServer((req, res) => {
    Promise.resolve(route(req, res, ctx)).catch((error: unknown) => {
      if (!res.headersSent) sendGoogleError(res, 500, error instanceof Error ? error.message : String(error));
    });
  });
  const { host, port } = await listen(server, options);
  return {
    url: `http://${host}:${port}`,
    port,
    propertyId: ctx.propertyId,
    accessToken: ctx.accessToken,
    addDailyRows: (count) => property.addDaily(count, Date.now()),
    addRealtimeRows: (count) => property.addRealtime(count, Date.now()),
    settle: () => property.settle(Date.now()),
    dailyFacts: () => property.dailyFacts(),
    realtimeFacts: () => property.realtimeFacts(),
    throttleNext: (times, retryAfterSeconds, after) => gate.throttleNext(times, retryAfterSeconds, after),
    exhaustDailyTokens: () => gate.exhaustDailyTokens(),
    setTokenBudgets: (budgets) => gate.setBudgets(budgets),
    requests: () => gate.requests(),
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
