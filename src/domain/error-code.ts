/*
 * Codes from anything thrown: Node's errno codes, LivePersonError, StoreError, pg's SQLSTATE, Slack's
 * client codes, plain Errors, or a thrown value that is not even an object. The one place that looks
 * inside an unknown error; every layer uses it for logs, history entries and branching.
 */

/** The `code` an error carries, if it is a non-empty string. */
export function ownCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && code !== '' ? code : undefined;
}

/** A code for anything thrown: its own code, else its name (`TypeError`), else `UNEXPECTED`. */
export function errorCode(error: unknown): string {
  const code = ownCode(error);
  if (code !== undefined) return code;
  const name = typeof error === 'object' && error !== null ? (error as { name?: unknown }).name : undefined;
  return typeof name === 'string' && name !== '' ? name : 'UNEXPECTED';
}

/** An error's message for a person or a log line; anything thrown that is not an Error is shown as text. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
