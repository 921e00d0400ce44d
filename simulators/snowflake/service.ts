/**
 * The endpoints snowflake-sdk calls (protocols.md section 1), routed on the path alone: the driver
 * adds query parameters of its own (request_guid, retryCount) to every request.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { readBody } from '../read-body';
import { authenticate, type SimulatorUser } from './auth';
import { STATEMENT_TYPE_IDS } from './dialect';
import type { EngineSession, SnowflakeEngine } from './engine';
import { fromDuckDB } from './errors';
import { identifierName } from './stages';
import {
  FORMAT_PARAMETERS,
  SESSION_GONE,
  failure,
  loginRequestSchema,
  queryRequestSchema,
  renewRequestSchema,
  sendEnvelope,
  success,
} from './wire';

interface Session {
  token: string;
  masterToken: string;
  engine: EngineSession;
}

const MAX_BODY_BYTES = 256 * 1024 * 1024;

async function readJson(req: IncomingMessage): Promise<unknown> {
  const body = await readBody(req, MAX_BODY_BYTES);
  // The driver may gzip a body without saying so (http/base.js races zlib against the send).
  const text = (body[0] === 0x1f && body[1] === 0x8b ? gunzipSync(body) : body).toString('utf8');
  return text.trim() ? JSON.parse(text) : {};
}

/** `Authorization: Snowflake Token="<token>"`. */
function bearerToken(req: IncomingMessage): string | null {
  return /Snowflake Token="([^"]+)"/.exec(req.headers.authorization ?? '')?.[1] ?? null;
}

const newToken = (): string => randomBytes(24).toString('base64url');

export class SnowflakeService {
  readonly sessions = new Map<string, Session>();
  throttleNext = false;
  private sessionSeq = 0;

  constructor(
    readonly engine: SnowflakeEngine,
    readonly account: string,
    readonly users: readonly SimulatorUser[],
  ) {}

  async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://simulator.local');
    const route = `${req.method ?? 'GET'} ${url.pathname}`;
    switch (route) {
      case 'POST /session/v1/login-request':
        return this.login(req, res, url);
      case 'POST /queries/v1/query-request':
        return this.query(req, res);
      case 'POST /session/token-request':
        return this.renew(req, res);
      case 'POST /session/heartbeat':
        return sendEnvelope(res, this.session(req) ? success(null) : failure(SESSION_GONE.code, SESSION_GONE.message));
      case 'POST /session':
        return this.logout(req, res, url);
      case 'POST /telemetry/send':
      case 'POST /queries/v1/abort-request':
        return sendEnvelope(res, success(null));
      default:
        return sendEnvelope(res, failure('390400', `no such endpoint: ${route}`), 404);
    }
  }

  private session(req: IncomingMessage): Session | undefined {
    const token = bearerToken(req);
    return token ? this.sessions.get(token) : undefined;
  }

  private async login(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const request = loginRequestSchema.safeParse(await readJson(req));
    if (!request.success) return sendEnvelope(res, failure('390101', `malformed login request: ${request.error.message}`));
    const outcome = authenticate(this.users, this.account, request.data);
    if (!outcome.ok) return sendEnvelope(res, failure(outcome.code, outcome.message, { nextAction: 'RETRY_LOGIN' }));
    const database = identifierName(url.searchParams.get('databaseName') ?? 'SIMULATOR_DB');
    const schemaParam = url.searchParams.get('schemaName');
    const schema = schemaParam ? identifierName(schemaParam) : null;
    this.sessionSeq += 1;
    const id = this.sessionSeq;
    const session: Session = {
      token: newToken(),
      masterToken: newToken(),
      engine: await this.engine.openSession(String(id), database, schema),
    };
    this.sessions.set(session.token, session);
    sendEnvelope(
      res,
      success({
        token: session.token,
        masterToken: session.masterToken,
        validityInSeconds: 3600,
        masterValidityInSeconds: 14_400,
        sessionId: id,
        displayUserName: outcome.user,
        serverVersion: 'simulator',
        // Keeps the driver from binding large arrays through a stage of its own (bind_uploader.js).
        parameters: [{ name: 'CLIENT_STAGE_ARRAY_BINDING_THRESHOLD', value: 1_000_000_000 }, ...FORMAT_PARAMETERS],
        sessionInfo: {
          databaseName: database,
          schemaName: schema,
          warehouseName: url.searchParams.get('warehouse'),
          roleName: url.searchParams.get('roleName'),
        },
      }),
    );
  }

  private async query(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (this.throttleNext) {
      this.throttleNext = false;
      return sendEnvelope(res, failure('000000', 'Too many requests'), 429);
    }
    const session = this.session(req);
    if (!session) return sendEnvelope(res, failure(SESSION_GONE.code, SESSION_GONE.message));
    const request = queryRequestSchema.safeParse(await readJson(req));
    const queryId = randomUUID();
    if (!request.success) {
      return sendEnvelope(res, failure('001003', `malformed query request: ${request.error.message}`, { queryId }));
    }
    if (request.data.asyncExec || request.data.describeOnly) {
      const data = { queryId, sqlState: '0A000' };
      return sendEnvelope(res, failure('001003', 'the simulator runs statements synchronously only', data));
    }
    try {
      const outcome = await this.engine.execute(session.engine, request.data.sqlText, request.data.bindings);
      if (outcome.kind === 'put') return sendEnvelope(res, success({ ...outcome.upload, queryId }));
      const { rowtype, rowset } = outcome.result;
      sendEnvelope(
        res,
        success({
          queryId,
          statementTypeId: STATEMENT_TYPE_IDS[outcome.kind],
          rowtype,
          rowset,
          returned: rowset.length,
          total: rowset.length,
          version: 1,
          queryResultFormat: 'json',
          parameters: FORMAT_PARAMETERS,
          finalDatabaseName: session.engine.database,
        }),
      );
    } catch (error) {
      const { code, message, sqlState } = fromDuckDB(error);
      sendEnvelope(res, failure(code, message, { queryId, sqlState, errorCode: code, internalError: false }));
    }
  }

  async endSessions(): Promise<number> {
    const sessions = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.all(sessions.map((s) => this.engine.closeSession(s.engine)));
    return sessions.length;
  }

  private async renew(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const master = bearerToken(req);
    const request = renewRequestSchema.safeParse(await readJson(req));
    const session = request.success ? this.sessions.get(request.data.oldSessionToken) : undefined;
    if (!session || session.masterToken !== master) {
      return sendEnvelope(res, failure('390114', 'Authentication token has expired.'));
    }
    this.sessions.delete(session.token);
    session.token = newToken();
    this.sessions.set(session.token, session);
    const { token, masterToken } = session;
    sendEnvelope(res, success({ sessionToken: token, validityInSecondsST: 3600, masterToken, validityInSecondsMT: 14_400 }));
  }

  private async logout(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const session = this.session(req);
    if (url.searchParams.get('delete') !== 'true' || !session) {
      return sendEnvelope(res, failure(SESSION_GONE.code, SESSION_GONE.message));
    }
    this.sessions.delete(session.token);
    await this.engine.closeSession(session.engine);
    sendEnvelope(res, success(null));
  }
}
