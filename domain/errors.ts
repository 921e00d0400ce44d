/**
 * The error taxonomy at the boundary with external services, and which of its categories retrying
 * cannot mend. One list for both sides: the worker's interceptor marks these failures non-retryable
 * (activities/errors.ts), and every activity retry policy in workflows/ names the same types.
 */
export const ERROR_CATEGORIES = ['config', 'auth', 'rate-limited', 'transient', 'data', 'system'] as const;
export type ErrorCategory = (typeof ERROR_CATEGORIES)[number];

/** Config and credential mistakes, and bad data, do not get better by retrying. */
export const NON_RETRYABLE_CATEGORIES: readonly ErrorCategory[] = ['config', 'auth', 'data'];

/** The failure type a category's errors carry to the workflow (`config-error`…). */
export const errorTypeOf = (category: ErrorCategory): string => `${category}-error`;

/** For retry policies: the failure types no activity retries. */
export const NON_RETRYABLE_ERROR_TYPES: readonly string[] = NON_RETRYABLE_CATEGORIES.map(errorTypeOf);
