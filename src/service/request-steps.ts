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
