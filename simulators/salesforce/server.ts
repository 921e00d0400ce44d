/**
 * A local Salesforce org over HTTP, driven by the real jsforce in tests and in the demo. Tests
 * steer it through the returned controls; the demo through the /__sim/ admin routes.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { handleAdmin } from './admin';
import { BulkQueryJobs } from './bulk';
import { DEFAULT_DELETED_RATE, DEFAULT_FLAW_RATES, type Flaw } from './flaws';
import { ApiGate, type Endpoint, type LoggedRequest } from './gate';
import { sendJson } from './http';
import { SimulatedOrg } from './org';
import { orgProfiles, type OrgProfileName } from './profiles';
import { classifyDataPath, handleData, handleToken, type OAuthCredentials, type RestContext } from './rest';
import type { SimObjectName } from './schema';
import { errorBody } from './wire';
import { listen, type ListenOptions } from '../listen';

/** The demo org's login; also what tests use unless they pass their own. */
export const SIMULATOR_CREDENTIALS: Readonly<OAuthCredentials> = {
  clientId: 'insight-hub-demo-client',
  clientSecret: 'insight-hub-demo-secret',
  username: 'marketing-ops@insight-hub.example',
  password: 'demo-password',
};
export const SIMULATOR_ACCESS_TOKEN = '00DSIM!static-demo-access-token';
export const SIMULATOR_ORG_ID = '00D000000000SIMAAA';
export const SIMULATOR_USER_ID = '005000000000SIMAAA';

export interface SalesforceSimulatorOptions extends ListenOptions {
  seed?: number;
  /** Contacts to generate; leads, opportunities and campaign members scale with it. */
  contacts?: number;
  /** Overrides the per-object counts derived from `contacts`. */
  counts?: Partial<Record<SimObjectName, number>>;
  flawRates?: Partial<Record<Flaw, number>>;
  deletedRate?: number;
  /** The instant generated data is relative to; defaults to the start time. */
  now?: Date;
  /** Records per query page (Salesforce: 2000); when given, also the most a Bulk API 2.0 results chunk holds. */
  pageSize?: number;
  quota?: { used?: number; max?: number };
  credentials?: OAuthCredentials;
  accessToken?: string;
  /** Which fields the org has beyond the standard ones (profiles.ts); `demo` when omitted. */
  profile?: OrgProfileName;
}

export interface SalesforceSimulator {
  url: string;
  port: number;
  credentials: Readonly<OAuthCredentials>;
  accessToken: string;
  stop(): Promise<void>;
  groundTruth: SimulatedOrg['groundTruth'];
  records: SimulatedOrg['snapshot'];
  counts: SimulatedOrg['counts'];
  insertRecords: SimulatedOrg['insertRecords'];
  updateRecord: SimulatedOrg['updateRecord'];
  deleteRecord: SimulatedOrg['deleteRecord'];
  addField: SimulatedOrg['addField'];
  describe: SimulatedOrg['describe'];
  throttle: ApiGate['throttle'];
  clearThrottle: ApiGate['clearThrottle'];
  setQuota: ApiGate['setQuota'];
  quota: ApiGate['quota'];
  requests: ApiGate['requests'];
  clearRequests: ApiGate['clearRequests'];
  expireSessions: ApiGate['expireSessions'];
  /** Bulk API 2.0 query jobs opened so far (POST /__sim/bulk-jobs/failures fails the next ones). */
  bulkJobs: BulkQueryJobs['list'];
}

const DEFAULT_CONTACTS = 1_000;
const DEFAULT_CAMPAIGNS = 25;

function countsFor(options: SalesforceSimulatorOptions): Record<SimObjectName, number> {
  const contacts = options.contacts ?? DEFAULT_CONTACTS;
  const counts = {
    Contact: contacts,
    Lead: Math.round(contacts / 2),
    Opportunity: Math.round(contacts / 5),
    CampaignMember: contacts,
    Campaign: DEFAULT_CAMPAIGNS,
    ...options.counts,
  };
  // About twenty contacts to a company.
  return { Account: Math.max(1, Math.round(counts.Contact / 20)), ...counts };
}

function route(req: IncomingMessage, res: ServerResponse, ctx: RestContext): Promise<void> | void {
  const url = new URL(req.url ?? '/', 'http://simulator.local');
  const path = url.pathname;
  const endpoint: Endpoint = path.startsWith('/__sim/') ? 'admin' : path === '/services/oauth2/token' ? 'token' : classifyDataPath(path);
  const entry: LoggedRequest = { at: Date.now(), method: req.method ?? 'GET', endpoint, path, status: 0 };
  const soql = url.searchParams.get('q');
  if (soql !== null && (endpoint === 'query' || endpoint === 'queryAll')) entry.soql = soql;
  res.on('finish', () => ctx.gate.record({ ...entry, status: res.statusCode }));
  if (endpoint === 'admin') return handleAdmin(req, res, path, ctx);
  if (endpoint === 'token') return handleToken(req, res, ctx);
  if (path.startsWith('/services/data/')) return handleData(req, res, url, ctx);
  sendJson(res, 404, errorBody('NOT_FOUND', 'The requested resource does not exist'));
}

export async function startSalesforceSimulator(options: SalesforceSimulatorOptions = {}): Promise<SalesforceSimulator> {
  const org = new SimulatedOrg(
    {
      seed: options.seed ?? 42,
      now: (options.now ?? new Date()).getTime(),
      counts: countsFor(options),
      flawRates: { ...DEFAULT_FLAW_RATES, ...options.flawRates },
      deletedRate: options.deletedRate ?? DEFAULT_DELETED_RATE,
    },
    options.pageSize ?? 2000,
    orgProfiles[options.profile ?? 'demo'],
  );
  const accessToken = options.accessToken ?? SIMULATOR_ACCESS_TOKEN;
  const gate = new ApiGate({ used: options.quota?.used ?? 0, max: options.quota?.max ?? 15_000 }, accessToken);
  const credentials = options.credentials ?? SIMULATOR_CREDENTIALS;
  const bulk = new BulkQueryJobs(org, options.pageSize ?? Number.POSITIVE_INFINITY, SIMULATOR_USER_ID);
  let url = '';
  const ctx: RestContext = { org, gate, bulk, credentials, orgId: SIMULATOR_ORG_ID, userId: SIMULATOR_USER_ID, baseUrl: () => url };
  const server = createServer((req, res) => {
    Promise.resolve(route(req, res, ctx)).catch((error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      if (!res.headersSent) sendJson(res, 500, errorBody('UNKNOWN_EXCEPTION', message));
    });
  });
  const { host, port } = await listen(server, options);
  url = `http://${host}:${port}`;
  return {
    url,
    port,
    credentials,
    accessToken,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
    groundTruth: (object) => org.groundTruth(object),
    records: (object) => org.snapshot(object),
    counts: () => org.counts(),
    insertRecords: (object, count) => org.insertRecords(object, count),
    updateRecord: (object, id, changes) => org.updateRecord(object, id, changes),
    deleteRecord: (object, id) => org.deleteRecord(object, id),
    addField: (object, field) => org.addField(object, field),
    describe: (object) => org.describe(object),
    throttle: (spec) => gate.throttle(spec),
    clearThrottle: () => gate.clearThrottle(),
    setQuota: (quota) => gate.setQuota(quota),
    quota: () => gate.quota(),
    requests: (endpoint) => gate.requests(endpoint),
    clearRequests: () => gate.clearRequests(),
    expireSessions: () => gate.expireSessions(),
    bulkJobs: () => bulk.list(),
  };
}
