import {
  LIVEPERSON_ERROR_CODES,
  LivePersonError,
  WRITE_OPERATIONS,
  type LivePersonErrorCode,
} from './liveperson-error.js';

/** The words for a LivePerson failure, for the people who will read them (Slack, the CLI, doctor). */

export interface PeopleDescription {
  /** What happened, in words a privacy officer understands. */
  what: string;
  /** What to do next. */
  next: string;
}

/**
 * What the words for a LivePerson failure depend on, as plain facts: a LivePersonError has them, and so
 * does a copy stored with a notice and read back later (codes and operations then come back as strings).
 */
export interface LivePersonFailureFacts {
  code: string;
  httpStatus?: number;
  operation?: string;
  /** LivePerson's own explanation of a 400, already stripped of anything the caller sent. */
  detail?: string;
  /** The setting a person must change (LP_INSECURE_URL). */
  setting?: string;
}

/**
 * The facts of `err` the words depend on, as a plain object to store (no message, stack or network code).
 * Only the deletion API's failures are stored; a history search's code would read as a bad answer.
 */
export function failureFacts(err: LivePersonError): LivePersonFailureFacts & { code: LivePersonErrorCode } {
  return {
    code: isLivePersonErrorCode(err.code) ? err.code : 'LP_BAD_RESPONSE',
    ...(err.httpStatus !== undefined ? { httpStatus: err.httpStatus } : {}),
    ...(err.operation ? { operation: err.operation } : {}),
    ...(err.detail ? { detail: err.detail } : {}),
    ...(err.setting ? { setting: err.setting } : {}),
  };
}

/** Turns any failure into two sentences for people; never includes ids, reasons or credentials. */
export function describeForPeople(err: unknown): PeopleDescription {
  return err instanceof LivePersonError ? describeFailureFacts(err) : somethingUnexpected();
}

function somethingUnexpected(): PeopleDescription {
  return {
    what: 'Something unexpected went wrong while talking to LivePerson.',
    next: 'Try again in a few minutes; if it keeps happening, ask the app administrator to check the logs.',
  };
}

function isLivePersonErrorCode(code: string): code is LivePersonErrorCode {
  return (LIVEPERSON_ERROR_CODES as readonly string[]).includes(code);
}

/** Whether `operation` changes something at LivePerson (a lost answer then leaves its outcome unknown). */
const isWrite = (operation: string | undefined) => WRITE_OPERATIONS.some((write) => write === operation);

/**
 * The two sentences for a LivePerson failure from its facts alone (what describeForPeople says of the
 * error they were taken from). A code this version does not know gets the words for an unexpected failure.
 */
export function describeFailureFacts(facts: LivePersonFailureFacts): PeopleDescription {
  const code = facts.code;
  if (!isLivePersonErrorCode(code)) return somethingUnexpected();
  switch (code) {
    case 'LP_BAD_REQUEST':
      if (facts.operation === 'get' || facts.operation === 'list') {
        return {
          what: `LivePerson refused the look-up as invalid${detailOf(facts)}.`,
          next: 'Check the request id (digits) or the filters (a status, dates as yyyy-mm-dd), then try again.',
        };
      }
      return facts.operation === 'cancel'
        ? {
            what: `LivePerson refused to cancel the request${detailOf(facts)}.`,
            next: 'A request can be cancelled only once and only within 5 days of filing; check its status with `status`.',
          }
        : {
            what: `LivePerson refused the request as invalid${detailOf(facts)}.`,
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
      return facts.operation === 'cancel'
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
      if (facts.operation === 'cancel') {
        return {
          what: `${unknownCause(facts)}, so LivePerson may or may not have cancelled the request.`,
          next: 'Check with `status` whether LivePerson cancelled it before trying again.',
        };
      }
      return {
        what: `${unknownCause(facts)}, so the request may or may not exist at LivePerson.`,
        next: 'Before trying again, check with `status` (or the list of this month’s requests) whether LivePerson has it; filing it twice would spend quota twice.',
      };
    case 'LP_UNREACHABLE':
      return {
        what: isWrite(facts.operation)
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
      const setting = facts.setting ?? 'the LivePerson address settings';
      return {
        what: `Nothing was sent to LivePerson: ${setting} is not an https:// address, and calls carry credentials and deletion ids.`,
        next: `Set ${setting} to an https:// address (plain http:// is accepted only for this machine: localhost, 127.x.x.x or [::1]), then try again.`,
      };
    }
    case 'LP_BAD_RESPONSE':
      return isWrite(facts.operation)
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
function unknownCause(facts: LivePersonFailureFacts): string {
  const status = facts.httpStatus;
  if (status === undefined) return 'The connection to LivePerson was lost before it answered';
  if (status >= 500)
    return `LivePerson received the call but answered with an internal error (HTTP ${status})`;
  return 'LivePerson answered, but its answer could not be read';
}

function detailOf(facts: LivePersonFailureFacts): string {
  return facts.detail ? ` (“${facts.detail}”)` : '';
}
