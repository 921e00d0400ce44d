/**
 * SendGrid's side of the Event Webhook: posts event arrays to a URL the way SendGrid does (compact
 * JSON, application/json, the two signature headers), signed with its own generated key. Redelivery
 * sends the same body again, freshly signed, as SendGrid's retries do.
 */
import { createSendgridSigningKey, type SendgridSigningKey } from './signing';

export const SIGNATURE_HEADER = 'X-Twilio-Email-Event-Webhook-Signature';
export const TIMESTAMP_HEADER = 'X-Twilio-Email-Event-Webhook-Timestamp';

export interface DeliveryOptions {
  /** false sends no signature headers (an account without signing). */
  signed?: boolean;
  /** The signing instant; now by default (an old one makes a replay). */
  signedAt?: Date;
  /** Signs one body and sends another: what a tampering proxy would do. */
  tamper?: boolean;
}

export interface Delivery {
  body: string;
  status: number;
  /** The receiver's answer, parsed when it is JSON. */
  response: unknown;
  /** When the receiver answered. */
  answeredAt: Date;
}

export interface SendgridSender {
  /** The key to configure on the receiving connector. */
  readonly publicKey: string;
  deliver(events: readonly object[], options?: DeliveryOptions): Promise<Delivery>;
  /** The same body once more, signed anew. */
  redeliver(previous: Delivery): Promise<Delivery>;
}

/** `key` defaults to a new one; pass one to configure the receiving connector before its URL is known. */
export function createSendgridSender(url: string, key: SendgridSigningKey = createSendgridSigningKey()): SendgridSender {
  async function post(body: string, options: DeliveryOptions): Promise<Delivery> {
    const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'SendGrid Event API' };
    if (options.signed !== false) {
      const timestamp = String(Math.floor((options.signedAt ?? new Date()).getTime() / 1000));
      headers[SIGNATURE_HEADER] = key.sign(timestamp, options.tamper ? body.replace(/\]$/, ',{}]') : body);
      headers[TIMESTAMP_HEADER] = timestamp;
    }
    const response = await fetch(url, { method: 'POST', headers, body });
    const text = await response.text();
    return { body, status: response.status, response: parseJson(text), answeredAt: new Date() };
  }

  return {
    publicKey: key.publicKey,
    deliver: (events, options = {}) => post(JSON.stringify(events), options),
    redeliver: (previous) => post(previous.body, {}),
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
