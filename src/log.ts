import { pino, type DestinationStream } from 'pino';

/**
 * Structured JSON logs (pino), one line per event: `level`, `time`, `event` and the fields at the top
 * level. Callers pass only safe fields: local request ids (DR-…), LivePerson request ids, outcomes, codes,
 * counts and durations — never LivePerson ids, reasons, tokens or secrets. Redaction is a second line of
 * defence for field names that must never appear.
 */
export type LogFields = Record<string, string | number | boolean | null | undefined>;
export type Logger = Record<'info' | 'warn' | 'error', (event: string, fields?: LogFields) => void>;

/*
 * In any spelling (`Token`, `EMAIL`): pino's `redact` paths match exact key names only, so the names are
 * checked in its `formatters.log` hook, which sees every line's fields.
 */
const FORBIDDEN_FIELDS =
  /^(ids?|reason|text|token|secret|password|authorization|body|payload|subject|identifier|email|phone)$/i;

const redact = (fields: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(
    Object.entries(fields).map(([key, value]) => [key, FORBIDDEN_FIELDS.test(key) ? '[redacted]' : value]),
  );

/**
 * A logger writing to stdout synchronously (nothing is lost when the process exits right after), or to
 * `write`, one line at a time without its newline (tests keep the lines).
 */
export function createLogger(write?: (line: string) => void): Logger {
  const destination: DestinationStream = write
    ? { write: (line) => write(line.trimEnd()) }
    : pino.destination({ dest: 1, sync: true });
  const log = pino(
    {
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }), log: redact },
    },
    destination,
  );
  return {
    info: (event, fields) => log.info({ event, ...fields }),
    warn: (event, fields) => log.warn({ event, ...fields }),
    error: (event, fields) => log.error({ event, ...fields }),
  };
}

export const silentLogger: Logger = { info: () => {}, warn: () => {}, error: () => {} };
