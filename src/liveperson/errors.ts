/**
 * Typed LivePerson failures. A message here may end up in a log, a Slack message or an audit export, so it
 * never carries ids, reasons, tokens, request bodies or URLs: only the operation, the HTTP status and a
 * short cause.
 */

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

/** What the client was doing; decides e.g. whether a timeout leaves the outcome unknown. */
export type LivePersonOperation = 'create' | 'get' | 'list' | 'cancel' | 'token' | 'domain';

/** Operations that change something at LivePerson: a lost answer leaves their outcome unknown. */
export const WRITE_OPERATIONS: readonly LivePersonOperation[] = ['create', 'cancel'];

export interface LivePersonErrorOptions {
  httpStatus?: number;
  /** True when repeating the same call later may succeed (not: that it is safe to repeat a write blindly). */
  retryable: boolean;
  operation?: LivePersonOperation;
  /** Low-level network code such as ECONNRESET, for diagnostics. */
  networkCode?: string;
  /** LivePerson's own explanation of a 400, stripped of anything the caller sent. */
  detail?: string;
  /** The setting a person must change (LP_INSECURE_URL: e.g. LP_RTBF_URL). */
  setting?: string;
}

export class LivePersonError extends Error {
  readonly code: LivePersonErrorCode;
  readonly httpStatus?: number;
  readonly retryable: boolean;
  readonly operation?: LivePersonOperation;
  readonly networkCode?: string;
  readonly detail?: string;
  readonly setting?: string;

  constructor(code: LivePersonErrorCode, message: string, options: LivePersonErrorOptions) {
    super(message);
    this.name = 'LivePersonError';
    this.code = code;
    this.httpStatus = options.httpStatus;
    this.retryable = options.retryable;
    this.operation = options.operation;
    this.networkCode = options.networkCode;
    this.detail = options.detail;
    this.setting = options.setting;
  }
}

export function isLivePersonError(err: unknown): err is LivePersonError {
  return err instanceof LivePersonError;
}

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

/**
 * Classifies a failure without an HTTP answer. A timeout or reset during a write may have happened after
 * LivePerson acted, so it is LP_OUTCOME_UNKNOWN; for reads it is just "no answer, try again".
 */
export function networkError(
  operation: LivePersonOperation,
  networkCode: string | undefined,
): LivePersonError {
  const code = networkCode ?? 'UNKNOWN';
  const what = TIMEOUT_CODES.has(code) ? 'timed out' : `lost the connection (${code})`;
  if (NOT_SENT_CODES.has(code)) {
    return new LivePersonError(
      'LP_UNREACHABLE',
      `LivePerson could not be reached for ${operation} (${code})`,
      {
        retryable: true,
        operation,
        networkCode: code,
      },
    );
  }
  if (WRITE_OPERATIONS.includes(operation)) {
    return new LivePersonError(
      'LP_OUTCOME_UNKNOWN',
      `LivePerson ${operation} ${what}: the request may or may not have been carried out`,
      { retryable: false, operation, networkCode: code },
    );
  }
  return new LivePersonError('LP_UNREACHABLE', `LivePerson ${operation} ${what}`, {
    retryable: true,
    operation,
    networkCode: code,
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
): LivePersonError {
  const base = { httpStatus, operation };
  const prefix = `LivePerson answered ${httpStatus} to ${operation}`;
  if (httpStatus === 401) {
    return new LivePersonError('LP_UNAUTHORIZED', `${prefix}: credentials rejected`, {
      ...base,
      retryable: false,
    });
  }
  if (httpStatus === 403) {
    return new LivePersonError('LP_FORBIDDEN', `${prefix}: the key lacks permission`, {
      ...base,
      retryable: false,
    });
  }
  if (httpStatus === 404) {
    return new LivePersonError('LP_NOT_FOUND', `${prefix}: not found`, { ...base, retryable: false });
  }
  if (httpStatus === 429) {
    // Only on create is 429 LivePerson's monthly threshold (retrying cannot help before the month turns).
    // Anywhere else (a read, the Domain API, a token, a cancel) it is a short-term rate limit.
    return operation === 'create'
      ? new LivePersonError('LP_QUOTA_REACHED', `${prefix}: monthly request threshold reached`, {
          ...base,
          retryable: false,
        })
      : new LivePersonError('LP_RATE_LIMITED', `${prefix}: rate limited, too many calls`, {
          ...base,
          retryable: true,
        });
  }
  if (operation === 'create' && (httpStatus >= 500 || httpStatus < 400)) {
    // The create reached LivePerson and was not refused: a 5xx (or a redirect) may come after it acted.
    return outcomeUnknown(operation, httpStatus, `answered ${httpStatus}`);
  }
  if (httpStatus >= 500) {
    return new LivePersonError('LP_SERVER_ERROR', `${prefix}: LivePerson internal error`, {
      ...base,
      retryable: true,
    });
  }
  if (httpStatus < 400) {
    // A redirect or other non-error status where an answer was expected: nothing usable came back.
    return badResponse(operation, httpStatus, `unexpected HTTP status ${httpStatus}`);
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
): LivePersonError {
  return new LivePersonError(
    'LP_OUTCOME_UNKNOWN',
    `LivePerson ${operation} ${why}: the request may or may not have been carried out`,
    { httpStatus, operation, retryable: false },
  );
}

/**
 * An http:// base URL for a host other than this machine. Nothing is sent: the call would carry
 * credentials and deletion ids in clear text. `setting` names what to change.
 */
export function insecureUrl(setting: string, operation?: LivePersonOperation): LivePersonError {
  return new LivePersonError(
    'LP_INSECURE_URL',
    `${setting} is not an https address for a LivePerson host; nothing was sent`,
    { retryable: false, operation, setting },
  );
}

/** A 2xx answer whose body could not be understood. */
export function badResponse(operation: LivePersonOperation, httpStatus: number | undefined, why: string) {
  return new LivePersonError(
    'LP_BAD_RESPONSE',
    `LivePerson's answer to ${operation} could not be read: ${why}`,
    {
      httpStatus,
      operation,
      retryable: false,
    },
  );
}

const MAX_DETAIL_LENGTH = 200;

/**
 * Pulls LivePerson's message out of an error body (plain text or JSON with message/error fields) and
 * removes every value the caller sent, since LivePerson may echo an id back.
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

export interface PeopleDescription {
  /** What happened, in words a privacy officer understands. */
  what: string;
  /** What to do next. */
  next: string;
}

/** Turns any failure into two sentences for people; never includes ids, reasons or credentials. */
export function describeForPeople(err: unknown): PeopleDescription {
  if (!(err instanceof LivePersonError)) {
    return {
      what: 'Something unexpected went wrong while talking to LivePerson.',
      next: 'Try again in a few minutes; if it keeps happening, ask the app administrator to check the logs.',
    };
  }
  switch (err.code) {
    case 'LP_BAD_REQUEST':
      if (err.operation === 'get' || err.operation === 'list') {
        return {
          what: `LivePerson refused the look-up as invalid${detailOf(err)}.`,
          next: 'Check the request id (digits) or the filters (a status, dates as yyyy-mm-dd), then try again.',
        };
      }
      return err.operation === 'cancel'
        ? {
            what: `LivePerson refused to cancel the request${detailOf(err)}.`,
            next: 'A request can be cancelled only once and only within 5 days of filing; check its status with `status`.',
          }
        : {
            what: `LivePerson refused the request as invalid${detailOf(err)}.`,
            next: 'Check the ids and the deletion type (one type per request, at most 100 unique ids), then file it again.',
          };
    case 'LP_UNAUTHORIZED':
      return {
        what: 'LivePerson did not accept the app’s credentials.',
        next: 'Ask the app administrator to check the LivePerson API key or OAuth client (LP_CLIENT_ID/LP_CLIENT_SECRET or the OAuth 1.0a key) and that it is still active.',
      };
    case 'LP_FORBIDDEN':
      return {
        what: 'LivePerson’s credentials work, but they are not allowed to manage personal data deletion.',
        next: 'Ask a LivePerson administrator to grant the app’s API key the “Data Deletion” permission, then try again.',
      };
    case 'LP_NOT_FOUND':
      return {
        what: 'LivePerson does not know this deletion request (or the account).',
        next: 'Check the request id and the LivePerson account id (LP_ACCOUNT_ID).',
      };
    case 'LP_QUOTA_REACHED':
      return {
        what: 'LivePerson’s monthly threshold of deletion requests for this account has been reached.',
        next: 'The threshold resets on the 1st of next month; file the request again then, or ask your LivePerson account team to raise the limit.',
      };
    case 'LP_RATE_LIMITED':
      // Never the monthly threshold: that is LP_QUOTA_REACHED, and only a create can meet it.
      return err.operation === 'cancel'
        ? {
            what: 'LivePerson is rate-limiting calls from this account right now (too many in a short time), so the request was not cancelled.',
            next: 'Wait a minute and cancel it again; the month’s deletion quota is not affected.',
          }
        : {
            what: 'LivePerson is rate-limiting reads from this account right now (too many calls in a short time); nothing was changed.',
            next: 'Wait a minute and try again; the month’s deletion quota is not affected.',
          };
    case 'LP_SERVER_ERROR':
      return {
        what: 'LivePerson had an internal error and could not handle the request.',
        next: 'Try again later; if it persists for hours, contact LivePerson support.',
      };
    case 'LP_OUTCOME_UNKNOWN':
      if (err.operation === 'cancel') {
        return {
          what: `${unknownCause(err)}, so LivePerson may or may not have cancelled the request.`,
          next: 'Check with `status` whether LivePerson cancelled it before trying again.',
        };
      }
      return {
        what: `${unknownCause(err)}, so the request may or may not exist at LivePerson.`,
        next: 'Before trying again, check with `status` (or the list of this month’s requests) whether LivePerson has it; filing it twice would spend quota twice.',
      };
    case 'LP_UNREACHABLE':
      return {
        what:
          err.operation && WRITE_OPERATIONS.includes(err.operation)
            ? 'LivePerson could not be reached; nothing was sent.'
            : 'LivePerson could not be reached or did not answer in time.',
        next: 'Check the network connection and try again in a few minutes.',
      };
    case 'LP_DOMAIN_LOOKUP_FAILED':
      return {
        what: 'LivePerson’s directory (Domain API) could not tell which server handles this account.',
        next: 'Check LP_ACCOUNT_ID and LP_DOMAIN_API_URL and the network, then try again.',
      };
    case 'LP_INSECURE_URL': {
      const setting = err.setting ?? 'the LivePerson address settings';
      return {
        what: `Nothing was sent to LivePerson: ${setting} is not an https:// address, and calls carry credentials and deletion ids.`,
        next: `Set ${setting} to an https:// address (plain http:// is accepted only for this machine: localhost, 127.x.x.x or [::1]), then try again.`,
      };
    }
    case 'LP_BAD_RESPONSE':
      return err.operation && WRITE_OPERATIONS.includes(err.operation)
        ? {
            what: 'LivePerson accepted the call but its answer could not be read, so it is unclear what it recorded.',
            next: 'Check with `status` (or the list of this month’s requests) before trying again.',
          }
        : {
            what: 'LivePerson answered in a form the app does not understand.',
            next: 'Try again later; if it persists, ask the app administrator to check for LivePerson API changes.',
          };
  }
}

/** Why an outcome is unknown, without the closing clause. */
function unknownCause(err: LivePersonError): string {
  const status = err.httpStatus;
  if (status === undefined) return 'The connection to LivePerson was lost before it answered';
  if (status >= 500)
    return `LivePerson received the call but answered with an internal error (HTTP ${status})`;
  return 'LivePerson answered, but its answer could not be read';
}

function detailOf(err: LivePersonError): string {
  return err.detail ? ` (“${err.detail}”)` : '';
}
