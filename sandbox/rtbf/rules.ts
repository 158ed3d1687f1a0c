/**
 * LivePerson's behaviour as the sandbox models it, kept apart from HTTP: which bodies create accepts,
 * what status a request has on a given day, how the monthly threshold counts, and the answer shapes.
 */

/** A request is cancellable this many days after it was made. */
export const SANDBOX_CANCEL_WINDOW_DAYS = 5;
/** After this many days the sandbox reports a request DONE (5-day window + 20-day guarantee). */
export const SANDBOX_DONE_AFTER_DAYS = 25;
const DAY_MS = 24 * 60 * 60 * 1000;
const MAX_IDS = 100;

/**
 * Create's body fields, as LivePerson's Personal Data Deletion API page lists them: chat engagement ids,
 * messaging conversation ids, consumer ids, and ticket ids (legacy accounts with a ticketing system only).
 * The stand-in keeps its own list, read from the page, not the client's.
 */
export const SANDBOX_DELETION_TYPES = ['engagement', 'conversation', 'consumer', 'ticketing'] as const;
export type SandboxDeletionType = (typeof SANDBOX_DELETION_TYPES)[number];

export interface SandboxRequest {
  requestId: number;
  siteId: string;
  type: SandboxDeletionType;
  ids: string[];
  /** ISO timestamp. */
  requestTime: string;
  requestedBy: string;
  cancelledBy: string | null;
  cancelTimestamp: string | null;
  isCanceled: boolean;
  deleteJson: string;
  /** Added with addExternalRequest: made "elsewhere", not through the API. */
  external: boolean;
}

export type SandboxStatus = 'NOT_STARTED' | 'IN_PROGRESS' | 'CANCELED' | 'DONE';
export const SANDBOX_STATUSES: readonly SandboxStatus[] = ['NOT_STARTED', 'IN_PROGRESS', 'CANCELED', 'DONE'];

export function statusOf(request: SandboxRequest, now: Date): SandboxStatus {
  if (request.isCanceled) return 'CANCELED';
  const ageMs = now.getTime() - Date.parse(request.requestTime);
  if (ageMs >= SANDBOX_DONE_AFTER_DAYS * DAY_MS) return 'DONE';
  // Past the cancel window LivePerson starts masking.
  if (ageMs >= SANDBOX_CANCEL_WINDOW_DAYS * DAY_MS) return 'IN_PROGRESS';
  return 'NOT_STARTED';
}

export function canCancel(request: SandboxRequest, now: Date): string | undefined {
  if (request.isCanceled) return 'The deletion request was already canceled';
  const ageMs = now.getTime() - Date.parse(request.requestTime);
  if (ageMs > SANDBOX_CANCEL_WINDOW_DAYS * DAY_MS) {
    return 'The deletion request can no longer be canceled: the cancellation window has passed';
  }
  return undefined;
}

export type ParsedCreate =
  { ok: true; type: SandboxDeletionType; ids: string[] } | { ok: false; message: string };

/** Create's body rules: exactly one type, an array of 1–100 unique non-empty strings. */
export function parseCreateBody(body: unknown, legacyTicketing: boolean): ParsedCreate {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, message: 'Request body must be a JSON object' };
  }
  const keys = Object.keys(body);
  const unknown = keys.filter((k) => !(SANDBOX_DELETION_TYPES as readonly string[]).includes(k));
  if (unknown.length > 0) return { ok: false, message: 'Request body contains an unsupported field' };
  if (keys.length !== 1) {
    return {
      ok: false,
      message: 'Exactly one of engagement, conversation, consumer or ticketing must be sent',
    };
  }
  const type = keys[0] as SandboxDeletionType;
  const ids: unknown = (body as Record<string, unknown>)[type];
  if (!Array.isArray(ids) || ids.length === 0 || ids.length > MAX_IDS) {
    return { ok: false, message: `${type} must be an array of 1 to ${MAX_IDS} ids` };
  }
  if (!ids.every((id): id is string => typeof id === 'string' && id.trim() !== '')) {
    return { ok: false, message: `${type} ids must be non-empty strings` };
  }
  if (new Set(ids).size !== ids.length) return { ok: false, message: `${type} ids must be unique` };
  if (type === 'ticketing' && !legacyTicketing) {
    return { ok: false, message: 'ticketing is only valid for legacy accounts with a ticketing system' };
  }
  return { ok: true, type, ids };
}

/** The calendar month (UTC) a timestamp falls in, e.g. `2025-03`. */
export function utcMonth(time: Date | string): string {
  return new Date(time).toISOString().slice(0, 7);
}

export function requestsThisMonth(requests: readonly SandboxRequest[], now: Date): number {
  const month = utcMonth(now);
  return requests.filter((r) => utcMonth(r.requestTime) === month).length;
}

const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;
const LIST_PARAMS = ['status', 'fromDate', 'toDate'];

export type ParsedListQuery =
  { ok: true; status?: string; fromDate?: string; toDate?: string } | { ok: false; message: string };

export function parseListQuery(query: URLSearchParams): ParsedListQuery {
  for (const key of query.keys()) {
    if (!LIST_PARAMS.includes(key)) return { ok: false, message: `Unsupported query parameter ${key}` };
  }
  const status = query.get('status') ?? undefined;
  if (status !== undefined && !(SANDBOX_STATUSES as readonly string[]).includes(status)) {
    return { ok: false, message: 'status must be one of NOT_STARTED, IN_PROGRESS, CANCELED, DONE' };
  }
  const fromDate = query.get('fromDate') ?? undefined;
  const toDate = query.get('toDate') ?? undefined;
  for (const [name, value] of [
    ['fromDate', fromDate],
    ['toDate', toDate],
  ] as const) {
    if (value !== undefined && !isRealDate(value))
      return { ok: false, message: `${name} must be yyyy-mm-dd` };
  }
  return { ok: true, status, fromDate, toDate };
}

function isRealDate(value: string): boolean {
  if (!DATE_PATTERN.test(value)) return false;
  const parsed = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === value;
}

export function matchesListQuery(
  request: SandboxRequest,
  query: { status?: string; fromDate?: string; toDate?: string },
  now: Date,
): boolean {
  const day = request.requestTime.slice(0, 10);
  if (query.fromDate && day < query.fromDate) return false;
  if (query.toDate && day > query.toDate) return false;
  return !query.status || statusOf(request, now) === query.status;
}

/** Create's documented answer: an object, with the lower-case `siteid` every example uses. */
export function createShape(r: SandboxRequest) {
  return {
    request_id: r.requestId,
    siteid: r.siteId,
    request_time: r.requestTime,
    requested_by: r.requestedBy,
    cancelled_by: r.cancelledBy,
    delete_json: r.deleteJson,
    cancel_timestamp: r.cancelTimestamp,
    is_canceled: r.isCanceled,
  };
}

/** Get's documented element shape (`siteId` here, as the tables say). */
export function getShape(r: SandboxRequest, now: Date) {
  return {
    request_id: r.requestId,
    siteId: r.siteId,
    request_time: r.requestTime,
    requested_by: r.requestedBy,
    status: statusOf(r, now),
  };
}
