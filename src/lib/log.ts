import { redactText } from './redact.ts';

/** LogFields are structured key/values attached to one log line. */
export type LogFields = Readonly<Record<string, unknown>>;

/**
 * Logger writes structured log lines. Only shell code takes a Logger; the pure core returns
 * facts and effects that the shell logs. Implementations never throw.
 */
export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

type Level = 'debug' | 'info' | 'warn' | 'error';
const LEVEL_ORDER: Readonly<Record<Level, number>> = { debug: 10, info: 20, warn: 30, error: 40 };

/** JsonLoggerOptions configures jsonLogger. */
export interface JsonLoggerOptions {
  /** Where lines go. If unset, process.stderr. */
  readonly write?: (line: string) => void;
  /** Lowest level written. If unset, 'info'. */
  readonly level?: Level;
  /** Clock for the `time` field. If unset, Date.now. */
  readonly now?: () => number;
}

/** jsonLogger writes one JSON object per line: {time, level, msg, ...fields}, with credentials masked (lib/redact.ts). */
export function jsonLogger(options: JsonLoggerOptions = {}, base: LogFields = {}): Logger {
  const write = options.write ?? ((line: string) => process.stderr.write(line));
  const min = LEVEL_ORDER[options.level ?? 'info'];
  const now = options.now ?? Date.now;
  const emit = (level: Level, msg: string, fields?: LogFields): void => {
    if (LEVEL_ORDER[level] < min) return;
    try {
      write(`${redactText(JSON.stringify({ time: new Date(now()).toISOString(), level, msg, ...base, ...fields }))}\n`);
    } catch {
      // A log line that cannot be serialised (e.g. a cycle) is dropped rather than crashing the caller.
    }
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (fields) => jsonLogger(options, { ...base, ...fields }),
  };
}

/** silentLogger drops everything (tests that do not inspect logs). */
export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => silentLogger,
};
