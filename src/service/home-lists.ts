import type { DeletionRequest } from '../domain/request.js';
import type { UseCaseDeps } from './ports.js';

type HomeListsDeps = Pick<UseCaseDeps, 'store' | 'directory'>;

/** What the Home tab lists for one person. */
export interface HomeLists {
  isApprover: boolean;
  pending: DeletionRequest[];
  mine: DeletionRequest[];
  everyone?: DeletionRequest[];
  /** For approvers: Slack messages lp-delete could not deliver yet (it keeps trying), and why. */
  undelivered?: { count: number; errors: string[] };
}

/**
 * The Home tab's lists for `userId`. Approvers see every pending approval (oldest first) and everyone's
 * recent requests; anyone else sees only their own requests (their own pending ones among them): a
 * request's details are for its requester and the approvers. Requests still open and those of this
 * month and the last, newest first.
 */
export async function homeLists(deps: HomeListsDeps, userId: string): Promise<HomeLists> {
  const isApprover = (await deps.directory.approvers()).has(userId);
  const stuck = isApprover ? (await deps.store.owedNotices()).filter((n) => n.attempts > 0) : [];
  const byId = new Map<string, DeletionRequest>();
  const months = (await deps.store.months()).slice(-2);
  for (const month of months) for (const r of await deps.store.listMonth(month)) byId.set(r.id, r);
  for (const r of await deps.store.listOpen()) byId.set(r.id, r);
  const all = [...byId.values()];
  const visible = isApprover ? all : all.filter((r) => r.requestedBy === userId);
  const newestFirst = [...visible].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  const pending = visible
    .filter((r) => r.status === 'pending_approval')
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  // Whole lists: the view shows the first few and counts the rest.
  return {
    isApprover,
    pending,
    mine: newestFirst.filter((r) => r.requestedBy === userId),
    ...(isApprover ? { everyone: newestFirst } : {}),
    ...(stuck.length > 0
      ? {
          undelivered: {
            count: stuck.length,
            errors: [...new Set(stuck.map((n) => n.lastError ?? 'no answer'))],
          },
        }
      : {}),
  };
}
