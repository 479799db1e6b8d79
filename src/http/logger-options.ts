import { directoryMixin } from './request-log.js';

/**
 * The pino configuration `scimd serve` logs with: JSON lines on stdout at `level`, ISO times,
 * and anything named like a credential censored. scimd never logs headers or bodies; the
 * redaction is a second line of defence should a future log call pass one.
 */
export function loggerOptions(level: string): object {
  return {
    level,
    mixin: directoryMixin,
    timestamp: () => `,"time":"${new Date().toISOString()}"`,
    redact: {
      paths: ['authorization', 'secret', 'password', 'token', '*.authorization', '*.secret', '*.password', '*.token', 'req.headers.authorization', 'req.headers.cookie', 'headers.authorization'],
      censor: '[redacted]',
    },
  };
}
