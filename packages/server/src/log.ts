import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * Secrets never reach a log line: tokens, keys and authorization headers are
 * censored wherever they appear in a logged object.
 */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'switchboard' },
    redact: {
      paths: [
        'token',
        '*.token',
        'auth.token',
        '*.auth.token',
        'headers.authorization',
        '*.headers.authorization',
        'req.headers.authorization',
        'headers["x-internal-api-key"]',
        '*.headers["x-internal-api-key"]',
        'req.headers["x-internal-api-key"]',
        'config.JWT_SECRET',
        'config.INTERNAL_API_KEY',
        'JWT_SECRET',
        'INTERNAL_API_KEY',
      ],
      censor: '[redacted]',
    },
  });
}
