/**
 * One JSON POST to a receiver, its answer mapped onto the error taxonomy: a refusal that retrying
 * cannot mend (a 4xx other than 408 and 429: a wrong URL, a revoked Slack hook, a bad signature
 * secret) fails at once; a timeout, a 408/429 or a 5xx is retried by Temporal.
 */
import { ConnectorError } from '../../errors';

const TIMEOUT_MS = 10_000;

export async function postJson(url: string, body: string, headers: Record<string, string> = {}): Promise<void> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
      body,
      signal: AbortSignal.timeout(TIMEOUT_MS),
      redirect: 'error',
    });
  } catch (error) {
    throw new ConnectorError('transient', `the receiver did not answer: ${error instanceof Error ? error.message : String(error)}`);
  }
  // Read so the connection is released; its text is not kept (a receiver may echo anything).
  await response.arrayBuffer().catch(() => undefined);
  if (response.ok) return;
  const mendable = response.status === 408 || response.status === 429 || response.status >= 500;
  throw new ConnectorError(mendable ? 'transient' : 'config', `the receiver answered HTTP ${response.status}`);
}
