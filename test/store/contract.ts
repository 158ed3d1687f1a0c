import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RequestNotice } from '../../src/domain/notices.js';
import type { DeletionRequest } from '../../src/domain/request.js';
import { CHANNEL_LANE, type ChangeFn, type OwedNotice, type RequestStore } from '../../src/store/port.js';
import type { StoredPersonSearch } from '../../src/store/schemas.js';
import { ACCOUNT, lpRecord } from '../support/service-fixture.js';
import { describeErasureContract } from './erasure-contract.js';

/**
 * The RequestStore contract: what the services rely on, run against every store (lowdb files, PostgreSQL).
 * `factory` gives an empty store; `reopen()` closes the store it gave last and opens the same data anew
 * (as a restart does, so the old process is gone); `cleanup()` closes whatever is open and removes the data.
 */
export interface StoreUnderTest {
  store: RequestStore;
  reopen(): Promise<RequestStore>;
  cleanup(): Promise<void>;
}

const MONTH = '2026-12';
const QUOTA = { accountId: ACCOUNT, month: MONTH };

/** A pending request as filed; `id` is the one the store allocated. */
export function aRequest(id: string, overrides: Partial<DeletionRequest> = {}): DeletionRequest {
  return {
    id,
    accountId: ACCOUNT,
    type: 'conversation',
    ids: ['0345bf7d-08dc-4e61-8a11-e566e3bcd787'],
    reason: 'DSR-1',
    requestedBy: 'U1',
    createdAt: '2026-12-01T10:00:00.000Z',
    status: 'pending_approval',
    history: [{ at: '2026-12-01T10:00:00.000Z', event: 'filed', by: 'U1' }],
    ...overrides,
  };
}

/** Moves a request into `status` (and `extra`), as a service's change would. */
function moveTo(status: DeletionRequest['status'], extra: Partial<DeletionRequest> = {}): ChangeFn<boolean> {
  return (current) =>
    current ? { value: true, request: { ...current, status, ...extra } } : { value: false };
}

/** "Approve if the month has room": the quota check and the reservation in one change. */
function approveIfRoom(limit: number): ChangeFn<'approved' | 'quota_reached' | 'not_pending'> {
  return (current, context) => {
    if (!current || current.status !== 'pending_approval') return { value: 'not_pending' };
    if ((context.usage?.used ?? 0) >= limit) return { value: 'quota_reached' };
    return { value: 'approved', request: { ...current, status: 'submitting', quotaMonth: MONTH } };
  };
}

const soon = () => new Date(Date.now() + 1000);
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const lanesOf = (owed: OwedNotice[]) => owed.map((o) => `${o.lane}:${o.notice.kind}`).sort();

export function describeStoreContract(name: string, factory: () => Promise<StoreUnderTest>): void {
  describe(`RequestStore contract: ${name}`, () => {
    let under: StoreUnderTest;
    let store: RequestStore;
    beforeEach(async () => {
      under = await factory();
      store = under.store;
    });
    afterEach(async () => {
      await under.cleanup();
    });

    const file = (notices: RequestNotice[] = [], overrides: Partial<DeletionRequest> = {}, month = MONTH) =>
      store.create(month, (id) => aRequest(id, overrides), notices);

    describe('create and read', () => {
      it('numbers ids within the month: DR-<month>-0001, 0002, … and a new month starts again', async () => {
        const seen: string[] = [];
        const first = await store.create(MONTH, (id) => (seen.push(id), aRequest(id)));
        const second = await file();
        const other = await file([], {}, '2027-01');
        expect(seen).toEqual(['DR-2026-12-0001']);
        expect([first.id, second.id, other.id]).toEqual([
          'DR-2026-12-0001',
          'DR-2026-12-0002',
          'DR-2027-01-0001',
        ]);
        expect(await store.months()).toEqual(['2026-12', '2027-01']);
      });

      it('a build that throws stores nothing', async () => {
        await expect(
          store.create(MONTH, () => {
            throw new Error('refused');
          }),
        ).rejects.toThrow('refused');
        expect(await store.months()).toEqual([]);
        expect(await store.owedNotices()).toEqual([]);
      });

      it('get, listOpen and listMonth return copies: changing one changes nothing stored', async () => {
        const { id } = await file();
        const got = (await store.get(id))!;
        got.status = 'rejected';
        got.history.push({ at: 'x', event: 'note' });
        (await store.listOpen())[0]!.reason = 'changed';
        (await store.listMonth(MONTH))[0]!.ids.push('other');
        const again = (await store.get(id))!;
        expect(again).toEqual(aRequest(id));
        expect(await store.get('DR-2026-12-9999')).toBeUndefined();
      });

      it('keeps proof of erasure with the request: the read-back, its notice, File again and the link', async () => {
        const result = {
          at: '2026-12-08T10:00:00.000Z',
          outcome: 'residual' as const,
          total: 3,
          erased: 2,
          residual: 1,
          notCheckable: 0,
          residualIds: ['conv-2'],
        };
        const { id } = await file();
        await store.update(id, (r) => ({
          value: undefined,
          request: r && {
            ...r,
            verification: {
              round: 'second',
              dueAt: '2026-12-10T10:00:00.000Z',
              last: result,
              lastRead: result,
              told: 'residual:3:2:1:0',
              refiled: { by: 'U2', at: '2026-12-08T11:00:00.000Z', requestId: 'DR-2026-12-0002' },
            },
            history: [
              ...r.history,
              { at: result.at, event: 'verified', detail: 'first check: 2 of 3 erased' },
            ],
          },
          notices: [{ kind: 'verification_post', result, alert: true }],
        }));
        const again = await file([], { refileOf: id });
        expect((await store.get(id))?.verification?.lastRead).toEqual(result);
        expect((await store.get(id))?.history.at(-1)?.event).toBe('verified');
        expect((await store.get(again.id))?.refileOf).toBe(id);
        expect((await store.owedNotices()).map((n) => n.notice)).toContainEqual({
          kind: 'verification_post',
          result,
          alert: true,
        });
      });

      it('the created request returned is a copy too', async () => {
        const created = await file();
        created.reason = 'changed';
        expect((await store.get(created.id))!.reason).toBe('DSR-1');
      });

      it('listOpen holds requests still in play; listMonth every request of the month, oldest first', async () => {
        const a = await file();
        const b = await file();
        const c = await file();
        await store.update(b.id, moveTo('rejected'));
        await store.update(c.id, moveTo('submitting', { quotaMonth: MONTH }));
        expect((await store.listOpen()).map((r) => r.id).sort()).toEqual([a.id, c.id].sort());
        expect((await store.listMonth(MONTH)).map((r) => r.id)).toEqual([a.id, b.id, c.id]);
        expect(await store.listMonth('2026-11')).toEqual([]);
      });

      it('findByLpRequestId finds the request LivePerson knows by that id', async () => {
        const { id } = await file();
        await store.update(
          id,
          moveTo('submitted', {
            quotaMonth: MONTH,
            lpRecord: lpRecord('lp-42'),
          }),
        );
        expect((await store.findByLpRequestId('lp-42'))?.id).toBe(id);
        expect(await store.findByLpRequestId('lp-43')).toBeUndefined();
      });
    });

    describe('update', () => {
      it('gives the change undefined for an unknown id, returns its value and stores nothing', async () => {
        const seen: unknown[] = [];
        const value = await store.update('DR-2026-12-0042', (current) => {
          seen.push(current);
          return { value: 'none' };
        });
        expect(value).toBe('none');
        expect(seen).toEqual([undefined]);
        expect(await store.months()).toEqual([]);
      });

      it('saves the new state and its notices together, and returns the value', async () => {
        const { id } = await file();
        const value = await store.update(id, (current) => ({
          value: 'done',
          request: { ...current!, status: 'rejected' },
          notices: [{ kind: 'decision_note' }, { kind: 'requester_outcome' }],
        }));
        expect(value).toBe('done');
        expect((await store.get(id))!.status).toBe('rejected');
        expect(lanesOf(await store.owedNotices())).toEqual([
          `${id}:decision_note`,
          `${id}:requester_outcome`,
        ]);
      });

      it('a change that throws changes nothing: neither the request nor notices', async () => {
        const { id } = await file();
        await expect(
          store.update(id, (current) => {
            current!.status = 'rejected';
            throw new Error('refused');
          }),
        ).rejects.toThrow('refused');
        expect((await store.get(id))!.status).toBe('pending_approval');
        expect(await store.owedNotices()).toEqual([]);
      });

      it('the change gets a copy: mutating it without returning it stores nothing', async () => {
        const { id } = await file();
        await store.update(id, (current) => {
          current!.reason = 'changed';
          return { value: undefined };
        });
        expect((await store.get(id))!.reason).toBe('DSR-1');
      });
    });

    describe('notices', () => {
      it('are delivered in order per lane: a claim returns only each lane’s head, once', async () => {
        const a = await file([
          { kind: 'approval_post' },
          { kind: 'requester_filed', duplicatesDropped: 0, notes: [] },
        ]);
        const b = await file([{ kind: 'approval_post' }]);
        const first = await store.claimDueNotices(soon(), 10);
        expect(lanesOf(first)).toEqual([`${a.id}:approval_post`, `${b.id}:approval_post`]);
        // Claimed heads block their lanes until settled.
        expect(await store.claimDueNotices(soon(), 10)).toEqual([]);
        const headA = first.find((o) => o.lane === a.id)!;
        expect(await store.noticeDelivered(headA)).toBe(true);
        const second = await store.claimDueNotices(soon(), 10);
        expect(lanesOf(second)).toEqual([`${a.id}:requester_filed`]);
        expect(second[0]!.seq).toBeGreaterThan(headA.seq);
      });

      it('a claim takes at most `limit` notices and a claim that runs out is taken again', async () => {
        await file([{ kind: 'approval_post' }]);
        await file([{ kind: 'approval_post' }]);
        expect(await store.claimDueNotices(soon(), 1, 50)).toHaveLength(1);
        await pause(120);
        expect(await store.claimDueNotices(soon(), 10)).toHaveLength(2);
      });

      it('a claim runs on the store’s clock: a caller whose clock runs ahead cannot take a live claim', async () => {
        await file([{ kind: 'approval_post' }]);
        expect(await store.claimDueNotices(soon(), 10, 60_000)).toHaveLength(1);
        // A replica 10 minutes ahead (or one resumed after a long pause) sees the notice due, not free.
        const skewed = new Date(Date.now() + 10 * 60_000);
        expect(await store.claimDueNotices(skewed, 10)).toEqual([]);
      });

      it('only the claim’s holder settles a notice: a claim that ran out and was taken again is fenced', async () => {
        const { id } = await file([{ kind: 'approval_post' }]);
        const [first] = await store.claimDueNotices(soon(), 10, 50);
        expect(first).toMatchObject({ lane: id, maybePosted: false });
        await pause(120);
        const [second] = await store.claimDueNotices(soon(), 10);
        expect(second).toMatchObject({ lane: id, seq: first!.seq });
        expect(second!.claim).not.toBe(first!.claim);
        // The first claim never settled: that attempt may have posted; the new holder must look first.
        expect(second!.maybePosted).toBe(true);
        const effect = (r: DeletionRequest) => ({ ...r, approvalMessage: { channelId: 'C9', ts: '9.9' } });
        expect(await store.noticeDelivered(first!, effect)).toBe(false);
        const retryAt = new Date(Date.now() + 60_000);
        expect(await store.noticeFailed(first!, { error: 'x', retryAt })).toBe(false);
        expect((await store.get(id))!.approvalMessage).toBeUndefined();
        expect(await store.owedNotices()).toMatchObject([{ lane: id, attempts: 0 }]);
        expect(await store.noticeDelivered(second!)).toBe(true);
        expect(await store.owedNotices()).toEqual([]);
        // Settled once: its token does not settle anything again.
        expect(await store.noticeDelivered(second!)).toBe(false);
      });

      it('a failure that may have posted says so to the next claim; a certain failure does not', async () => {
        await file([{ kind: 'approval_post' }]);
        const [owed] = await store.claimDueNotices(soon(), 10);
        await store.noticeFailed(owed!, {
          error: 'request_timeout',
          retryAt: new Date(0),
          maybePosted: true,
        });
        const [again] = await store.claimDueNotices(soon(), 10);
        expect(again).toMatchObject({ seq: owed!.seq, attempts: 1, maybePosted: true });
        await store.noticeFailed(again!, { error: 'not_in_channel', retryAt: new Date(0) });
        const [third] = await store.claimDueNotices(soon(), 10);
        expect(third).toMatchObject({ seq: owed!.seq, attempts: 2, maybePosted: false });
      });

      it('collapse: a second approval_update (or record_update of the same message) while one waits adds nothing', async () => {
        const { id } = await file();
        const notify = (notices: RequestNotice[]) => store.update(id, () => ({ value: 0, notices }));
        await notify([{ kind: 'approval_update' }]);
        await notify([{ kind: 'approval_update' }, { kind: 'decision_note' }]);
        await notify([{ kind: 'record_update', channelId: 'C1', ts: '1.1' }]);
        await notify([{ kind: 'record_update', channelId: 'C1', ts: '1.1' }]);
        await notify([{ kind: 'record_update', channelId: 'C1', ts: '2.2' }]);
        expect((await store.owedNotices()).map((o) => o.notice.kind)).toEqual([
          'approval_update',
          'decision_note',
          'record_update',
          'record_update',
        ]);
      });

      it('no collapse into an approval_update already claimed: its delivery may render the older state', async () => {
        const { id } = await file();
        await store.update(id, () => ({ value: 0, notices: [{ kind: 'approval_update' }] }));
        expect(await store.claimDueNotices(soon(), 10)).toHaveLength(1);
        await store.update(id, () => ({ value: 0, notices: [{ kind: 'approval_update' }] }));
        expect((await store.owedNotices()).map((o) => o.notice.kind)).toEqual([
          'approval_update',
          'approval_update',
        ]);
      });

      it('delivery removes the notice and saves its effect on the request with it', async () => {
        const { id } = await file([{ kind: 'approval_post' }]);
        const [owed] = await store.claimDueNotices(soon(), 10);
        await store.noticeDelivered(owed!, (request) => ({
          ...request,
          approvalMessage: { channelId: 'C1', ts: '1.1' },
        }));
        expect((await store.get(id))!.approvalMessage).toEqual({ channelId: 'C1', ts: '1.1' });
        expect(await store.owedNotices()).toEqual([]);
        expect(await store.nextNoticeDueAt()).toBeUndefined();
      });

      it('a failed attempt is retried at retryAt, counted, with its error', async () => {
        const { id } = await file([{ kind: 'approval_post' }]);
        const [owed] = await store.claimDueNotices(soon(), 10);
        const retryAt = new Date(Date.now() + 10 * 60_000);
        expect(await store.noticeFailed(owed!, { error: 'not_in_channel', retryAt })).toBe(true);
        expect(await store.claimDueNotices(soon(), 10)).toEqual([]);
        expect((await store.nextNoticeDueAt())?.getTime()).toBe(retryAt.getTime());
        const [again] = await store.claimDueNotices(new Date(retryAt.getTime() + 1), 10);
        expect(again).toMatchObject({ lane: id, seq: owed!.seq, attempts: 1, lastError: 'not_in_channel' });
        expect(again!.nextAttemptAt).toBe(retryAt.toISOString());
      });

      it('owedNotices lists every notice with its place and delivery state', async () => {
        const { id } = await file([{ kind: 'approval_post' }]);
        const [owed] = await store.owedNotices();
        expect(owed).toMatchObject({ lane: id, notice: { kind: 'approval_post' }, attempts: 0 });
        expect(owed!.seq).toBeGreaterThanOrEqual(1);
        expect(Date.parse(owed!.queuedAt)).not.toBeNaN();
        expect(Date.parse(owed!.nextAttemptAt)).not.toBeNaN();
      });
    });

    describe('quota', () => {
      it('used and spent are derived from the requests; pendingApprovals counts requests waiting', async () => {
        const [a, b, c, d] = [await file(), await file(), await file(), await file()];
        expect(await store.usage(QUOTA)).toEqual({
          used: 0,
          spent: false,
          pendingApprovals: 4,
          alertsSent: {},
        });
        await store.update(a.id, moveTo('submitting', { quotaMonth: MONTH }));
        await store.update(b.id, moveTo('submitted', { quotaMonth: MONTH }));
        expect(await store.usage(QUOTA)).toMatchObject({ used: 2, spent: false, pendingApprovals: 2 });
        // A definite failure gives the unit back.
        await store.update(a.id, moveTo('failed', { failure: { code: 'LP_BAD_REQUEST', message: 'x' } }));
        expect(await store.usage(QUOTA)).toMatchObject({ used: 1, spent: false });
        // LivePerson's 429 marks the month spent.
        await store.update(
          c.id,
          moveTo('failed', { quotaMonth: MONTH, failure: { code: 'LP_QUOTA_REACHED', message: 'x' } }),
        );
        expect(await store.usage(QUOTA)).toMatchObject({ used: 1, spent: true, pendingApprovals: 1 });
        // Another account's or month's requests do not count.
        await store.update(d.id, moveTo('submitted', { quotaMonth: '2027-01' }));
        expect(await store.usage(QUOTA)).toMatchObject({ used: 1 });
        expect(await store.usage({ accountId: ACCOUNT, month: '2027-01' })).toMatchObject({
          used: 1,
          spent: false,
        });
        expect(await store.usage({ accountId: '999', month: MONTH })).toMatchObject({
          used: 0,
          spent: false,
        });
      });

      it('a change with quota sees the usage; 20 concurrent "approve if used < 5" approve exactly 5', async () => {
        const ids: string[] = [];
        for (let i = 0; i < 20; i++) ids.push((await file()).id);
        const outcomes = await Promise.all(
          ids.map((id) => store.update(id, approveIfRoom(5), { quota: QUOTA })),
        );
        expect(outcomes.filter((o) => o === 'approved')).toHaveLength(5);
        expect(outcomes.filter((o) => o === 'quota_reached')).toHaveLength(15);
        expect(await store.usage(QUOTA)).toMatchObject({ used: 5, pendingApprovals: 15 });
      });

      it('updateMonth keeps LivePerson’s count and alerts, and queues its notices in the channel lane', async () => {
        const syncedAt = '2026-12-02T00:00:00.000Z';
        const value = await store.updateMonth(QUOTA, (month) => ({
          value: Object.keys(month.alertsSent).length,
          state: {
            ...month,
            livePerson: { total: 7, external: 2, syncedAt },
            alertsSent: { '80': syncedAt },
          },
          notices: [{ kind: 'quota_alert', level: 80, month: MONTH }],
        }));
        expect(value).toBe(0);
        expect(await store.usage(QUOTA)).toMatchObject({
          livePerson: { total: 7, external: 2, syncedAt },
          alertsSent: { '80': syncedAt },
        });
        expect(lanesOf(await store.owedNotices())).toEqual([`${CHANNEL_LANE}:quota_alert`]);
        await expect(
          store.updateMonth(QUOTA, () => {
            throw new Error('refused');
          }),
        ).rejects.toThrow('refused');
        expect(await store.usage(QUOTA)).toMatchObject({ alertsSent: { '80': syncedAt } });
        // Other months are untouched.
        expect(await store.usage({ accountId: ACCOUNT, month: '2027-01' })).toMatchObject({ alertsSent: {} });
      });
    });

    describe('processes', () => {
      it('reopening keeps every request, notice, month and the id numbering', async () => {
        const a = await file([{ kind: 'approval_post' }]);
        await store.update(a.id, moveTo('submitted', { quotaMonth: MONTH }));
        const [owed] = await store.claimDueNotices(soon(), 10);
        const retryAt = new Date(Date.now() + 60_000);
        await store.noticeFailed(owed!, { error: 'channel_not_found', retryAt });
        await store.updateMonth(QUOTA, (month) => ({
          value: 0,
          state: { ...month, alertsSent: { '100': '2026-12-02T00:00:00.000Z' } },
        }));
        const before = {
          request: await store.get(a.id),
          owed: await store.owedNotices(),
          usage: await store.usage(QUOTA),
        };
        store = await under.reopen();
        expect(await store.get(a.id)).toEqual(before.request);
        expect(await store.owedNotices()).toEqual(before.owed);
        expect(await store.usage(QUOTA)).toEqual(before.usage);
        expect((await file()).id).toBe('DR-2026-12-0002');
      });

      it('a notice claimed by a process that then stopped comes back maybePosted after the restart', async () => {
        const { id } = await file([{ kind: 'approval_post' }]);
        const [owed] = await store.claimDueNotices(soon(), 10);
        expect(owed!.maybePosted).toBe(false);
        store = await under.reopen();
        // The claim of the stopped process is void at once (its lease is gone / it was in its memory).
        const [again] = await store.claimDueNotices(soon(), 10);
        expect(again).toMatchObject({ lane: id, seq: owed!.seq, maybePosted: true });
      });

      it('keeps a Workflow Builder step with its request, completed or not, across a restart', async () => {
        const a = await file([], { workflowStep: { executionId: 'Fx0STEP1' } });
        const b = await file([], { workflowStep: { executionId: 'Fx0STEP2' } });
        await store.update(b.id, (r) =>
          r?.workflowStep
            ? {
                value: undefined,
                request: {
                  ...r,
                  workflowStep: {
                    ...r.workflowStep,
                    completedAt: '2026-12-02T00:00:00.000Z',
                    outcome: 'filed',
                  },
                },
              }
            : { value: undefined },
        );
        store = await under.reopen();
        expect((await store.get(a.id))?.workflowStep).toEqual({ executionId: 'Fx0STEP1' });
        expect((await store.get(b.id))?.workflowStep).toEqual({
          executionId: 'Fx0STEP2',
          completedAt: '2026-12-02T00:00:00.000Z',
          outcome: 'filed',
        });
        expect((await store.listOpen()).map((r) => r.workflowStep?.executionId).sort()).toEqual([
          'Fx0STEP1',
          'Fx0STEP2',
        ]);
      });

      it('reads back notices and failures saved by earlier versions with their words', async () => {
        const words = { what: 'LivePerson refused it.', next: 'Check the ids.' };
        const a = await file([
          { kind: 'failure_post', ...words },
          { kind: 'requester_outcome', ...words },
          { kind: 'failure_post', failure: { code: 'INTERRUPTED', candidates: null } },
        ]);
        const failure = { code: 'LP_BAD_REQUEST', message: words.what, httpStatus: 400 };
        await store.update(a.id, moveTo('failed', { quotaMonth: MONTH, failure }));
        store = await under.reopen();
        expect((await store.owedNotices()).map((o) => o.notice)).toEqual([
          { kind: 'failure_post', ...words },
          { kind: 'requester_outcome', ...words },
          { kind: 'failure_post', failure: { code: 'INTERRUPTED', candidates: null } },
        ]);
        expect((await store.get(a.id))?.failure).toEqual(failure);
      });

      it('a request this process is submitting is not orphaned; after a restart it is', async () => {
        const a = await file();
        const b = await file();
        await store.update(a.id, moveTo('submitting', { quotaMonth: MONTH }));
        await store.update(b.id, moveTo('submitted', { quotaMonth: MONTH }));
        expect(await store.orphanedSubmissions()).toEqual([]);
        store = await under.reopen();
        expect((await store.orphanedSubmissions()).map((r) => r.id)).toEqual([a.id]);
      });

      it('exclusive runs the work and returns its value; healthy while writes succeed', async () => {
        expect(await store.exclusive('sweep', async () => 42)).toBe(42);
        expect(store.healthy()).toBe(true);
        expect(typeof store.replicaId).toBe('string');
      });
    });

    describe('person searches', () => {
      const token = (n: number) => n.toString(16).padStart(32, '0');
      const aSearch = (n: number, overrides: Partial<StoredPersonSearch> = {}): StoredPersonSearch => ({
        token: token(n),
        userId: 'U1',
        identifierKind: 'email',
        startedAt: new Date(Date.UTC(2026, 11, 1, 10, n)).toISOString(),
        expiresAt: new Date(Date.UTC(2026, 11, 1, 11, n)).toISOString(),
        state: 'running',
        ...overrides,
      });
      /** Starts `search` when the user has fewer than `limit` searches kept. */
      const startIfUnder = (search: StoredPersonSearch, limit: number) =>
        store.searches.start(search.userId, (earlier) =>
          earlier.length < limit ? { value: true, search } : { value: false },
        );

      it('a start sees the user’s earlier searches (copies) and saves the new one; a change saves whole', async () => {
        expect(await startIfUnder(aSearch(1), 5)).toBe(true);
        await startIfUnder(aSearch(2, { userId: 'U2' }), 5);
        const seen: StoredPersonSearch[][] = [];
        await store.searches.start('U1', (earlier) => {
          seen.push(earlier);
          earlier.forEach((s) => (s.state = 'failed'));
          return { value: undefined, search: aSearch(3) };
        });
        expect(seen[0]?.map((s) => s.token)).toEqual([token(1)]);
        expect((await store.searches.get(token(1)))?.state).toBe('running');
        const result = { consumers: [{ consumerId: 'c-1', closedConversationIds: ['x'] }], namesakes: true };
        await store.searches.change(token(1), (current) => ({
          value: undefined,
          ...(current ? { search: { ...current, state: 'found', result } } : {}),
        }));
        expect(await store.searches.get(token(1))).toEqual({ ...aSearch(1), state: 'found', result });
        expect(await store.searches.change(token(99), (current) => ({ value: current }))).toBeUndefined();
        expect(await store.searches.get(token(99))).toBeUndefined();
      });

      it('starts of one user are serialised: of ten at once under a limit of one, exactly one starts', async () => {
        const started = await Promise.all(
          Array.from({ length: 10 }, (_, i) => startIfUnder(aSearch(i + 1), 1)),
        );
        expect(started.filter(Boolean)).toHaveLength(1);
      });

      it('a claim is atomic: of five claims at once, exactly one takes a found search', async () => {
        await startIfUnder(aSearch(1, { state: 'found' }), 5);
        const claims = await Promise.all(
          Array.from({ length: 5 }, () =>
            store.searches.change(token(1), (current) =>
              current?.state === 'found'
                ? { value: true, search: { ...current, state: 'filing' } }
                : { value: false },
            ),
          ),
        );
        expect(claims.filter(Boolean)).toHaveLength(1);
        expect((await store.searches.get(token(1)))?.state).toBe('filing');
      });

      it('searches survive a restart; purge removes the expired, then the oldest beyond the bound', async () => {
        for (let n = 1; n <= 5; n++) await startIfUnder(aSearch(n), 10);
        store = await under.reopen();
        expect((await store.searches.get(token(5)))?.token).toBe(token(5));
        // 11:02 UTC: searches 1 and 2 have expired; of the other three, two are kept.
        expect(await store.searches.purge(new Date(Date.UTC(2026, 11, 1, 11, 2)), 2)).toBe(3);
        const left = await Promise.all([1, 2, 3, 4, 5].map((n) => store.searches.get(token(n))));
        expect(left.map((s) => s?.token)).toEqual([undefined, undefined, undefined, token(4), token(5)]);
        await store.searches.start('U1', (earlier) => {
          expect(earlier.map((s) => s.token).sort()).toEqual([token(4), token(5)]);
          return { value: undefined };
        });
      });
    });

    describeErasureContract(() => ({ store, reopen: () => under.reopen() }));
  });
}
