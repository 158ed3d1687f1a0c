import { describe, expect, it } from 'vitest';
import { historyDetail } from '../../src/audit/history-words.js';
import { takeLpStatus } from '../../src/domain/follow-up.js';
import type { DeletionRequest } from '../../src/domain/request.js';
import { failedResult, takeVerification, verificationDue } from '../../src/domain/verification.js';
import type { VerificationResult } from '../../src/domain/verification-schema.js';

const DAY = 24 * 60 * 60 * 1000;
const T0 = new Date('2026-12-06T10:00:00Z');
const at = (ms: number) => new Date(T0.getTime() + ms);

function done(): DeletionRequest {
  const request: DeletionRequest = {
    id: 'DR-2026-11-0001',
    accountId: '1',
    type: 'conversation',
    ids: ['a', 'b'],
    reason: 'r',
    requestedBy: 'U1',
    createdAt: '2026-11-10T10:00:00Z',
    status: 'submitted',
    lpRecord: {
      requestId: '1',
      siteId: '1',
      requestTime: '2026-11-10T10:00:00Z',
      requestedBy: null,
      cancelledBy: null,
      cancelTimestamp: null,
      isCanceled: false,
      deleteJson: null,
      status: 'IN_PROGRESS',
    },
    history: [],
  };
  return takeLpStatus(request, { ...request.lpRecord!, status: 'DONE' }, T0, true).next;
}

const result = (when: Date, erased: number, residual = 0): VerificationResult => ({
  at: when.toISOString(),
  outcome: residual > 0 ? 'residual' : 'verified',
  total: erased + residual,
  erased,
  residual,
  notCheckable: 0,
  ...(residual > 0 ? { residualIds: ['b'] } : {}),
});
const kinds = (notices: { kind: string }[]) => notices.map((n) => n.kind);
const options = { retryMs: 60_000 };

describe('the verification schedule', () => {
  it('DONE makes the first check due at once and holds the requester DM back for it', () => {
    const { notices } = takeLpStatus(
      { ...done(), completedAt: undefined, verification: undefined },
      { ...done().lpRecord!, status: 'DONE' },
      T0,
      true,
    );
    expect(kinds(notices)).not.toContain('completed_requester');
    expect(verificationDue(done(), T0)).toBe(true);
  });

  it('first answer told at once (thread + DM); second two days later, silent when unchanged, told when changed', () => {
    const first = takeVerification(done(), result(T0, 2), T0, options);
    expect(kinds(first.notices)).toEqual(['verification_post', 'completed_requester']);
    expect(first.next.verification?.dueAt).toBe(at(2 * DAY).toISOString());
    expect(verificationDue(first.next, at(DAY))).toBe(false);

    const same = takeVerification(first.next, result(at(2 * DAY), 2), at(2 * DAY), options);
    expect(same.notices).toEqual([]);
    expect(same.next.verification?.dueAt).toBeUndefined();
    expect(
      same.next.history.filter((e) => e.event === 'verified').map((e) => historyDetail(e)?.split(':')[0]),
    ).toEqual(['first check after LivePerson reported done', 'second check, 2 days later']);

    const changed = takeVerification(first.next, result(at(2 * DAY), 1, 1), at(2 * DAY), options);
    expect(changed.notices).toEqual([expect.objectContaining({ kind: 'verification_post', alert: true })]);
  });

  it('a failed read is "not verified", told once, retried on the follow-up interval, never erased', () => {
    const failed = takeVerification(done(), failedResult(T0, 'HISTORY_FORBIDDEN'), T0, options);
    expect(kinds(failed.notices)).toEqual(['verification_post', 'completed_requester']);
    expect(failed.next.verification?.lastRead).toBeUndefined();
    expect(failed.next.verification?.dueAt).toBe(at(60_000).toISOString());
    const again = takeVerification(
      failed.next,
      failedResult(at(60_000), 'HISTORY_FORBIDDEN'),
      at(60_000),
      options,
    );
    expect(again.notices).toEqual([]);
    const read = takeVerification(again.next, result(at(120_000), 2), at(120_000), options);
    expect(kinds(read.notices)).toEqual(['verification_post']);
    expect(historyDetail(read.next.history.at(-1)!)).toMatch(/^check repeated after a failed read/);
    // Retries stop 14 days after completion.
    const late = takeVerification(failed.next, failedResult(at(15 * DAY), 'X'), at(15 * DAY), options);
    expect(late.next.verification?.dueAt).toBeUndefined();
  });

  it('an on-demand check tells no one, keeps the schedule, and records who asked', () => {
    const asked = takeVerification(done(), result(T0, 2), T0, { ...options, by: 'U2' });
    expect(asked.notices).toEqual([]);
    expect(asked.next.verification?.dueAt).toBe(done().verification?.dueAt);
    expect(asked.next.history.at(-1)).toMatchObject({ event: 'verified', by: 'U2' });
  });
});
