/**
 * Failures of the history searches (Messaging Interactions, Engagement History). Kept apart from the
 * rtbf client's LivePersonError: the advice differs (a 403 here means the key cannot read history, not
 * that it cannot delete). A message never carries the identifier searched for, ids or anything
 * LivePerson answered: only which API, the HTTP status and a short cause.
 */

export const HISTORY_ERROR_CODES = [
  'HISTORY_BAD_REQUEST',
  'HISTORY_UNAUTHORIZED',
  'HISTORY_FORBIDDEN',
  'HISTORY_RATE_LIMITED',
  'HISTORY_SERVER_ERROR',
  'HISTORY_UNREACHABLE',
  /** The Domain API could not say which host serves msgHist / engHistDomain for this account. */
  'HISTORY_HOST_UNKNOWN',
  'HISTORY_BAD_RESPONSE',
  /** Fewer records came back than `_metadata.count` announced, or LivePerson flagged a partial result. */
  'HISTORY_INCOMPLETE',
] as const;
export type HistoryErrorCode = (typeof HISTORY_ERROR_CODES)[number];

/** Domain API service names, case sensitive. */
export type HistoryService = 'msgHist' | 'engHistDomain';

export class HistoryError extends Error {
  readonly code: HistoryErrorCode;
  readonly service: HistoryService;
  readonly httpStatus?: number;

  constructor(code: HistoryErrorCode, service: HistoryService, message: string, httpStatus?: number) {
    super(message);
    this.name = 'HistoryError';
    this.code = code;
    this.service = service;
    this.httpStatus = httpStatus;
  }
}

export function isHistoryError(err: unknown): err is HistoryError {
  return err instanceof HistoryError;
}

const API_NAMES: Record<HistoryService, string> = {
  msgHist: 'Messaging Interactions',
  engHistDomain: 'Engagement History',
};

export function apiName(service: HistoryService): string {
  return API_NAMES[service];
}

/** Classifies an HTTP status that is not a usable answer. */
export function historyHttpError(service: HistoryService, call: string, status: number): HistoryError {
  const prefix = `LivePerson ${apiName(service)} answered ${status} to ${call}`;
  if (status === 400)
    return new HistoryError('HISTORY_BAD_REQUEST', service, `${prefix}: bad request`, status);
  if (status === 401) {
    return new HistoryError('HISTORY_UNAUTHORIZED', service, `${prefix}: credentials rejected`, status);
  }
  if (status === 403) {
    return new HistoryError('HISTORY_FORBIDDEN', service, `${prefix}: the key may not read it`, status);
  }
  if (status === 429)
    return new HistoryError('HISTORY_RATE_LIMITED', service, `${prefix}: too many calls`, status);
  if (status >= 500)
    return new HistoryError('HISTORY_SERVER_ERROR', service, `${prefix}: internal error`, status);
  return new HistoryError('HISTORY_BAD_RESPONSE', service, `${prefix}: unexpected status`, status);
}
