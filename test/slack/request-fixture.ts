/** Typed DeletionRequest fixtures for the builder tests. */
import type { DeletionRequest } from '../../src/domain/request.js';
import type { DeletionType, LpRecord } from '../../src/domain/types.js';

/** `n` distinct UUID-shaped conversation ids (36 characters each), deterministic. */
export function uuids(n: number): string[] {
  return Array.from({ length: n }, (_, i) => {
    const hex = (i + 1).toString(16).padStart(12, '0');
    return `5f0c1c2e-7a1b-4c3d-9e8f-${hex}`;
  });
}

/** `n` chat engagement ids: account id followed by the chat id, as the Engagement History API shows them. */
export function engagementIds(n: number, accountId = '20762324'): string[] {
  return Array.from({ length: n }, (_, i) => `${accountId}${4_300_000_000 + i}`);
}

export function lpRecord(overrides: Partial<LpRecord> = {}): LpRecord {
  return {
    requestId: '987654',
    siteId: '20762324',
    requestTime: '2024-03-01T10:00:00.000Z',
    requestedBy: 'privacy-bot@example.com',
    cancelledBy: null,
    cancelTimestamp: null,
    isCanceled: false,
    deleteJson: '{"conversation":["…"]}',
    status: 'NOT_STARTED',
    ...overrides,
  };
}

export function deletionRequest(
  overrides: Partial<DeletionRequest> & { type?: DeletionType } = {},
): DeletionRequest {
  return {
    id: 'DR-7K3QX9',
    accountId: '20762324',
    type: 'conversation',
    ids: uuids(3),
    reason: 'DSR-2024-0173',
    requestedBy: 'U0REQUEST',
    createdAt: '2024-03-01T09:30:00.000Z',
    status: 'pending_approval',
    history: [{ at: '2024-03-01T09:30:00.000Z', event: 'filed', by: 'U0REQUEST' }],
    ...overrides,
  };
}

/** The same request after approval, in `status`, with the decision and (when submitted) LivePerson's record. */
export function decided(
  status: DeletionRequest['status'],
  overrides: Partial<DeletionRequest> = {},
): DeletionRequest {
  const rejected = status === 'rejected';
  return deletionRequest({
    status,
    decision: rejected
      ? { outcome: 'rejected', by: 'U0APPROVER', at: '2024-03-01T09:45:00.000Z', reason: 'Wrong DSR' }
      : { outcome: 'approved', by: 'U0APPROVER', at: '2024-03-01T09:45:00.000Z' },
    ...(status === 'submitted' || status === 'cancelled' ? { lpRecord: lpRecord() } : {}),
    ...overrides,
  });
}
