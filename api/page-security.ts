/**
 * The headers of the API's own HTML pages (the dashboard, the codec's sign-in): a
 * Content-Security-Policy that runs only the scripts and styles it names, lets the page call this API
 * alone, and forbids framing and form posts; no MIME sniffing, no referrer, no stale cached copy.
 */
import { createHash } from 'node:crypto';
import type { Response } from 'express';

/** The CSP source that allows one inline script or style element: the hash of its exact text. */
export const inlineSource = (text: string): string => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

export interface PageSources {
  script: string;
  style: string;
  img?: string;
}

export function pagePolicy({ script, style, img }: PageSources): string {
  return [
    "default-src 'none'",
    `script-src ${script}`,
    `style-src ${style}`,
    ...(img === undefined ? [] : [`img-src ${img}`]),
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export function pageHeaders(res: Response, policy: string): Response {
  return res
    .set('Content-Security-Policy', policy)
    .set('X-Content-Type-Options', 'nosniff')
    .set('Referrer-Policy', 'no-referrer')
    .set('Cache-Control', 'no-cache');
}
