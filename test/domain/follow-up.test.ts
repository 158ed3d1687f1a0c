import { describe, expect, it } from 'vitest';
import {
  awaitsLivePerson,
  completion,
  followUpDue,
  overdueFlagDue,
  takeLpStatus,
} from '../../src/domain/follow-up.js';
import { decided, lpRecord } from '../slack/request-fixture.js';

const DAY = 86_400_000;
// Submitted at LivePerson's request time, 2024-03-01T10:00Z.
const submitted = decided('submitted', {
  recordMessage: { channelId: 'C1', ts: '1.2' },
  subjectRequestedOn: '2024-02-20',
});
const at = (days: number) => new Date(Date.parse('2024-03-01T10:00:00.000Z') + days * DAY);

describe('follow-up rules', () => {
  it('follows submitted requests until LivePerson reports DONE or CANCELED', () => {
    expect(awaitsLivePerson(submitted)).toBe(true);
    expect(awaitsLivePerson({ ...submitted, lpRecord: lpRecord({ status: 'DONE' }) })).toBe(false);
    expect(awaitsLivePerson({ ...submitted, lpRecord: lpRecord({ status: 'CANCELED' }) })).toBe(false);
    expect(awaitsLivePerson(decided('pending_approval'))).toBe(false);
    expect(awaitsLivePerson(decided('cancelled'))).toBe(false);
  });

  it('is due one interval after the last read (the submission counting as the first)', () => {
    const hour = 60 * 60 * 1000;
    expect(followUpDue(submitted, new Date(at(0).getTime() + hour / 2), hour)).toBe(false);
    expect(followUpDue(submitted, new Date(at(0).getTime() + hour), hour)).toBe(true);
    const checked = { ...submitted, lpStatusCheckedAt: at(2).toISOString() };
    expect(followUpDue(checked, new Date(at(2).getTime() + hour / 2), hour)).toBe(false);
  });

  it('DONE completes once, with the thread reply, the DM and both messages re-rendered', () => {
    const first = takeLpStatus(submitted, lpRecord({ status: 'DONE' }), at(26));
    expect(first.next.completedAt).toBe(at(26).toISOString());
    expect(first.next.lpRecord?.status).toBe('DONE');
    expect(first.notices.map((n) => n.kind)).toEqual([
      'approval_update',
      'record_update',
      'completed_post',
      'completed_requester',
    ]);
    const again = takeLpStatus(first.next, lpRecord({ status: 'DONE' }), at(27));
    expect(again.notices).toEqual([]);
    expect(again.next.completedAt).toBe(at(26).toISOString());
    expect(completion(first.next, 'UTC')).toEqual({ completedOn: '2024-03-27', beforeDeadline: false });
  });

  it('CANCELED elsewhere is taken over; IN_PROGRESS only updates the record', () => {
    const cancelled = takeLpStatus(submitted, lpRecord({ status: 'CANCELED', isCanceled: true }), at(1));
    expect(cancelled.next.status).toBe('cancelled');
    const progress = takeLpStatus(submitted, lpRecord({ status: 'IN_PROGRESS' }), at(6));
    expect(progress.notices).toEqual([]);
    expect(progress.next.lpStatusCheckedAt).toBe(at(6).toISOString());
  });

  it('flags a request not final 30 days after submission, once', () => {
    expect(overdueFlagDue(submitted, at(29.9))).toBe(false);
    expect(overdueFlagDue(submitted, at(30))).toBe(true);
    expect(overdueFlagDue({ ...submitted, overdueFlaggedAt: at(30).toISOString() }, at(31))).toBe(false);
    expect(overdueFlagDue({ ...submitted, lpRecord: lpRecord({ status: 'DONE' }) }, at(31))).toBe(false);
  });
});
