/**
 * One Snowflake session over snowflake-sdk, loaded on first use. Statements run one at a time: a
 * session holds one transaction, so interleaving two operations would mix their statements.
 */
import type * as SnowflakeSdk from 'snowflake-sdk';
import type { Bind, Binds, Connection, ConnectionOptions } from 'snowflake-sdk';
import { z } from 'zod';
import type { snowflakeDestinationSchema } from '../../../domain/destinations';
import { ConnectorError } from '../../errors';
import { logger } from '../../logger';
import { lazily } from '../base';
import { asConnectorError } from './errors';

export type SnowflakeDestinationConfig = z.infer<typeof snowflakeDestinationSchema>;
type Driver = typeof SnowflakeSdk;

function isDriver(value: unknown): value is Driver {
  return typeof value === 'object' && value !== null && 'createConnection' in value && 'configure' in value;
}

/** snowflake-sdk is CommonJS: under Node's ESM loader (tsx) it arrives as the namespace's default export. */
async function importDriver(): Promise<Driver> {
  const loaded: unknown = await import('snowflake-sdk');
  const namespaceDefault = typeof loaded === 'object' && loaded !== null && 'default' in loaded ? loaded.default : null;
  const sdk = isDriver(loaded) ? loaded : namespaceDefault;
  if (!isDriver(sdk)) throw new Error('snowflake-sdk did not load: createConnection is missing');
  return sdk;
}

/** The driver loads on first use; its own log goes to ours, warnings and worse only. */
const loadDriver: () => Promise<Driver> = lazily(() =>
  importDriver().then((sdk) => {
    const log = logger.child({ component: 'snowflake-sdk' });
    sdk.configure({
      logLevel: 'WARN',
      customLogger: {
        error: (message) => log.error(message),
        warn: (message) => log.warn(message),
        info: (message) => log.info(message),
        debug: (message) => log.debug(message),
        trace: (message) => log.trace(message),
      },
    });
    return sdk;
  }),
);

export type { Bind };

export interface StatementResult {
  /** Column names as Snowflake returned them, with their Snowflake types (rowtype[].type). */
  columns: { name: string; type: string }[];
  rows: unknown[][];
  /** Rows a DML statement inserted, updated or deleted; -1 for other statements. */
  changed: number;
}

const rowsSchema = z.array(z.array(z.unknown()));

type SnowflakeAuth = NonNullable<SnowflakeDestinationConfig['auth']>;

/** The connector's own credentials, else the worker's environment; never logged. */
export function snowflakeCredentials(config: SnowflakeDestinationConfig, env: NodeJS.ProcessEnv = process.env): SnowflakeAuth {
  if (config.auth) return config.auth;
  if (env.SNOWFLAKE_PRIVATE_KEY) {
    return {
      type: 'key-pair',
      privateKey: env.SNOWFLAKE_PRIVATE_KEY,
      ...(env.SNOWFLAKE_PRIVATE_KEY_PASSPHRASE ? { passphrase: env.SNOWFLAKE_PRIVATE_KEY_PASSPHRASE } : {}),
    };
  }
  if (env.SNOWFLAKE_PASSWORD) return { type: 'password', password: env.SNOWFLAKE_PASSWORD };
  throw new ConnectorError(
    'config',
    `no Snowflake credentials for ${config.username}`,
    'give destination.auth in the connector, or set SNOWFLAKE_PASSWORD or SNOWFLAKE_PRIVATE_KEY where the worker runs',
  );
}

function connectionOptions(config: SnowflakeDestinationConfig): ConnectionOptions {
  const credentials = snowflakeCredentials(config);
  const auth =
    credentials.type === 'password'
      ? { password: credentials.password }
      : { authenticator: 'SNOWFLAKE_JWT', privateKey: credentials.privateKey, privateKeyPass: credentials.passphrase };
  return {
    account: config.account,
    ...(config.accessUrl ? { accessUrl: config.accessUrl } : {}),
    username: config.username,
    ...auth,
    warehouse: config.warehouse,
    database: config.database,
    ...(config.role ? { role: config.role } : {}),
    application: 'InsightHub',
    // Whole numbers arrive exact; the query layer turns the safe ones back into numbers.
    jsTreatIntegerAsBigInt: true,
    // A refused login is final; a network failure is retried by the activity's retry policy instead.
    sfRetryMaxLoginRetries: 2,
  };
}

export class SnowflakeSession {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(private readonly connection: Connection) {}

  /** Logs in with the callback form: connectAsync resolves even when the login fails. */
  static async open(config: SnowflakeDestinationConfig): Promise<SnowflakeSession> {
    const sdk = await loadDriver();
    const connection = sdk.createConnection(connectionOptions(config));
    await new Promise<void>((resolve, reject) => {
      connection.connect((error) => (error ? reject(asConnectorError(error, `log in to Snowflake account ${config.account}`)) : resolve()));
    });
    return new SnowflakeSession(connection);
  }

  /** Runs `work` with this session to itself: no other operation's statements come in between. */
  exclusive<T>(work: (session: SnowflakeSession) => Promise<T>): Promise<T> {
    const result = this.queue.then(() => work(this));
    this.queue = result.catch(() => undefined);
    return result;
  }

  execute(sqlText: string, binds?: Binds): Promise<StatementResult> {
    return new Promise((resolve, reject) => {
      this.connection.execute({
        sqlText,
        ...(binds ? { binds } : {}),
        rowMode: 'array',
        complete: (error, statement, rows) => {
          if (error) return reject(error);
          const parsed = rowsSchema.safeParse(rows ?? []);
          if (!parsed.success) return reject(new Error(`unexpected rows from Snowflake: ${parsed.error.message}`));
          resolve({
            columns: (statement.getColumns() ?? []).map((column) => ({ name: column.getName(), type: column.getType() })),
            rows: parsed.data,
            changed: statement.getNumUpdatedRows() ?? -1,
          });
        },
      });
    });
  }

  /** Ends the session on the server (its temporary tables and stages go with it). */
  close(): Promise<void> {
    return new Promise((resolve) => {
      this.connection.destroy(() => resolve());
    });
  }
}

/** A session set up for loading: in UTC, on a database the role can use; closed again when either fails. */
export async function openSession(config: SnowflakeDestinationConfig): Promise<SnowflakeSession> {
  const session = await SnowflakeSession.open(config);
  try {
    // Timestamps without a zone, CURRENT_TIMESTAMP and DATE-to-TIMESTAMP_TZ casts all read as UTC.
    await session.execute(`ALTER SESSION SET TIMEZONE = 'UTC'`);
    const { rows } = await session.execute('SELECT CURRENT_DATABASE()');
    if (rows[0]?.[0] === null || rows[0]?.[0] === undefined) {
      throw new ConnectorError('config', `Snowflake database ${config.database} does not exist or the role cannot use it`);
    }
  } catch (error) {
    await session.close();
    throw asConnectorError(error, 'open the Snowflake session');
  }
  return session;
}
