import { describe, expect, it } from 'vitest';
import type { FileInput } from '../../src/service/filing.js';
import {
  APPROVER,
  OTHER_APPROVER,
  REQUESTER,
  STRANGER,
  deliverDue,
  serviceWorld,
} from '../support/service-fixture.js';

const kinds = async (world: ReturnType<typeof serviceWorld>, lane: string) =>
  (await world.store.owedNotices()).filter((o) => o.lane === lane).map((o) => o.notice.kind);

describe('Filing', () => {
  it('stores the request pending approval with its two notices: the approval message, then the requester DM', async () => {
    const world = serviceWorld();
    const id = await world.file({
      duplicatesDropped: 2,
      ticketChanges: { prefixesRemoved: 2, suffixesRemoved: 0 },
    });
    expect(id).toBe('DR-2026-12-0001');
    const request = await world.store.get(id);
    expect(request).toMatchObject({ status: 'pending_approval', requestedBy: REQUESTER, accountId: '123' });
    expect(request?.history.map((h) => h.event)).toEqual(['filed']);
    expect(await kinds(world, id)).toEqual(['approval_post', 'requester_filed']);
    const [, filed] = await world.store.owedNotices();
    expect(filed?.notice).toEqual({
      kind: 'requester_filed',
      duplicatesDropped: 2,
      ticketChanges: { prefixesRemoved: 2, suffixesRemoved: 0 },
    });
  });

  it('a failing store: NOT_SAVED, nothing filed', async () => {
    const world = serviceWorld();
    world.store.failWrites(1);
    const outcome = await world.filing.file({
      userId: REQUESTER,
      type: 'conversation',
      ids: ['0345bf7d-08dc-4e61-8a11-e566e3bcd787'],
      reason: 'DSR-1',
      duplicatesDropped: 0,
    });
    expect(outcome).toMatchObject({ ok: false, code: 'NOT_SAVED' });
    expect(await world.store.months()).toEqual([]);
  });

  it('the requester allow-list is the service’s rule: someone not on it files nothing, whatever the entry point', async () => {
    const world = serviceWorld({ requesters: [REQUESTER] });
    const input = {
      type: 'conversation' as const,
      ids: ['0345bf7d-08dc-4e61-8a11-e566e3bcd787'],
      reason: 'DSR-1',
      duplicatesDropped: 0,
    };
    expect(await world.filing.file({ ...input, userId: STRANGER })).toMatchObject({
      ok: false,
      code: 'NOT_REQUESTER',
    });
    expect(await world.store.months()).toEqual([]);
    expect(await world.filing.file({ ...input, userId: REQUESTER })).toMatchObject({ ok: true });
  });

  it('what is filed is the service’s rule too: a reason, a real date not after today, ids each type accepts', async () => {
    const world = serviceWorld({ at: '2026-12-01T10:00:00.000Z', timeZone: 'Europe/Berlin' });
    const input = {
      userId: REQUESTER,
      type: 'conversation' as const,
      ids: ['0345bf7d-08dc-4e61-8a11-e566e3bcd787'],
      reason: 'DSR-1',
      duplicatesDropped: 0,
    };
    const refused: [Partial<FileInput>, Record<string, unknown>][] = [
      [{ reason: '  ' }, { code: 'NO_REASON' }],
      [{ subjectRequestedOn: '2026-12-02' }, { code: 'SUBJECT_DATE', problem: 'in_the_future' }],
      [{ subjectRequestedOn: '2026-02-30' }, { code: 'SUBJECT_DATE', problem: 'not_a_date' }],
      [
        { ids: ['not-a-uuid'] },
        { code: 'INVALID_IDS', errors: [{ code: 'invalid_ids', invalid: ['not-a-uuid'] }] },
      ],
      [
        { type: 'ticketing', ids: ['ABC1'] },
        { code: 'INVALID_IDS', errors: [{ code: 'ticketing_disabled' }] },
      ],
      [
        {
          ids: Array.from(
            { length: 101 },
            (_, i) => `0345bf7d-08dc-4e61-8a11-${String(i).padStart(12, '0')}`,
          ),
        },
        { code: 'INVALID_IDS', errors: [{ code: 'too_many_ids', count: 101, max: 100 }] },
      ],
    ];
    for (const [change, refusal] of refused) {
      expect(await world.filing.file({ ...input, ...change })).toMatchObject({ ok: false, ...refusal });
      expect(
        await world.filing.filePlan({
          ...input,
          ...change,
          requests: [
            { type: change.type ?? input.type, ids: change.ids ?? input.ids },
            { type: 'consumer', ids: ['1a2b3c4d-0000-4000-8000-000000000001'] },
          ],
          summary: {
            consumerIds: 1,
            closedConversations: 1,
            openHeldBack: 0,
            chats: 0,
            tickets: 0,
            keywordTicked: 0,
            requests: 2,
          },
        }),
      ).toMatchObject({ ok: false, ...refusal });
    }
    expect(await world.store.months()).toEqual([]);
    // Today in the app's zone is still a valid day (Berlin is past midnight before UTC is).
    expect(await world.filing.file({ ...input, subjectRequestedOn: '2026-12-01' })).toMatchObject({
      ok: true,
    });
  });
});

describe('Decisions: four eyes', () => {
  it.each([
    { who: REQUESTER, code: 'OWN_REQUEST', why: 'the requester (even an approver) may not decide' },
    { who: STRANGER, code: 'NOT_APPROVER', why: 'someone who is not an approver' },
  ])('refuses $code: $why; the click is kept in the audit trail', async ({ who, code }) => {
    const world = serviceWorld();
    const id = await world.file();
    const outcome = await world.decisions.approve(id, who);
    expect(outcome).toMatchObject({ ok: false, code });
    const request = await world.store.get(id);
    expect(request?.status).toBe('pending_approval');
    expect(request?.history.at(-1)).toMatchObject({ event: 'approval_refused', by: who, detail: code });
    expect(world.lp.created()).toBe(0);
  });

  it('refuses ALREADY_DECIDED after a decision, with who decided', async () => {
    const world = serviceWorld();
    const id = await world.file();
    expect((await world.decisions.approve(id, APPROVER)).ok).toBe(true);
    const again = await world.decisions.approve(id, OTHER_APPROVER);
    expect(again).toMatchObject({
      ok: false,
      code: 'ALREADY_DECIDED',
      requestId: id,
      decision: { outcome: 'approved', by: APPROVER },
    });
    expect(await world.decisions.reject(id, OTHER_APPROVER, 'no')).toMatchObject({ code: 'ALREADY_DECIDED' });
    expect(world.lp.created()).toBe(1);
  });

  it('refuses EXPIRED at the click after the expiry and expires the request there and then', async () => {
    const world = serviceWorld();
    const id = await world.file();
    await deliverDue(world);
    world.clock.advance(7 * 86_400_000);
    expect(await world.decisions.approve(id, APPROVER)).toMatchObject({ ok: false, code: 'EXPIRED' });
    expect((await world.store.get(id))?.status).toBe('expired');
    expect(await kinds(world, id)).toEqual(['approval_update', 'expired_post', 'requester_outcome']);
    expect(world.lp.created()).toBe(0);
  });

  it('refuses WRONG_MESSAGE for a button on another message than the request’s approval message', async () => {
    const world = serviceWorld();
    const id = await world.file();
    await deliverDue(world);
    const posted = (await world.store.get(id))?.approvalMessage;
    expect(posted?.channelId).toBe('C-PRIVACY');
    const elsewhere = { channelId: 'C-PRIVACY', ts: '1.000001' };
    expect(await world.decisions.approve(id, APPROVER, elsewhere)).toMatchObject({ code: 'WRONG_MESSAGE' });
    expect(await world.decisions.approve(id, APPROVER, posted)).toMatchObject({ ok: true });
  });

  it('NOT_FOUND for an id the store does not hold', async () => {
    const world = serviceWorld();
    expect(await world.decisions.approve('DR-2026-12-0042', APPROVER)).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('of 20 concurrent approvals exactly one wins and LivePerson is called once', async () => {
    const world = serviceWorld();
    const id = await world.file();
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, i) => world.decisions.approve(id, i % 2 ? APPROVER : OTHER_APPROVER)),
    );
    expect(outcomes.filter((o) => o.ok)).toHaveLength(1);
    expect(outcomes.filter((o) => !o.ok && o.code === 'ALREADY_DECIDED')).toHaveLength(19);
    expect(world.lp.created()).toBe(1);
    expect((await world.store.get(id))?.status).toBe('submitted');
  });

  it('refuses QUOTA_SPENT when the month is used up: nothing is sent', async () => {
    const world = serviceWorld({ monthlyLimit: 1 });
    const first = await world.file();
    const second = await world.file();
    expect((await world.decisions.approve(first, APPROVER)).ok).toBe(true);
    expect(await world.decisions.approve(second, APPROVER)).toMatchObject({ ok: false, code: 'QUOTA_SPENT' });
    expect((await world.store.get(second))?.status).toBe('pending_approval');
    expect(world.lp.created()).toBe(1);
    // Filing is refused too now.
    expect(await world.quota.refusalToFile()).toMatchObject({ code: 'QUOTA_SPENT' });
  });

  it('reject: rejected with the reason, three notices, nothing sent', async () => {
    const world = serviceWorld();
    const id = await world.file();
    await deliverDue(world);
    const outcome = await world.decisions.reject(id, APPROVER, 'wrong ids');
    expect(outcome).toMatchObject({ ok: true, request: { status: 'rejected' } });
    expect((await world.store.get(id))?.decision).toMatchObject({
      outcome: 'rejected',
      by: APPROVER,
      reason: 'wrong ids',
    });
    expect(await kinds(world, id)).toEqual(['approval_update', 'decision_note', 'requester_outcome']);
    expect(world.lp.created()).toBe(0);
  });

  it('a store write that fails on approve: NOT_SAVED, still pending, LivePerson never called', async () => {
    const world = serviceWorld();
    const id = await world.file();
    world.store.failWrites(1);
    expect(await world.decisions.approve(id, APPROVER)).toMatchObject({ ok: false, code: 'NOT_SAVED' });
    expect((await world.store.get(id))?.status).toBe('pending_approval');
    expect(world.lp.created()).toBe(0);
    expect(world.store.healthy()).toBe(false);
    // The next click works once the store does.
    expect((await world.decisions.approve(id, APPROVER)).ok).toBe(true);
  });
});
