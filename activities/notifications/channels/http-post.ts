/**
 * One JSON POST to a receiver through the sources' HTTP kit, its answer mapped onto the error
 * taxonomy: a refusal that retrying cannot mend (a 4xx other than 408 and 429: a wrong URL, a
 * revoked Slack hook, a bad signature secret) fails at once; a timeout, a 408 or a 5xx is retried
 * by Temporal, and a 429 after the receiver's Retry-After. A cancelled delivery stops sending.
 */
import { Context } from '@temporalio/activity';
import { ConnectorError } from '../../errors';
import { send, statusFailure, type HttpCall } from '../../sources/http-kit';

const TIMEOUT_MS = 10_000;
const CALL: HttpCall = { service: 'the receiver', action: 'the notification' };
const REFUSED = { category: 'config', hint: 'check the channel: its URL, hook or secret was refused' } as const;

export async function postJson(url: string, body: string, headers: Record<string, string> = {}): Promise<void> {
  const init: RequestInit = {
    method: 'POST',
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body,
    redirect: 'error',
  };
  const response = await send(url, init, CALL, Context.current().cancellationSignal, TIMEOUT_MS);
  // Read so the connection is released; its text is not kept (a receiver may echo anything).
  await response.arrayBuffer().catch(() => undefined);
  if (response.ok) return;
  const what = `the receiver answered HTTP ${response.status}`;
  if (response.status === 408) throw new ConnectorError('transient', what);
  throw statusFailure(response, what, { refusals: {}, otherwise: REFUSED });
}
