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

  it('refuses the requester even when they are an approver, and says to ask another approver', () => {
    expect(approvers.has(REQUESTER)).toBe(true);
    const result = canDecide({ request: buildRequest(), userId: REQUESTER, approvers });
    expect(result).toMatchObject({ ok: false, code: 'OWN_REQUEST' });
    if (!result.ok) {
      expect(result.message).toContain('You filed DR-7K3QX9');
      expect(result.message).toContain('ask another approver');
    }
  });

  it('refuses someone who is not an approver, naming approvers and the setting to change', () => {
    const result = canDecide({ request: buildRequest(), userId: OTHER, approvers });
    expect(result).toMatchObject({ ok: false, code: 'NOT_APPROVER' });
    if (!result.ok) {
      expect(result.message).toContain('Only configured approvers');
      expect(result.message).toContain(`<@${APPROVER}>`);
      expect(result.message).toContain('APPROVER_USER_IDS');
    }
  });

  it('names at most five approvers', () => {
    const many = new Set(Array.from({ length: 8 }, (_, i) => `U0APP${i}`));
    const result = canDecide({ request: buildRequest(), userId: OTHER, approvers: many });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.message).toContain('<@U0APP4>');
      expect(result.message).not.toContain('<@U0APP5>');
      expect(result.message).toContain('and 3 more');
    }
  });

  it('says so when no approvers are configured at all', () => {
    const result = canDecide({ request: buildRequest(), userId: OTHER, approvers: new Set() });
    expect(result).toMatchObject({ ok: false, code: 'NOT_APPROVER' });
    if (!result.ok) expect(result.message).toContain('No approvers are configured');
  });

  it('refuses a request that was already approved, saying by whom and when', () => {
    const result = canDecide({ request: decided('submitted'), userId: APPROVER, approvers });
    expect(result).toMatchObject({ ok: false, code: 'ALREADY_DECIDED' });
    if (!result.ok) {
      expect(result.message).toContain(`Already approved by <@${APPROVER}> at 2026-11-20 14:03 UTC`);
      expect(result.message).toContain('sent to LivePerson');
    }
  });

  it('refuses a rejected request, saying who rejected it', () => {
    const result = canDecide({ request: decided('rejected', 'rejected'), userId: OTHER, approvers });
    expect(result).toMatchObject({ ok: false, code: 'ALREADY_DECIDED' });
    if (!result.ok) expect(result.message).toContain(`Already rejected by <@${APPROVER}>`);
  });

  it('reports the decision before anything else, even to the requester', () => {
    expect(canDecide({ request: decided('submitting'), userId: REQUESTER, approvers })).toMatchObject({
      code: 'ALREADY_DECIDED',
    });
  });

  it.each<[RequestStatus, string]>([
    ['submitting', 'being sent to LivePerson'],
    ['failed', 'LivePerson refused it'],
    ['outcome_unknown', 'check the request before filing it again'],
    ['cancelled', 'cancelled'],
  ])('describes what happened after approval when the status is %s', (status, text) => {
    const result = canDecide({ request: decided(status), userId: APPROVER, approvers });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toContain(text);
  });

  it('explains an expired request and what to do', () => {
    const result = canDecide({ request: buildRequest({ status: 'expired' }), userId: APPROVER, approvers });
    expect(result).toMatchObject({ ok: false, code: 'ALREADY_DECIDED' });
    if (!result.ok) expect(result.message).toContain('expired without one; file a new request');
  });

  it('still names the status when a decided request lacks its decision record', () => {
    const result = canDecide({
      request: buildRequest({ status: 'outcome_unknown' }),
      userId: APPROVER,
      approvers,
    });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toContain('Its status is outcome unknown.');
  });
});

describe('canRequest', () => {
  it('lets anyone file when no requester list is configured', () => {
    expect(canRequest({ userId: OTHER, requesters: null })).toEqual({ ok: true });
  });

  it('lets listed requesters file', () => {
    expect(canRequest({ userId: REQUESTER, requesters: new Set([REQUESTER]) })).toEqual({ ok: true });
  });

  it('refuses everyone else and says how to get access', () => {
    const result = canRequest({ userId: OTHER, requesters: new Set([REQUESTER]) });
    expect(result).toMatchObject({ ok: false, code: 'NOT_REQUESTER' });
    if (!result.ok) expect(result.message).toContain('REQUESTER_USER_IDS');
  });

  it('treats an empty requester list as "nobody", not "anybody"', () => {
    expect(canRequest({ userId: OTHER, requesters: new Set() }).ok).toBe(false);
  });
});
