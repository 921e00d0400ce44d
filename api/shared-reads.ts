/**
 * One answer for identical reads while the store is unchanged. The dashboard's read routes compute
 * each answer from the store's roll-ups in 5–40 ms; fifty people opening the same page would run
 * the same statements fifty times, queued on the same cores. An answer is shared by requests for
 * the same route and query string with the same view of the connectors:
 * - while it is being computed: an identical request waits for it instead of computing its own;
 * - once sent, for MAX_AGE_MS at most, and only while the store's snapshot version
 *   (activities/store/snapshot-version.ts) is the one it was computed at: a committed write, by any
 *   process, makes the next request compute afresh. The age limit is for what the clock changes
 *   (freshness in seconds); each answer's generatedAt still says when it was computed.
 *
 * Mounted after access control: every request is still authenticated, authorized and audited on
 * its own; only the handler's work is shared. A personal-data read's audit row is committed before
 * its version is read, so its answer always lists that row: such reads share an answer only with
 * reads that found the same committed state after their own rows — in practice, those whose rows
 * one statement committed (the audit log's group commit, activities/store/group-commit.ts).
 */
import type { OutgoingHttpHeaders } from 'node:http';
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { OWN_CONNECTORS_ONLY } from '../domain/access';
import { principalOf } from './auth/principal';

/** A finished 200 answer, as its handler sent it. */
interface Answer {
  headers: OutgoingHttpHeaders;
  body: string | Buffer;
}

/** Headers that belong to one response, not to the answer: made again for each caller. */
const OWN_HEADERS = new Set(['x-request-id', 'etag', 'content-length']);

/**
 * Shares the in-flight computation of `key`: the first caller runs `compute`, the others that come
 * before it settles get its result. Nothing is kept after it settles.
 */
export class InFlight<T> {
  private readonly running = new Map<string, Promise<T>>();

  share(key: string, compute: () => Promise<T>): Promise<T> {
    const joined = this.running.get(key);
    if (joined) return joined;
    const started = compute().finally(() => this.running.delete(key));
    this.running.set(key, started);
    return started;
  }
}

/**
 * Whose view of the connectors a request reads: the routes shared here depend on the caller only
 * through their role and, for the roles limited to their own connectors, who they are
 * (api/visible-connectors.ts).
 */
function viewOf(req: Request): string {
  const { role, subject } = principalOf(req);
  return OWN_CONNECTORS_ONLY.includes(role) ? `${role}:${subject}` : role;
}

/** Captures the answer the handler sends: a 200 is shared, anything else (an error) is not. */
function captureAnswer(res: Response, settle: (answer: Answer | null) => void): void {
  const send = res.send.bind(res);
  let settled = false;
  const once = (answer: Answer | null): void => {
    if (settled) return;
    settled = true;
    settle(answer);
  };
  res.send = (body?: unknown) => {
    // res.json serialises, then sends the text: the first string or buffer is the answer.
    if (typeof body === 'string' || Buffer.isBuffer(body)) {
      once(res.statusCode === 200 ? { headers: res.getHeaders(), body } : null);
    }
    return send(body);
  };
  res.on('close', () => once(null));
}

function replay(res: Response, { headers, body }: Answer): void {
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !OWN_HEADERS.has(name)) res.setHeader(name, value);
  }
  // send makes this response's own ETag and answers 304 to an If-None-Match that still matches.
  res.status(200).send(body);
}

/** How long a sent answer is kept at most, however quiet the store. */
export const MAX_AGE_MS = 5_000;
/** Answers kept at most: the oldest goes first. */
const KEPT_ANSWERS = 200;

interface Kept {
  version: string;
  computedAt: number;
  answer: Answer;
}

/**
 * For GET requests on `paths` (Express paths): identical requests share one handler run while it
 * runs, and its 200 answer while `version()` reads the same and for MAX_AGE_MS at most.
 */
export function sharedReads(paths: readonly string[], version: () => Promise<string>): RequestHandler {
  const running = new InFlight<Answer | null>();
  const kept = new Map<string, Kept>();
  const keep = (key: string, entry: Kept): void => {
    kept.delete(key);
    kept.set(key, entry);
    const [oldest] = kept.keys();
    if (kept.size > KEPT_ANSWERS && oldest !== undefined) kept.delete(oldest);
  };
  // Unreadable (the store is down): no sharing; the handler answers as it would alone.
  const versionNow = (): Promise<string | null> => version().catch(() => null);

  const share: RequestHandler = async (req, res, next) => {
    const key = `${viewOf(req)} ${req.originalUrl}`;
    // Read for this request alone, after it arrived: a client that wrote and then reads sees a new
    // version, so it never joins nor reuses an answer computed before its own write.
    const before = await versionNow();
    if (before === null) return next();
    const found = kept.get(key);
    if (found?.version === before && Date.now() - found.computedAt <= MAX_AGE_MS) return replay(res, found.answer);
    let leads = false;
    const answer = await running.share(`${before} ${key}`, async () => {
      leads = true;
      const computedAt = Date.now();
      const sent = await new Promise<Answer | null>((resolve) => {
        captureAnswer(res, resolve);
        next();
      });
      // Kept only if nothing was committed while it was computed: then every statement saw one state.
      if (sent !== null && (await versionNow()) === before) keep(key, { version: before, computedAt, answer: sent });
      return sent;
    });
    if (leads) return;
    // The shared run failed or answered otherwise: this request runs its own handler, with its own error.
    if (answer === null) return next();
    replay(res, answer);
  };
  const router = Router();
  for (const path of paths) router.get(path, share);
  // A plain middleware, not a mounted router: it serves no route of its own (each path is served,
  // and listed in the access policy, by its route), so the app's route table must not list it twice.
  return (req, res, next) => router(req, res, next);
}
