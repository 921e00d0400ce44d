/**
 * A local Snowflake account over HTTP for snowflake-sdk 3.x: login (password or key-pair JWT),
 * query-request with binds, PUT to a LOCAL_FS stage and COPY INTO, heartbeat, token renewal,
 * telemetry and session close. Every statement really runs, in DuckDB (see engine.ts, dialect.ts).
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { SimulatorUser } from './auth';
import { type ClusteringRequest, SnowflakeEngine } from './engine';
import { SnowflakeService } from './service';
import { failure, sendEnvelope } from './wire';
import { listen, type ListenOptions } from '../listen';

/** The demo account's user; tests use it unless they pass their own. */
export const SIMULATOR_USER: Readonly<Required<Pick<SimulatorUser, 'name' | 'password'>>> = {
  name: 'insight_hub',
  password: 'simulator-password',
};
export const SIMULATOR_ACCOUNT = 'SIMULATOR';

export interface SnowflakeSimulatorOptions extends ListenOptions {
  account?: string;
  users?: readonly SimulatorUser[];
  /** Where temporary stages keep PUT files; a fresh temp folder by default. */
  stageRoot?: string;
}

export interface SnowflakeSimulator {
  url: string;
  account: string;
  /** Every SQL text received, in order, as sent. */
  statements(): string[];
  clearStatements(): void;
  /** CREATE TABLE statements that asked for CLUSTER BY, and their keys. */
  clustering(): ClusteringRequest[];
  /** Open sessions (logged in, not yet closed). */
  sessionCount(): number;
  /** The next query-request is answered HTTP 429 once (the driver retries it after about a second). */
  throttleNextQuery(): void;
  /**
   * Ends every open session, as Snowflake does once a client is gone: open transactions roll back,
   * temporary tables and stages are dropped. Returns how many there were.
   */
  endSessions(): Promise<number>;
  stop(): Promise<void>;
}

export async function startSnowflakeSimulator(options: SnowflakeSimulatorOptions = {}): Promise<SnowflakeSimulator> {
  const stageRoot = options.stageRoot ?? path.join(tmpdir(), `ih-snowflake-stages-${randomUUID()}`);
  const engine = await SnowflakeEngine.create(stageRoot);
  const account = options.account ?? SIMULATOR_ACCOUNT;
  const service = new SnowflakeService(engine, account, options.users ?? [SIMULATOR_USER]);
  const server = createServer((req, res) => {
    service.route(req, res).catch((error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      // HTTP 200 with success:false: the driver retries a 5xx up to 1000 times, failing would take hours.
      if (!res.headersSent) sendEnvelope(res, failure('000603', `simulator error: ${message}`));
    });
  });
  const { host, port } = await listen(server, options);
  return {
    url: `http://${host}:${port}`,
    account,
    statements: () => [...engine.statements],
    clearStatements: () => void engine.statements.splice(0),
    clustering: () => [...engine.clustering],
    sessionCount: () => service.sessions.size,
    throttleNextQuery: () => {
      service.throttleNext = true;
    },
    endSessions: () => service.endSessions(),
    stop: async () => {
      await new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      });
      await service.endSessions();
      await engine.close();
    },
  };
}
