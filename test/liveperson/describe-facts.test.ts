import { describe, expect, it } from 'vitest';
import {
  describeFailureFacts,
  describeForPeople,
  failureFacts,
} from '../../src/liveperson/describe-for-people.js';
import {
  badResponse,
  httpError,
  insecureUrl,
  LIVEPERSON_ERROR_CODES,
  LivePersonError,
  networkError,
  outcomeUnknown,
  type LivePersonOperation,
} from '../../src/liveperson/liveperson-error.js';

const OPERATIONS: LivePersonOperation[] = ['create', 'get', 'list', 'cancel', 'token', 'domain'];

/** Every kind of LivePersonError the client makes, for every operation. */
function everyError(): LivePersonError[] {
  return OPERATIONS.flatMap((op) => [
    ...[301, 400, 401, 403, 404, 429, 500, 502].map((status) => httpError(op, status)),
    httpError(op, 400, 'conversationId must be a closed conversation'),
    networkError(op, 'ECONNREFUSED'),
    networkError(op, 'ECONNRESET'),
    networkError(op, 'ETIMEDOUT'),
    outcomeUnknown(op, undefined, 'timed out'),
    outcomeUnknown(op, 503, 'answered 503'),
    badResponse(op, 200, 'not JSON'),
    badResponse(op, undefined, 'empty'),
    insecureUrl('LP_RTBF_URL', op),
  ]);
}

describe('describeFailureFacts: the words from plain facts, as stored and read back', () => {
  it('says what describeForPeople says of the error the facts were taken from', () => {
    for (const err of everyError()) {
      // Through JSON, as a notice is stored: the facts carry no class, message or network code.
      const stored = JSON.parse(JSON.stringify(failureFacts(err))) as ReturnType<typeof failureFacts>;
      expect(stored, err.message).not.toHaveProperty('networkCode');
      expect(describeFailureFacts(stored), err.message).toEqual(describeForPeople(err));
    }
  });

  it('keeps only what the words depend on', () => {
    expect(failureFacts(httpError('create', 400, 'bad id'))).toEqual({
      code: 'LP_BAD_REQUEST',
      httpStatus: 400,
      operation: 'create',
      detail: 'bad id',
    });
    expect(failureFacts(networkError('create', 'ECONNRESET'))).toEqual({
      code: 'LP_OUTCOME_UNKNOWN',
      operation: 'create',
    });
    expect(failureFacts(insecureUrl('LP_RTBF_URL', 'create'))).toEqual({
      code: 'LP_INSECURE_URL',
      operation: 'create',
      setting: 'LP_RTBF_URL',
    });
  });

  it('has words for every code, and the unexpected ones for a code this version does not know', () => {
    for (const code of LIVEPERSON_ERROR_CODES)
      expect(describeFailureFacts({ code }).what, code).toMatch(/\.$/);
    expect(describeFailureFacts({ code: 'LP_SOMETHING_NEW', operation: 'create' })).toEqual(
      describeForPeople(new Error('not a LivePersonError')),
    );
  });
});
