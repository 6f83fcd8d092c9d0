import pino, { Logger } from 'pino';

export type { Logger };

/** Keys whose values never reach a log line. */
const REDACTED_PATHS = [
  'password',
  '*.password',
  'apiKey',
  '*.apiKey',
  'secret',
  '*.secret',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'headers["x-api-key"]',
  'privateKey',
  '*.privateKey',
  'token',
  '*.token',
];

let defaultLevel = 'info';

/** The level of loggers created without one (tests set it to silent). */
export function setDefaultLogLevel(level: string): void {
  defaultLevel = level;
}

/** JSON logs on stdout (one line per event), secrets redacted. Level from EDX_LOG_LEVEL via settings. */
export function createLogger(name: string, level?: string): Logger {
  return pino({ name, level: level ?? defaultLevel, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } });
}

/** Strips the password from a URL before it is logged or printed. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '[unparseable url]';
  }
}
