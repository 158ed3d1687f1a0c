import { describe, expect, it } from 'vitest';
import {
  erasureOpen,
  erasureView,
  moveErasure,
  statusOfRequests,
  type StoredErasure,
} from '../../src/domain/erasure.js';
import type { DeletionRequest } from '../../src/domain/request.js';
import { aRequest } from '../store/contract.js';

const NOW = new Date('2026-12-06T10:00:00Z');
const erasure = (overrides: Partial<StoredErasure> = {}): StoredErasure => ({
  id: 'ER-0123456789abcdef01234567',
  caller: 'OneTrust',
  caseRef: 'DSR-1',
  receivedOn: '2026-11-18',
  identifierKind: 'email',
  callbackUrl: 'https://dsr.example.com/hook',
  status: 'awaiting_approval',
  requestId: 'DR-2026-12-0001',
  createdAt: '2026-12-01T10:00:00.000Z',
  updatedAt: '2026-12-01T10:00:00.000Z',
  callbacks: [],
  ...overrides,
});
const part = (n: number, overrides: Partial<DeletionRequest> = {}) =>
  aRequest(`DR-2026-12-000${n}`, overrides);
const lp = (status: string) => ({
  requestId: '1',
  siteId: null,
  requestTime: null,
  requestedBy: null,
  cancelledBy: null,
  cancelTimestamp: null,
  isCanceled: false,
  deleteJson: null,
  status,
});
const verified = {
  round: 'second' as const,
  last: { at: '', outcome: 'verified' as const, total: 1, erased: 1, residual: 0, notCheckable: 0 },
};

describe('an erasure’s status, from its requests', () => {
  it('follows the parts: pending, filed once all are at LivePerson, done at DONE, verified when read back', () => {
    expect(statusOfRequests([part(1), part(2)])).toEqual({ status: 'awaiting_approval' });
    // Approved, one part still being sent: no new status yet (filed would claim too much).
    expect(
      statusOfRequests([part(1, { status: 'submitted' }), part(2, { status: 'submitting' })]),
    ).toBeUndefined();
    expect(
      statusOfRequests([part(1, { status: 'submitted' }), part(2, { status: 'outcome_unknown' })]),
    ).toBeUndefined();
    const submitted = (s: string, extra: Partial<DeletionRequest> = {}) =>
      part(1, { status: 'submitted', lpRecord: lp(s), ...extra });
    expect(statusOfRequests([submitted('IN_PROGRESS'), submitted('DONE')])).toEqual({ status: 'filed' });
    expect(statusOfRequests([submitted('DONE'), submitted('DONE')])).toEqual({ status: 'done' });
    expect(statusOfRequests([submitted('DONE', { verification: verified })])).toEqual({ status: 'verified' });
  });

  it('rejected, expired, failed or cancelled parts end it, with a code', () => {
    expect(statusOfRequests([part(1, { status: 'rejected' })])).toEqual({ status: 'rejected' });
    expect(statusOfRequests([part(1, { status: 'expired' })])).toEqual({
      status: 'failed',
      failure: { code: 'APPROVAL_EXPIRED' },
    });
    expect(
      statusOfRequests([
        part(1, {
          status: 'failed',
          failure: { code: 'LP_QUOTA_REACHED', message: 'x' } as DeletionRequest['failure'],
        }),
      ]),
    ).toMatchObject({
      status: 'failed',
      failure: { code: 'LP_QUOTA_REACHED' },
    });
    expect(statusOfRequests([])).toBeUndefined();
  });
});

describe('moving an erasure', () => {
  const view = (m: StoredErasure) => erasureView(m, []);

  it('queues one callback per change of status, with the view at that moment, numbered in order', () => {
    const moved = moveErasure(erasure(), { status: 'filed' }, NOW, view);
    expect(moved?.status).toBe('filed');
    expect(moved?.callbacks).toEqual([
      {
        seq: 1,
        status: 'filed',
        body: JSON.stringify({ ...view(moved as StoredErasure) }),
        queuedAt: NOW.toISOString(),
        attempts: 0,
        nextAttemptAt: NOW.toISOString(),
      },
    ]);
    expect(JSON.parse(moved?.callbacks[0]?.body ?? '{}')).toMatchObject({
      status: 'filed',
      gdpr_deadline: '2026-12-18',
    });
    expect(
      moveErasure(moved as StoredErasure, { status: 'done' }, NOW, view)?.callbacks.map((c) => c.seq),
    ).toEqual([1, 2]);
  });

  it('the same status again changes nothing; a final status never moves; no URL, no callback', () => {
    expect(moveErasure(erasure(), { status: 'awaiting_approval' }, NOW, view)).toBeUndefined();
    expect(moveErasure(erasure({ status: 'rejected' }), { status: 'filed' }, NOW, view)).toBeUndefined();
    const quiet = moveErasure(erasure({ callbackUrl: undefined }), { status: 'filed' }, NOW, view);
    expect(quiet?.status).toBe('filed');
    expect(quiet?.callbacks).toEqual([]);
  });

  it('is open while not final or while a callback is owed', () => {
    expect(erasureOpen(erasure())).toBe(true);
    expect(erasureOpen(erasure({ status: 'verified' }))).toBe(false);
    const owed = moveErasure(erasure(), { status: 'rejected' }, NOW, view) as StoredErasure;
    expect(erasureOpen(owed)).toBe(true);
    expect(erasureOpen({ ...owed, callbacks: owed.callbacks.map((c) => ({ ...c, deliveredAt: 'x' })) })).toBe(
      false,
    );
  });
});
