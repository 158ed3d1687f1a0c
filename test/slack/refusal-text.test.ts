import { describe, expect, it } from 'vitest';
import { canDecide, canRequest } from '../../src/domain/decide.js';
import { canCancel } from '../../src/domain/lifecycle.js';
import type { Refusal, RefusalCode } from '../../src/domain/outcome.js';
import { canFile, canSubmit, canTakePlan, quotaStatus } from '../../src/domain/quota.js';
import type { DeletionRequest, RequestStatus } from '../../src/domain/request.js';
import { LivePersonError } from '../../src/liveperson/liveperson-error.js';
import { refusalText } from '../../src/slack/blocks/refusal-text.js';
import { deletionRequest } from './request-fixture.js';

/*
 * The words of every refusal, rendered from the codes and facts the domain and services return. Where a
 * rule produces the refusal, the rule is run (rule → words); the rules' own tests assert the facts.
 */

const REQUESTER = 'U0REQUEST';
const APPROVER = 'U0APPROVE';
const OTHER = 'U0OTHER';
const approvers = new Set([REQUESTER, APPROVER]);

const request = deletionRequest;

function decided(status: RequestStatus, outcome: 'approved' | 'rejected' = 'approved'): DeletionRequest {
  return request({ status, decision: { outcome, by: APPROVER, at: '2026-11-20T14:03:27.000Z' } });
}

/** The words of a rule's verdict; fails the test when the rule allowed it. */
function words(verdict: { ok: true } | Refusal): string {
  if (verdict.ok) throw new Error('expected a refusal');
  return refusalText(verdict);
}

describe('the four-eyes refusals in words', () => {
  it('the requester is told to ask another approver', () => {
    const text = words(canDecide({ request: request(), userId: REQUESTER, approvers }));
    expect(text).toContain('You filed DR-7K3QX9');
    expect(text).toContain('ask another approver');
  });

  it('a non-approver is told whom to ask and which setting adds them; at most five are named', () => {
    const text = words(canDecide({ request: request(), userId: OTHER, approvers }));
    expect(text).toContain('Only configured approvers');
    expect(text).toContain(`<@${APPROVER}>`);
    expect(text).toContain('APPROVER_USER_IDS');
    const many = new Set(Array.from({ length: 8 }, (_, i) => `U0APP${i}`));
    const long = words(canDecide({ request: request(), userId: OTHER, approvers: many }));
    expect(long).toContain('<@U0APP4>');
    expect(long).not.toContain('<@U0APP5>');
    expect(long).toContain('and 3 more');
    expect(words(canDecide({ request: request(), userId: OTHER, approvers: new Set() }))).toContain(
      'No approvers are configured',
    );
  });

  it('a decided request says by whom, when, and what happened since', () => {
    expect(words(canDecide({ request: decided('submitted'), userId: APPROVER, approvers }))).toContain(
      `Already approved by <@${APPROVER}> at 2026-11-20 14:03 UTC. It has been sent to LivePerson.`,
    );
    expect(
      words(canDecide({ request: decided('rejected', 'rejected'), userId: OTHER, approvers })),
    ).toContain(`Already rejected by <@${APPROVER}>`);
    for (const [status, text] of [
      ['submitting', 'being sent to LivePerson'],
      ['failed', 'LivePerson refused it'],
      ['outcome_unknown', 'check the request before filing it again'],
      ['cancelled', 'cancelled'],
    ] as const) {
      expect(words(canDecide({ request: decided(status), userId: APPROVER, approvers }))).toContain(text);
    }
    expect(
      words(canDecide({ request: request({ status: 'expired' }), userId: APPROVER, approvers })),
    ).toContain('expired without one; file a new request');
    expect(
      words(canDecide({ request: request({ status: 'outcome_unknown' }), userId: APPROVER, approvers })),
    ).toContain('Its status is outcome unknown.');
  });

  it('an expired request, a wrong message and a part of a group say what to do instead', () => {
    expect(refusalText({ ok: false, code: 'EXPIRED', requestId: 'DR-1' })).toContain(
      'has expired, so nothing was sent to LivePerson. File it again',
    );
    expect(refusalText({ ok: false, code: 'WRONG_MESSAGE', requestId: 'DR-1' })).toContain(
      "does not belong to request DR-1's approval message",
    );
    expect(refusalText({ ok: false, code: 'WRONG_MESSAGE', requestId: 'DR-2', groupId: 'DR-1' })).toBe(
      "DR-2 is part of DR-1: decide it with the buttons on DR-1's approval message.",
    );
  });

  it('someone not on the requester list is told how to get on it', () => {
    expect(words(canRequest({ userId: OTHER, requesters: new Set([REQUESTER]) }))).toContain(
      'REQUESTER_USER_IDS',
    );
  });
});

describe('the quota in words', () => {
  const status = (used: number, spent = false, pendingApprovals = 0) =>
    quotaStatus({
      used,
      limit: 100,
      spent,
      pendingApprovals,
      resetsAt: new Date('2026-11-30T23:00:00.000Z'),
      timeZone: 'Europe/Berlin',
    });

  it('a spent month says the count and when it resets, in the configured zone', () => {
    const filing = words(canFile(status(100)));
    expect(filing).toContain("You can't file a deletion request right now");
    expect(filing).toContain('100 of 100');
    expect(filing).toContain('Tue 1 Dec 2026 at 00:00 (Europe/Berlin)');
    expect(words(canSubmit(status(100)))).toContain('Nothing was sent to LivePerson');
  });

  it('a 429 before our count reached the limit says requests made elsewhere count too', () => {
    const text = words(canSubmit(status(40, true)));
    expect(text).toContain('counted 40 of 100');
    expect(text).toContain('outside this app');
  });

  it('an unknown reset time says "the 1st of next month"', () => {
    expect(words(canFile(quotaStatus({ used: 100, limit: 100, spent: false })))).toContain(
      'resets on the 1st of next month',
    );
  });

  it('a plan the month cannot take says how many it needs and that nothing was filed or sent', () => {
    expect(words(canTakePlan(status(98), 3))).toContain(
      'This needs 3 LivePerson requests, but only 2 are left this month, so nothing was filed.',
    );
    expect(words(canTakePlan(status(99), 2, 'approval'))).toContain(
      'only 1 is left this month, so nothing was sent to LivePerson',
    );
  });
});

describe('cancelling in words', () => {
  const lpRecord = { requestId: '9001', requestTime: '2024-03-01T10:00:00.000Z', status: 'PENDING' };
  const submitted = decided('submitted');
  const live = { ...submitted, lpRecord } as DeletionRequest;
  const inside = new Date('2024-03-02T00:00:00.000Z');
  const outside = new Date('2024-03-06T10:00:00.000Z');

  it('after the window: when it ended, that it is final, and the command that follows it', () => {
    const text = words(canCancel({ request: live, userId: REQUESTER, approvers, now: outside }));
    expect(text).toContain('only for 5 days');
    expect(text).toContain('which ended 2024-03-06 10:00 UTC');
    expect(text).toContain('`/lp-delete status`');
  });

  it('someone else is told whom to ask; a cancel in progress names who', () => {
    expect(words(canCancel({ request: live, userId: 'U0NOBODY', approvers, now: inside }))).toBe(
      `Only the requester (<@${REQUESTER}>) or an approver can cancel DR-7K3QX9. Ask one of them.`,
    );
    const claimed = {
      ...live,
      cancellation: { by: OTHER, at: inside.toISOString(), state: 'in_progress' as const },
    };
    expect(words(canCancel({ request: claimed, userId: REQUESTER, approvers, now: inside }))).toContain(
      `<@${OTHER}> is already cancelling DR-7K3QX9`,
    );
  });

  it('LivePerson failing the cancel: its explanation, and Refresh when the outcome is unknown', () => {
    const unknown = new LivePersonError('LP_OUTCOME_UNKNOWN', 'timeout', {
      retryable: false,
      operation: 'cancel',
    });
    const text = refusalText({
      ok: false,
      code: 'CANCEL_FAILED',
      requestId: 'DR-1',
      lpCode: unknown.code,
      cause: unknown,
    });
    expect(text).toMatch(/^DR-1 was not cancelled: /);
    expect(text).toContain('Use Refresh status');
    const refused = new LivePersonError('LP_FORBIDDEN', 'no', {
      retryable: false,
      httpStatus: 403,
      operation: 'cancel',
    });
    expect(
      refusalText({
        ok: false,
        code: 'CANCEL_FAILED',
        requestId: 'DR-1',
        lpCode: refused.code,
        cause: refused,
      }),
    ).not.toContain('Refresh');
  });
});

describe('every code has words, and what a person typed is quoted inert', () => {
  const quota = quotaStatus({ used: 100, limit: 100, spent: true });
  const one: { [C in RefusalCode]: Refusal<C> } = {
    ALREADY_DECIDED: { ok: false, code: 'ALREADY_DECIDED', requestId: 'DR-1', status: 'expired' },
    EXPIRED: { ok: false, code: 'EXPIRED', requestId: 'DR-1' },
    OWN_REQUEST: { ok: false, code: 'OWN_REQUEST', requestId: 'DR-1' },
    NOT_APPROVER: { ok: false, code: 'NOT_APPROVER', approvers: [] },
    WRONG_MESSAGE: { ok: false, code: 'WRONG_MESSAGE', requestId: 'DR-1' },
    NOT_REQUESTER: { ok: false, code: 'NOT_REQUESTER' },
    NO_REASON: { ok: false, code: 'NO_REASON' },
    SUBJECT_DATE: { ok: false, code: 'SUBJECT_DATE', problem: 'in_the_future' },
    INVALID_IDS: { ok: false, code: 'INVALID_IDS', errors: [{ field: 'type', code: 'ticketing_disabled' }] },
    QUOTA_SPENT: { ok: false, code: 'QUOTA_SPENT', at: 'filing', quota },
    QUOTA_SHORT: { ok: false, code: 'QUOTA_SHORT', at: 'filing', needed: 2, quota },
    ALREADY_CANCELLED: { ok: false, code: 'ALREADY_CANCELLED', requestId: 'DR-1', by: OTHER },
    NOT_SUBMITTED: { ok: false, code: 'NOT_SUBMITTED', requestId: 'DR-1', status: 'outcome_unknown' },
    CANCEL_IN_PROGRESS: { ok: false, code: 'CANCEL_IN_PROGRESS', requestId: 'DR-1', by: OTHER },
    WINDOW_CLOSED: { ok: false, code: 'WINDOW_CLOSED', requestId: 'DR-1' },
    NOT_ALLOWED: { ok: false, code: 'NOT_ALLOWED', requestId: 'DR-1', requester: REQUESTER },
    CANCEL_FAILED: {
      ok: false,
      code: 'CANCEL_FAILED',
      requestId: 'DR-1',
      lpCode: 'X',
      cause: new Error('x'),
    },
    NOT_FOUND: { ok: false, code: 'NOT_FOUND' },
    NOT_YOURS: { ok: false, code: 'NOT_YOURS', ref: 'DR-1', asked: 'see' },
    RATE_LIMITED: { ok: false, code: 'RATE_LIMITED', perMinute: 10, retryInSeconds: 42 },
    NOT_SAVED: { ok: false, code: 'NOT_SAVED', action: 'approve' },
    SEARCH_GONE: { ok: false, code: 'SEARCH_GONE' },
    NOTHING_TO_DELETE: { ok: false, code: 'NOTHING_TO_DELETE', openHeldBack: 0 },
    ALREADY_FILED: { ok: false, code: 'ALREADY_FILED', justNow: true },
    SEARCH_NOT_ALLOWED: { ok: false, code: 'SEARCH_NOT_ALLOWED', approvers: [OTHER] },
    IDENTIFIER_INVALID: { ok: false, code: 'IDENTIFIER_INVALID', problem: 'too_long', max: 320 },
    SEARCH_BUSY: { ok: false, code: 'SEARCH_BUSY', retryAt: new Date('2026-11-20T12:05:00Z') },
    SEARCH_LIMIT: {
      ok: false,
      code: 'SEARCH_LIMIT',
      limit: 5,
      windowMinutes: 10,
      retryAt: new Date('2026-11-20T12:10:00Z'),
    },
    SEARCH_NOT_YOURS: { ok: false, code: 'SEARCH_NOT_YOURS' },
    SEARCH_USED: { ok: false, code: 'SEARCH_USED', filing: false },
    NOT_DONE: { ok: false, code: 'NOT_DONE', requestId: 'DR-1', status: 'submitted' },
    NOTHING_LEFT: { ok: false, code: 'NOTHING_LEFT', requestId: 'DR-1' },
  };

  it.each(Object.values(one))('$code reads as a sentence with what to do', (refusal) => {
    const text = refusalText(refusal);
    expect(text.length).toBeGreaterThan(30);
    expect(text).toMatch(/[.)]$/);
    expect(text).not.toContain('undefined');
  });

  it('specific words for the codes without a rule above', () => {
    expect(refusalText(one.ALREADY_CANCELLED)).toBe(
      `DR-1 was already cancelled by <@${OTHER}>. Nothing will be deleted.`,
    );
    expect(refusalText(one.NOT_SUBMITTED)).toContain('its status is outcome unknown');
    expect(refusalText(one.RATE_LIMITED)).toContain('10 times in the last minute');
    expect(refusalText(one.RATE_LIMITED)).toContain('Try again in 42 seconds.');
    expect(refusalText(one.NOT_SAVED)).toMatch(
      /^Nothing was approved or sent to LivePerson: .*npm run doctor/,
    );
    expect(refusalText({ ok: false, code: 'NOT_SAVED', action: 'reject' })).toMatch(
      /^The request was not rejected/,
    );
    expect(refusalText(one.SEARCH_GONE)).toContain('`/lp-delete person …`');
    expect(refusalText({ ok: false, code: 'NOTHING_TO_DELETE', openHeldBack: 2 })).toContain('still open');
    expect(refusalText({ ok: false, code: 'ALREADY_FILED', justNow: false })).toContain('already been filed');
    expect(refusalText(one.NOT_FOUND)).toContain('Check the request number (DR-…) in the approval message.');
    expect(refusalText(one.INVALID_IDS)).toContain(
      'Ticket deletions are only for legacy LivePerson accounts',
    );
    expect(refusalText({ ok: false, code: 'INVALID_IDS', errors: [] })).toContain(
      'Enter them again in the form.',
    );
    expect(refusalText(one.SUBJECT_DATE)).toBe(
      'This day is in the future. Choose the day the data subject made the request.',
    );
    expect(refusalText({ ok: false, code: 'SUBJECT_DATE', problem: 'not_a_date' })).toBe(
      'Choose the day the data subject made the request.',
    );
  });

  it('a typed reference is shortened and stripped of formatting before it is quoted back', () => {
    const hostile = '<!channel> *DR-1* `x` ' + 'y'.repeat(80);
    for (const refusal of [
      { ok: false, code: 'NOT_FOUND', ref: hostile },
      { ok: false, code: 'NOT_YOURS', ref: hostile, asked: 'see' },
      { ok: false, code: 'NOT_YOURS', ref: hostile, asked: 'cancel' },
      { ok: false, code: 'NOT_YOURS', ref: hostile, asked: 'look_up_elsewhere' },
    ] as const) {
      const text = refusalText(refusal);
      expect(text).not.toMatch(/[<>*`]/);
      expect(text).not.toContain('y'.repeat(40));
    }
  });
});
