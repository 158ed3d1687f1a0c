import { describe, expect, it } from 'vitest';
import { canDecide, canRequest } from '../../src/domain/decide.js';
import type { DeletionRequest, RequestStatus } from '../../src/domain/request.js';

const REQUESTER = 'U0REQUEST';
const APPROVER = 'U0APPROVE';
const OTHER = 'U0OTHER';

/** A typed pending request; tests override what they need. */
function buildRequest(overrides: Partial<DeletionRequest> = {}): DeletionRequest {
  return {
    id: 'DR-7K3QX9',
    accountId: '12345678',
    type: 'conversation',
    ids: ['3f2b9c1e-8a4d-4e6f-9b2a-1c3d5e7f9a0b'],
    reason: 'GDPR erasure request #42',
    requestedBy: REQUESTER,
    createdAt: '2026-11-20T09:00:00.000Z',
    status: 'pending_approval',
    history: [],
    ...overrides,
  };
}

function decided(status: RequestStatus, outcome: 'approved' | 'rejected' = 'approved'): DeletionRequest {
  return buildRequest({ status, decision: { outcome, by: APPROVER, at: '2026-11-20T14:03:27.000Z' } });
}

const approvers = new Set([REQUESTER, APPROVER]);

describe('canDecide', () => {
  it('lets an approver decide a pending request someone else filed', () => {
    expect(canDecide({ request: buildRequest(), userId: APPROVER, approvers })).toEqual({ ok: true });
  });

  it('refuses the requester even when they are an approver', () => {
    expect(approvers.has(REQUESTER)).toBe(true);
    expect(canDecide({ request: buildRequest(), userId: REQUESTER, approvers })).toEqual({
      ok: false,
      code: 'OWN_REQUEST',
      requestId: 'DR-7K3QX9',
    });
  });

  it('refuses someone who is not an approver, with the approvers to ask', () => {
    expect(canDecide({ request: buildRequest(), userId: OTHER, approvers })).toEqual({
      ok: false,
      code: 'NOT_APPROVER',
      approvers: [REQUESTER, APPROVER],
    });
    expect(canDecide({ request: buildRequest(), userId: OTHER, approvers: new Set() })).toEqual({
      ok: false,
      code: 'NOT_APPROVER',
      approvers: [],
    });
  });

  it('refuses a request already decided, with the decision and the status since', () => {
    const request = decided('submitted');
    expect(canDecide({ request, userId: APPROVER, approvers })).toEqual({
      ok: false,
      code: 'ALREADY_DECIDED',
      requestId: 'DR-7K3QX9',
      status: 'submitted',
      decision: request.decision,
    });
    expect(canDecide({ request: decided('rejected', 'rejected'), userId: OTHER, approvers })).toMatchObject({
      code: 'ALREADY_DECIDED',
      status: 'rejected',
      decision: { outcome: 'rejected', by: APPROVER },
    });
  });

  it('reports the decision before anything else, even to the requester', () => {
    expect(canDecide({ request: decided('submitting'), userId: REQUESTER, approvers })).toMatchObject({
      code: 'ALREADY_DECIDED',
    });
  });

  it('an expired request, or one without its decision record, is no longer pending either', () => {
    expect(canDecide({ request: buildRequest({ status: 'expired' }), userId: APPROVER, approvers })).toEqual({
      ok: false,
      code: 'ALREADY_DECIDED',
      requestId: 'DR-7K3QX9',
      status: 'expired',
    });
    const lost = canDecide({
      request: buildRequest({ status: 'outcome_unknown' }),
      userId: APPROVER,
      approvers,
    });
    expect(lost).toMatchObject({ code: 'ALREADY_DECIDED', status: 'outcome_unknown' });
    expect(lost).not.toHaveProperty('decision');
  });

  it('refuses a click after the expiry time, before who clicked is looked at', () => {
    const expiresAt = new Date('2026-11-27T09:00:00.000Z');
    const decide = (now: string, userId: string) =>
      canDecide({ request: buildRequest(), userId, approvers, now: new Date(now), expiresAt });
    expect(decide('2026-11-27T08:59:59.000Z', APPROVER)).toEqual({ ok: true });
    expect(decide('2026-11-27T09:00:00.000Z', REQUESTER)).toEqual({
      ok: false,
      code: 'EXPIRED',
      requestId: 'DR-7K3QX9',
    });
  });
});

describe('canRequest', () => {
  it('lets anyone file when no requester list is configured', () => {
    expect(canRequest({ userId: OTHER, requesters: null })).toEqual({ ok: true });
  });

  it('lets listed requesters file', () => {
    expect(canRequest({ userId: REQUESTER, requesters: new Set([REQUESTER]) })).toEqual({ ok: true });
  });

  it('refuses everyone else', () => {
    const result = canRequest({ userId: OTHER, requesters: new Set([REQUESTER]) });
    expect(result).toEqual({ ok: false, code: 'NOT_REQUESTER' });
  });

  it('treats an empty requester list as "nobody", not "anybody"', () => {
    expect(canRequest({ userId: OTHER, requesters: new Set() }).ok).toBe(false);
  });
});
