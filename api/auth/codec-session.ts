/**
 * How the Temporal Web UI proves who its operator is to the codec. The UI sends no Authorization
 * header (the dev server's UI has no sign-in); with its Data Encoder setting "Include cross-origin
 * credentials" on, it sends cookies. So the operator signs in once at /codec/session, and the API
 * keeps that credential in an HttpOnly, SameSite=Strict cookie scoped to /codec: the UI's scripts
 * cannot read it, no other site's page makes the browser send it, and no route outside the codec
 * takes it. Cookies belong to the host, not the port, so the UI on :8233 sends it to the API on :3000.
 * Each codec call authenticates it again and checks the role, as for a Bearer header.
 */
import type { Request } from 'express';

export const CODEC_PATH = '/codec';
export const CODEC_SESSION_COOKIE = 'ih_codec_session';
/** A working day: the operator signs in again after it (a revoked key or an expired JWT ends it sooner). */
export const CODEC_SESSION_MAX_AGE_MS = 8 * 60 * 60 * 1000;

/** The credential in the codec session cookie, for requests to the codec only. */
export function codecSessionCredential(req: Request): string | undefined {
  if (!req.originalUrl.startsWith(`${CODEC_PATH}/`)) return undefined;
  const cookies = req.get('cookie');
  if (cookies === undefined) return undefined;
  for (const cookie of cookies.split(';')) {
    const separator = cookie.indexOf('=');
    if (separator !== -1 && cookie.slice(0, separator).trim() === CODEC_SESSION_COOKIE) {
      // Stored as sent (API keys and JWTs are URL-safe): nothing to decode.
      const value = cookie.slice(separator + 1).trim();
      return value === '' ? undefined : value;
    }
  }
  return undefined;
}
