/** Where a route takes input, for the hostile-input corpus. */

export interface RouteInput {
  /** The route's path with `seg` in place of its parameter (the target's id where there is one). */
  path: (seg?: string) => string;
  /** The route's parameter, when it has one. */
  param?: string;
  /** A query parameter it reads. */
  query?: string;
  /** A body it takes, and the field hostile values go into; routes without a body get `{ note }`. */
  body?: { valid: unknown; field: string };
}

/** The connectors hostile requests aim at: any of them getting through would change them. */
export interface CorpusTargets {
  /** An ingesting connector. */
  target: string;
  /** A SendGrid connector that takes unsigned requests. */
  unsigned: string;
}

export const byId =
  (base: string, id: string, suffix = '') =>
  (seg?: string) =>
    `${base}/${seg ?? id}${suffix}`;
