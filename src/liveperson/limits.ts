/**
 * LivePerson's limits, beside the clients that must respect them: the history APIs' page sizes, id caps,
 * time windows and retention, and the throttling `source`. The person search and the erasure read-back
 * plan their calls with these; the clients refuse a call that would break them.
 */

/** The history searches' ceiling for `limit` (Messaging Interactions and Engagement History alike). */
export const HISTORY_PAGE_MAX = 100;
/** Messaging Interactions' search by id (1b) takes at most this many conversation ids. */
export const MSG_HIST_MAX_IDS = 100;

/** LivePerson keeps history 13 months. */
export const RETENTION_MONTHS = 13;
/**
 * Window lengths. LivePerson allows 3 months (messaging) and 1 month (chat) and rounds each window out to
 * 10 minutes; the shortest 3 calendar months are 89 days and the shortest month 28, hence these.
 */
export const MESSAGING_WINDOW_DAYS = 88;
export const CHAT_WINDOW_DAYS = 27;
/** LivePerson rounds a window's `from` down and `to` up to 10 minutes. */
export const ROUNDING_MS = 10 * 60 * 1000;
/** `offset + limit` never goes past this (Elasticsearch's default result window; reference §open 1). */
export const MAX_READABLE = 10_000;

/** LivePerson throttles history reads per `source` (at most 20 characters, one per application and use case). */
export const HISTORY_SOURCE = 'lpDelete_rtbf';
