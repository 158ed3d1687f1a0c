/**
 * Structured JSON logs, one line per event. Callers pass only safe fields: local request ids (DR-…),
 * LivePerson request ids, outcomes, codes, counts and durations — never LivePerson ids, reasons,
 * tokens or secrets. `redact` is a second line of defence for field names that must never appear.
 */
export type LogFields = Record<string, string | number | boolean | null | undefined>;
export interface Logger {
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
}

const FORBIDDEN_FIELDS =
  /^(ids?|reason|text|token|secret|password|authorization|body|payload|subject|identifier|email|phone)$/i;

function redact(fields: LogFields | undefined): LogFields {
  const out: LogFields = {};
  for (const [key, value] of Object.entries(fields ?? {})) {
    out[key] = FORBIDDEN_FIELDS.test(key) ? '[redacted]' : value;
  }
  return out;
}

export function createLogger(
  write: (line: string) => void = (line) => process.stdout.write(line + '\n'),
): Logger {
  const emit = (level: string) => (event: string, fields?: LogFields) =>
    write(JSON.stringify({ time: new Date().toISOString(), level, event, ...redact(fields) }));
  return { info: emit('info'), warn: emit('warn'), error: emit('error') };
}

export const silentLogger: Logger = { info: () => {}, warn: () => {}, error: () => {} };
