/**
 * Typed LivePerson failures. A message here may end up in a log, a Slack message or an audit export, so it
 * never carries ids, reasons, tokens, request bodies or URLs: only the operation, the HTTP status and a
 * short cause.
 *
 * This module classifies failures (no answer, an HTTP status, an unreadable body) and is the one import
 * path for the rest: the error class and its codes (liveperson-error.ts), LivePerson's own explanation
 * (error-detail.ts) and the words for people (describe-for-people.ts).
 */
import { LivePersonError, WRITE_OPERATIONS, type LivePersonOperation } from './liveperson-error.js';

export {
  isLivePersonError,
  LIVEPERSON_ERROR_CODES,
  LivePersonError,
  WRITE_OPERATIONS,
  type LivePersonErrorCode,
  type LivePersonErrorOptions,
  type LivePersonOperation,
} from './liveperson-error.js';
export { extractDetail } from './error-detail.js';
export {
  describeFailureFacts,
  describeForPeople,
  failureFacts,
  type LivePersonFailureFacts,
  type PeopleDescription,
} from './describe-for-people.js';

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
