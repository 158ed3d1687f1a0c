/**
 * The one LivePerson error, for every API the app calls, and the one classification of what went wrong
 * (no answer, an HTTP status, an unreadable body). A message here may end up in a log, a Slack message or
 * an audit export, so it never carries ids, reasons, tokens, request bodies or URLs: only the API, the
 * operation, the HTTP status and a short cause.
 */

/** The codes of the deletion API (and of its token and Domain API look-ups). */
export const LIVEPERSON_ERROR_CODES = [
  'LP_BAD_REQUEST',
  'LP_UNAUTHORIZED',
  'LP_FORBIDDEN',
  'LP_NOT_FOUND',
  'LP_QUOTA_REACHED',
  'LP_RATE_LIMITED',
  'LP_SERVER_ERROR',
  'LP_OUTCOME_UNKNOWN',
  'LP_UNREACHABLE',
  'LP_DOMAIN_LOOKUP_FAILED',
  'LP_BAD_RESPONSE',
  'LP_INSECURE_URL',
] as const;
export type LivePersonErrorCode = (typeof LIVEPERSON_ERROR_CODES)[number];

/** Which LivePerson API a call was for. */
export type LivePersonApi = 'deletion' | 'messaging-history' | 'engagement-history';
export type HistoryApi = Exclude<LivePersonApi, 'deletion'>;

/** What the call was doing; decides e.g. whether a timeout leaves the outcome unknown. */
export type LivePersonOperation = 'create' | 'get' | 'list' | 'cancel' | 'search' | 'token' | 'domain';

/** Operations that change something at LivePerson: a lost answer leaves their outcome unknown. */
export const WRITE_OPERATIONS: readonly LivePersonOperation[] = ['create', 'cancel'];

/**
 * The same failures as the history searches' callers know them: the doctor prints them, verification
 * stores them, the person modal words them. A deletion code without a history name here is
 * HISTORY_BAD_RESPONSE.
 */
const HISTORY_NAMES = {
  LP_BAD_REQUEST: 'HISTORY_BAD_REQUEST',
  LP_UNAUTHORIZED: 'HISTORY_UNAUTHORIZED',
  LP_FORBIDDEN: 'HISTORY_FORBIDDEN',
  LP_RATE_LIMITED: 'HISTORY_RATE_LIMITED',
  LP_SERVER_ERROR: 'HISTORY_SERVER_ERROR',
  LP_UNREACHABLE: 'HISTORY_UNREACHABLE',
  /** The Domain API could not say which host serves msgHist / engHistDomain for this account. */
  LP_DOMAIN_LOOKUP_FAILED: 'HISTORY_HOST_UNKNOWN',
} as const satisfies Partial<Record<LivePersonErrorCode, string>>;
export const HISTORY_ERROR_CODES = [
  ...Object.values(HISTORY_NAMES),
  'HISTORY_BAD_RESPONSE',
  /** Fewer records came back than `_metadata.count` announced, or LivePerson flagged a partial result. */
  'HISTORY_INCOMPLETE',
] as const;
export type HistoryErrorCode = (typeof HISTORY_ERROR_CODES)[number];

export class LivePersonError extends Error {
  /** The failure as the API's callers know it: LP_* for the deletion API, HISTORY_* for the history APIs. */
  readonly code: LivePersonErrorCode | HistoryErrorCode;
  readonly api: LivePersonApi;
  readonly httpStatus?: number;
  /** True when repeating the same call later may succeed (not: that it is safe to repeat a write blindly). */
  readonly retryable: boolean;
  readonly operation?: LivePersonOperation;
  /** Low-level network code such as ECONNRESET, for diagnostics. */
  readonly networkCode?: string;
  /** LivePerson's own explanation of a 400, stripped of anything the caller sent. */
  readonly detail?: string;
  /** The setting a person must change (LP_INSECURE_URL: e.g. LP_RTBF_URL). */
  readonly setting?: string;

  /** `code` is the deletion API's name for the failure; a history API's error gets its HISTORY_* name. */
  constructor(
    code: LivePersonErrorCode | 'HISTORY_INCOMPLETE',
    message: string,
    // `api` defaults to the deletion API.
    options: Partial<Pick<LivePersonError, 'api'>> &
      Pick<LivePersonError, 'httpStatus' | 'retryable' | 'operation' | 'networkCode' | 'detail' | 'setting'>,
  ) {
    super(message);
    this.name = 'LivePersonError';
    this.api = options.api ?? 'deletion';
    this.code =
      this.api === 'deletion' || code === 'HISTORY_INCOMPLETE'
        ? code
        : ((HISTORY_NAMES as Partial<Record<LivePersonErrorCode, HistoryErrorCode>>)[code] ??
          'HISTORY_BAD_RESPONSE');
    this.httpStatus = options.httpStatus;
    this.retryable = options.retryable;
    this.operation = options.operation;
    this.networkCode = options.networkCode;
    this.detail = options.detail;
    this.setting = options.setting;
  }
}

/** The HISTORY_* code of a failed history search; undefined for anything else. */
export function historyErrorCode(err: unknown): HistoryErrorCode | undefined {
  if (!(err instanceof LivePersonError)) return undefined;
  return (HISTORY_ERROR_CODES as readonly string[]).includes(err.code)
    ? (err.code as HistoryErrorCode)
    : undefined;
}

const API_NAMES: Record<LivePersonApi, string> = {
  deletion: 'LivePerson',
  'messaging-history': 'LivePerson Messaging Interactions',
  'engagement-history': 'LivePerson Engagement History',
};

/** Network codes meaning the connection was never established, so nothing reached LivePerson. */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ERR_INVALID_URL',
]);
const TIMEOUT_CODES = new Set(['ECONNABORTED', 'ETIMEDOUT', 'ESOCKETTIMEDOUT']);

/** A call refused before it is sent (an id, a date or a page LivePerson would refuse): nothing left. */
export function refusedBeforeSending(
  operation: LivePersonOperation,
  why: string,
  api: LivePersonApi = 'deletion',
): LivePersonError {
  return new LivePersonError('LP_BAD_REQUEST', why, { api, operation, retryable: false });
}

/**
 * Classifies a failure without an HTTP answer. A timeout or reset during a write may have happened after
 * LivePerson acted, so it is LP_OUTCOME_UNKNOWN; for reads it is just "no answer, try again".
 */
export function networkError(
  operation: LivePersonOperation,
  networkCode: string | undefined,
  api: LivePersonApi = 'deletion',
): LivePersonError {
  const code = networkCode ?? 'UNKNOWN';
  const what = TIMEOUT_CODES.has(code) ? 'timed out' : `lost the connection (${code})`;
  const base = { api, operation, networkCode: code };
  if (NOT_SENT_CODES.has(code)) {
    const message = `${API_NAMES[api]} could not be reached for ${operation} (${code})`;
    return new LivePersonError('LP_UNREACHABLE', message, { ...base, retryable: true });
  }
  if (WRITE_OPERATIONS.includes(operation)) return outcomeUnknown(operation, undefined, what, code);
  return new LivePersonError('LP_UNREACHABLE', `${API_NAMES[api]} ${operation} ${what}`, {
    ...base,
    retryable: true,
  });
}

/**
 * Classifies an HTTP error status. `detail` is LivePerson's own message (400 only), already stripped of
 * anything the caller sent.
 */
export function httpError(
  operation: LivePersonOperation,
  httpStatus: number,
  detail?: string,
  api: LivePersonApi = 'deletion',
): LivePersonError {
  const base = { api, httpStatus, operation };
  const prefix = `${API_NAMES[api]} answered ${httpStatus} to ${operation}`;
  const fail = (code: LivePersonErrorCode, why: string, retryable = false) =>
    new LivePersonError(code, `${prefix}: ${why}`, { ...base, retryable });
  if (httpStatus === 401) return fail('LP_UNAUTHORIZED', 'credentials rejected');
  if (httpStatus === 403) return fail('LP_FORBIDDEN', 'the key lacks permission');
  if (httpStatus === 404) return fail('LP_NOT_FOUND', 'not found');
  if (httpStatus === 429) {
    // Only on create is 429 LivePerson's monthly threshold (retrying cannot help before the month turns).
    // Anywhere else (a read, a search, the Domain API, a token, a cancel) it is a short-term rate limit.
    return operation === 'create'
      ? fail('LP_QUOTA_REACHED', 'monthly request threshold reached')
      : fail('LP_RATE_LIMITED', 'rate limited, too many calls', true);
  }
  if (operation === 'create' && (httpStatus >= 500 || httpStatus < 400)) {
    // The create reached LivePerson and was not refused: a 5xx (or a redirect) may come after it acted.
    return outcomeUnknown(operation, httpStatus, `answered ${httpStatus}`);
  }
  if (httpStatus >= 500) return fail('LP_SERVER_ERROR', 'LivePerson internal error', true);
  if (httpStatus < 400) {
    // A redirect or other non-error status where an answer was expected: nothing usable came back.
    return badResponse(operation, httpStatus, `unexpected HTTP status ${httpStatus}`, api);
  }
  const suffix = detail ? `: ${detail}` : ': bad request';
  return new LivePersonError('LP_BAD_REQUEST', `${prefix}${suffix}`, { ...base, detail, retryable: false });
}

/**
 * A write that reached LivePerson without a definite answer (a 5xx, or a 2xx whose body cannot be read):
 * it may or may not have been carried out, so it must be checked, never repeated blindly.
 */
export function outcomeUnknown(
  operation: LivePersonOperation,
  httpStatus: number | undefined,
  why: string,
  networkCode?: string,
): LivePersonError {
  return new LivePersonError(
    'LP_OUTCOME_UNKNOWN',
    `LivePerson ${operation} ${why}: the request may or may not have been carried out`,
    { httpStatus, operation, networkCode, retryable: false },
  );
}

/**
 * An http:// base URL for a host other than this machine. Nothing is sent: the call would carry
 * credentials and deletion ids in clear text. `setting` names what to change.
 */
export function insecureUrl(
  setting: string,
  operation?: LivePersonOperation,
  api: LivePersonApi = 'deletion',
): LivePersonError {
  return new LivePersonError(
    'LP_INSECURE_URL',
    `${setting} is not an https address for a LivePerson host; nothing was sent`,
    { api, retryable: false, operation, setting },
  );
}

/** A 2xx answer whose body could not be understood. */
export function badResponse(
  operation: LivePersonOperation,
  httpStatus: number | undefined,
  why: string,
  api: LivePersonApi = 'deletion',
): LivePersonError {
  return new LivePersonError(
    'LP_BAD_RESPONSE',
    `${API_NAMES[api]}'s answer to ${operation} could not be read: ${why}`,
    { api, httpStatus, operation, retryable: false },
  );
}

const MAX_DETAIL_LENGTH = 200;

/**
 * LivePerson's own explanation of a refusal, safe to show: pulls the message out of an error body (plain
 * text or JSON with message/error fields) and removes every value the caller sent, since LivePerson may
 * echo an id back.
 */
export function extractDetail(body: string, sent: readonly string[] = []): string | undefined {
  let text = body.trim();
  if (!text) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    text = pickMessage(parsed) ?? '';
  } catch {
    // Not JSON: keep it as text, unless it is an HTML error page.
    if (text.startsWith('<')) return undefined;
  }
  for (const value of sent) {
    if (value) text = text.split(value).join('[redacted]');
  }
  text = text.replace(/\s+/g, ' ').trim();
  if (!text) return undefined;
  return text.length > MAX_DETAIL_LENGTH ? `${text.slice(0, MAX_DETAIL_LENGTH)}…` : text;
}

function pickMessage(parsed: unknown): string | undefined {
  if (typeof parsed === 'string') return parsed;
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const record = parsed as Record<string, unknown>;
  for (const key of ['message', 'error_description', 'error', 'errorMessage', 'msg']) {
    const value = record[key];
    if (typeof value === 'string' && value.trim()) return value;
    if (typeof value === 'object' && value !== null) {
      const nested = pickMessage(value);
      if (nested) return nested;
    }
  }
  return undefined;
}
