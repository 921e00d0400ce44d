/**
 * A connector's source choices asked of the account when the connector is created or its
 * configuration changed: a GA4 metric the property lacks, a CMS query field the schema lacks, a
 * Brandwatch query id outside the project is a 400 naming the field, not a failed first cycle. Only
 * a config whose shape is valid gets here (zod first), so malformed input never costs a request.
 */
import { ConnectorError, RateLimitedError } from '../activities/errors';
import type { Logger } from '../activities/logger';
import type { RefusedChoice, SourcePlugin } from '../activities/sources/types';
import type { SourceConfig, SourceKind } from '../domain/connector';
import { validationFailed, type ApiError } from './errors';
import { issuePath } from './validation';

/** The account answers a listing in well under this; past it the check is left to the first cycle. */
const ACCOUNT_CHECK_TIMEOUT_MS = 10_000;

const SOURCE_PATH = ['configuration', 'source'] as const;

/** An account that refuses the credentials or the project is the config's fault: a 400 too. */
const refusesTheConfig = (error: unknown): error is ConnectorError =>
  error instanceof ConnectorError && !(error instanceof RateLimitedError) && (error.category === 'auth' || error.category === 'config');

/**
 * Throws the 400 when the account refuses a choice or the credentials. An account that cannot be
 * asked now (unreachable, throttled, slow) does not block the change: the first cycle reports it.
 */
export async function checkSourceChoices(
  plugins: Record<SourceKind, SourcePlugin>,
  source: SourceConfig,
  logger: Pick<Logger, 'warn'>,
): Promise<void> {
  const plugin = plugins[source.kind];
  if (!plugin.refusedChoices) return;
  let refused;
  try {
    refused = await plugin.refusedChoices(source, { signal: AbortSignal.timeout(ACCOUNT_CHECK_TIMEOUT_MS) });
  } catch (error) {
    if (refusesTheConfig(error)) {
      throw validationFailed(`the ${source.kind} account refused the connector's source: ${error.message}`, [
        { path: issuePath([...SOURCE_PATH]), message: error.message, rule: 'refused_by_account' },
      ]);
    }
    logger.warn({ source: source.kind, error: error instanceof Error ? error.message : String(error) }, 'source account not checked');
    return;
  }
  if (refused.length > 0) throw choicesRefused(source.kind, refused, SOURCE_PATH);
}

/** The 400 for choices the account does not have, each under `sourcePath` (where the request holds the source block). */
export function choicesRefused(kind: SourceKind, refused: readonly RefusedChoice[], sourcePath: readonly string[]): ApiError {
  const issues = refused.map((choice) => ({
    path: issuePath([...sourcePath, ...choice.path]),
    message: choice.message,
    rule: 'not_in_account',
  }));
  return validationFailed(`the ${kind} account does not have: ${issues.map((i) => i.path).join(', ')}`, issues);
}
