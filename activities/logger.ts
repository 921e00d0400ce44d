/**
 * The structured logger for everything outside workflow code. Personal fields never reach it: log
 * ids, counts and hashes, not records.
 */
import pino from 'pino';

export const logger = pino({
  level: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === 'test' ? 'warn' : 'info'),
  redact: {
    // A database driver's error carries the failed statement's parameters, which may be personal data.
    paths: ['*.password', '*.clientSecret', '*.accessToken', '*.token', '*.email', 'err.params', 'err.parameters', 'err.binds'],
    censor: '[redacted]',
  },
});

export type Logger = typeof logger;
