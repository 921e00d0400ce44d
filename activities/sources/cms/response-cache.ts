/**
 * FR-4: results are cached for 5 minutes so that repeated queries do not spend the API's limit.
 * Per worker process, keyed by endpoint, credential, query and variables; bounded in bytes so a run
 * of large pages cannot exhaust the worker's memory (the oldest entries go first).
 */
import { createHash } from 'node:crypto';

export const CMS_CACHE_TTL_MS = 5 * 60_000;
const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

interface Entry<T> {
  value: T;
  bytes: number;
  expiresAt: number;
}

export interface ResponseCacheOptions {
  ttlMs?: number;
  maxBytes?: number;
  now?: () => number;
}

/** The credential enters the key only as a hash: two tokens never share results, and none is kept. */
export function cacheKey(endpoint: string, credential: string, query: string, variables: unknown): string {
  const secret = createHash('sha256').update(credential).digest('hex');
  return createHash('sha256')
    .update(JSON.stringify([endpoint, secret, query, variables]))
    .digest('hex');
}

export class ResponseCache<T> {
  private readonly entries = new Map<string, Entry<T>>();
  private bytes = 0;
  private readonly ttlMs: number;
  private readonly maxBytes: number;
  private readonly now: () => number;

  constructor(options: ResponseCacheOptions = {}) {
    this.ttlMs = options.ttlMs ?? CMS_CACHE_TTL_MS;
    this.maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
    this.now = options.now ?? Date.now;
  }

  get(key: string): T | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.remove(key, entry);
      return undefined;
    }
    return entry.value;
  }

  /** `bytes` is the response's size; a response larger than the whole budget is not kept. */
  set(key: string, value: T, bytes: number): void {
    const previous = this.entries.get(key);
    if (previous) this.remove(key, previous);
    if (bytes > this.maxBytes) return;
    this.entries.set(key, { value, bytes, expiresAt: this.now() + this.ttlMs });
    this.bytes += bytes;
    for (const [oldestKey, oldest] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.remove(oldestKey, oldest);
    }
  }

  private remove(key: string, entry: Entry<T>): void {
    this.entries.delete(key);
    this.bytes -= entry.bytes;
  }
}
