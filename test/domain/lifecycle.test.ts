import { describe, expect, it } from 'vitest';
import {
  approvalDue,
  canCancel,
  cancelOffered,
  cancellableUntil,
  expiresAt,
} from '../../src/domain/lifecycle.js';
import { alertsDue, effectiveUsed } from '../../src/domain/quota-usage.js';
import { decided, deletionRequest, lpRecord } from '../slack/request-fixture.js';

const approvers = new Set(['U0APPROVER', 'U0OTHER']);
// lpRecord() has request time 2024-03-01T10:00Z: cancellable until 2024-03-06T10:00Z.
const submitted = decided('submitted');
const inside = new Date('2024-03-06T09:59:59Z');
const outside = new Date('2024-03-06T10:00:00Z');

describe('canCancel', () => {
  it('lets the requester and approvers cancel inside the window', () => {
    expect(cancellableUntil(submitted)?.toISOString()).toBe('2024-03-06T10:00:00.000Z');
    for (const userId of ['U0REQUEST', 'U0APPROVER', 'U0OTHER'])
      expect(canCancel({ request: submitted, userId, approvers, now: inside })).toEqual({ ok: true });
    expect(cancelOffered(submitted, inside)).toBe(true);
  });

  it('refuses anyone else, after the window, twice, or before LivePerson has it', () => {
    expect(canCancel({ request: submitted, userId: 'U0NOBODY', approvers, now: inside })).toEqual({
      ok: false,
      code: 'NOT_ALLOWED',
      requestId: submitted.id,
      requester: submitted.requestedBy,
    });
    const late = canCancel({ request: submitted, userId: 'U0REQUEST', approvers, now: outside });
    expect(late).toEqual({
      ok: false,
      code: 'WINDOW_CLOSED',
      requestId: submitted.id,
      until: new Date('2024-03-06T10:00:00.000Z'),
    });
    expect(cancelOffered(submitted, outside)).toBe(false);

    const claimed = {
      ...submitted,
      cancellation: { by: 'U0OTHER', at: '2024-03-02T00:00:00Z', state: 'in_progress' as const },
    };
    expect(canCancel({ request: claimed, userId: 'U0REQUEST', approvers, now: inside })).toMatchObject({
      code: 'CANCEL_IN_PROGRESS',
    });
    expect(
      canCancel({ request: decided('cancelled'), userId: 'U0REQUEST', approvers, now: inside }),
    ).toMatchObject({
      code: 'ALREADY_CANCELLED',
    });
    expect(
      canCancel({ request: decided('failed'), userId: 'U0REQUEST', approvers, now: inside }),
    ).toMatchObject({
      code: 'NOT_SUBMITTED',
    });
  });

  it('counts the window from lp-delete’s submission when LivePerson sent no request time', () => {
    const request = decided('submitted', {
      lpRecord: lpRecord({ requestTime: null }),
      history: [{ at: '2024-03-02T00:00:00.000Z', event: 'submitted' }],
    });
    expect(cancellableUntil(request)?.toISOString()).toBe('2024-03-07T00:00:00.000Z');
  });
});

describe('approvalDue', () => {
  const timers = { reminderHours: 24, expiryDays: 7 };
  const filed = deletionRequest({ createdAt: '2026-11-02T09:00:00.000Z' });
  it('reminds once after the reminder hours and expires after the expiry days', () => {
    expect(approvalDue(filed, new Date('2026-11-03T08:59:59Z'), timers)).toBeNull();
    expect(approvalDue(filed, new Date('2026-11-03T09:00:00Z'), timers)).toBe('remind');
    const reminded = { ...filed, reminderSentAt: '2026-11-03T09:00:00Z' };
    expect(approvalDue(reminded, new Date('2026-11-05T00:00:00Z'), timers)).toBeNull();
    expect(approvalDue(reminded, new Date('2026-11-09T09:00:00Z'), timers)).toBe('expire');
    expect(approvalDue(filed, new Date('2026-11-09T09:00:00Z'), timers)).toBe('expire');
    expect(expiresAt(filed, timers).toISOString()).toBe('2026-11-09T09:00:00.000Z');
  });
  it('leaves decided requests alone', () => {
    expect(approvalDue(decided('rejected'), new Date('2030-01-01T00:00:00Z'), timers)).toBeNull();
  });
});

describe('quota usage', () => {
  it('takes the higher of lp-delete’s count plus outside requests and LivePerson’s total', () => {
    expect(effectiveUsed({ counted: 4 })).toBe(4);
    expect(effectiveUsed({ counted: 4, livePerson: { total: 6, external: 2, syncedAt: '' } })).toBe(6);
    // Approved since the sync: our count grows, the outside ones still count.
    expect(effectiveUsed({ counted: 6, livePerson: { total: 6, external: 2, syncedAt: '' } })).toBe(8);
    // LivePerson knows more than we do (e.g. an unknown outcome that did arrive).
    expect(effectiveUsed({ counted: 1, livePerson: { total: 5, external: 1, syncedAt: '' } })).toBe(5);
  });

  it('announces 80% and 100% once each', () => {
    expect(alertsDue(79, 100, false, {})).toEqual([]);
    expect(alertsDue(80, 100, false, {})).toEqual([80]);
    expect(alertsDue(80, 100, false, { '80': 'x' })).toEqual([]);
    expect(alertsDue(100, 100, false, { '80': 'x' })).toEqual([100]);
    expect(alertsDue(100, 100, false, {})).toEqual([100, 80]);
    expect(alertsDue(4, 5, false, {})).toEqual([80]); // 80% of 5 is 4
    expect(alertsDue(10, 100, true, {})).toEqual([100, 80]); // LivePerson said 429
  });
});
