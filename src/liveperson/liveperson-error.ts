/**
 * The LivePerson error class and its codes. A message here may end up in a log, a Slack message or an
 * audit export, so it never carries ids, reasons, tokens, request bodies or URLs: only the operation, the
 * HTTP status and a short cause. Other modules import it through errors.ts.
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
