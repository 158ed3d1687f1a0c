import type { HistoryEntry } from '../domain/request.js';

/** One line of a request's audit trail. */
export function historyEntry(
  at: Date,
  event: HistoryEntry['event'],
  by?: string,
  detail?: string,
): HistoryEntry {
  return { at: at.toISOString(), event, ...(by ? { by } : {}), ...(detail ? { detail } : {}) };
}

/** A code from anything thrown (coded errors, errno errors, plain Errors, or not even an object). */
export function errorCode(error: unknown): string {
  if (typeof error !== 'object' || error === null) return 'UNEXPECTED';
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && code) return code;
  const name = (error as { name?: unknown }).name;
  return typeof name === 'string' && name ? name : 'UNEXPECTED';
}
