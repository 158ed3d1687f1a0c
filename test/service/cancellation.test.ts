import { describe, expect, it } from 'vitest';
import { DAY_MS } from '../../src/domain/durations.js';
import { httpError } from '../../src/liveperson/liveperson-error.js';
import { silentLogger } from '../../src/log.js';
import { Cancellation } from '../../src/service/cancellation.js';
import {
  APPROVER,
  OTHER_APPROVER,
  REQUESTER,
  STRANGER,
  deliverDue,
  serviceWorld,
  type ServiceWorld,
} from '../support/service-fixture.js';

/** The world's use case, with the fixture's approvers (REQUESTER among them is not needed here). */
function cancellation(world: ServiceWorld): Cancellation {
  return new Cancellation({
    store: world.store,
    lp: world.lp,
    directory: { approvers: async () => new Set([APPROVER, OTHER_APPROVER]), requesters: async () => null },
    now: world.clock.now,
    log: silentLogger,
  });
}

/** A request filed by REQUESTER, approved by APPROVER and accepted by LivePerson (as lp-1), notices delivered. */
async function submitted(world: ServiceWorld): Promise<string> {
  const id = await world.file();
  const approved = await world.decisions.approve(id, APPROVER);
  expect(approved).toMatchObject({ ok: true, request: { status: 'submitted' } });
  await deliverDue(world);
  return id;
}

const cancelCalls = (world: ServiceWorld) => world.lp.calls.filter((c) => c.op === 'cancel');
const owed = async (world: ServiceWorld, id: string) =>
  (await world.store.owedNotices()).filter((o) => o.lane === id).map((o) => o.notice.kind);

describe('Cancellation', () => {
  it('within five days the requester cancels: LivePerson is asked once, the request is cancelled and everyone told', async () => {
    const world = serviceWorld();
    const id = await submitted(world);
    world.clock.advance(4 * DAY_MS);
    const outcome = await cancellation(world).cancel(id, REQUESTER);
    expect(outcome).toMatchObject({
      ok: true,
      request: { id, status: 'cancelled', cancellation: { by: REQUESTER, state: 'done' } },
    });
    expect(cancelCalls(world)).toEqual([{ op: 'cancel', args: ['lp-1'] }]);
    const stored = await world.store.get(id);
    expect(stored?.lpRecord).toMatchObject({ isCanceled: true, status: 'CANCELED' });
    expect(stored?.history.at(-1)).toMatchObject({ event: 'cancelled', by: REQUESTER });
    expect(await owed(world, id)).toEqual(['approval_update', 'cancelled_post', 'requester_outcome']);
    // Once: a second cancel is told it is done, and LivePerson is not asked again.
    expect(await cancellation(world).cancel(id, APPROVER)).toMatchObject({
      ok: false,
      code: 'ALREADY_CANCELLED',
      by: REQUESTER,
    });
    expect(cancelCalls(world)).toHaveLength(1);
  });

  it('an approver cancels by LivePerson’s request id; concurrent clicks cancel once', async () => {
    const world = serviceWorld();
    const id = await submitted(world);
    const service = cancellation(world);
    const outcomes = await Promise.all([
      service.cancel('lp-1', APPROVER),
      service.cancel(id, OTHER_APPROVER),
      service.cancel(id.toLowerCase(), REQUESTER),
    ]);
    expect(outcomes.filter((o) => o.ok)).toHaveLength(1);
    for (const refused of outcomes.filter((o) => !o.ok))
      expect(['CANCEL_IN_PROGRESS', 'ALREADY_CANCELLED']).toContain(refused.code);
    expect(cancelCalls(world)).toHaveLength(1);
    expect((await world.store.get(id))?.status).toBe('cancelled');
  });

  it('after five days: the window is closed, LivePerson is not asked, the request stays submitted', async () => {
    const world = serviceWorld();
    const id = await submitted(world);
    world.clock.advance(5 * DAY_MS + 60_000);
    const outcome = await cancellation(world).cancel(id, REQUESTER);
    expect(outcome).toMatchObject({ ok: false, code: 'WINDOW_CLOSED', requestId: id });
    expect(cancelCalls(world)).toEqual([]);
    expect(await world.store.get(id)).toMatchObject({ status: 'submitted' });
    expect((await world.store.get(id))?.cancellation).toBeUndefined();
  });

  it('a click on the record after the window re-renders it, so the Cancel button goes', async () => {
    const world = serviceWorld();
    const id = await submitted(world);
    world.clock.advance(6 * DAY_MS);
    const at = { channelId: 'C-PRIVACY', ts: '1765360000.000900' };
    expect(await cancellation(world).cancel(id, REQUESTER, at)).toMatchObject({ code: 'WINDOW_CLOSED' });
    expect((await world.store.owedNotices()).map((o) => o.notice)).toContainEqual({
      kind: 'record_update',
      ...at,
    });
  });

  it('LivePerson refusing: CANCEL_FAILED with its code, the claim given back, and a later cancel works', async () => {
    const world = serviceWorld();
    const id = await submitted(world);
    world.lp.cancelError = httpError('cancel', 500);
    const failed = await cancellation(world).cancel(id, REQUESTER);
    expect(failed).toMatchObject({ ok: false, code: 'CANCEL_FAILED', requestId: id });
    const stored = await world.store.get(id);
    expect(stored).toMatchObject({ status: 'submitted' });
    expect(stored?.cancellation).toBeUndefined();
    expect(stored?.history.at(-1)).toMatchObject({ event: 'cancel_failed', by: REQUESTER });
    expect(await owed(world, id)).toEqual([]);

    world.lp.cancelError = undefined;
    expect(await cancellation(world).cancel(id, REQUESTER)).toMatchObject({
      ok: true,
      request: { status: 'cancelled' },
    });
    expect(cancelCalls(world)).toHaveLength(2);
  });

  it('someone neither the requester nor an approver: refused with nothing about the request; nothing changes', async () => {
    const world = serviceWorld();
    const id = await submitted(world);
    const before = await world.store.get(id);
    const outcome = await cancellation(world).cancel(id, STRANGER);
    expect(outcome).toEqual({ ok: false, code: 'NOT_YOURS', ref: id, asked: 'cancel' });
    expect(JSON.stringify(outcome)).not.toContain(REQUESTER);
    expect(cancelCalls(world)).toEqual([]);
    expect(await world.store.get(id)).toEqual(before);
  });

  it('no such request, and one never sent to LivePerson, are refused', async () => {
    const world = serviceWorld();
    expect(await cancellation(world).cancel('DR-NOPE01', REQUESTER)).toMatchObject({ code: 'NOT_FOUND' });
    const pending = await world.file();
    expect(await cancellation(world).cancel(pending, REQUESTER)).toMatchObject({
      code: 'NOT_SUBMITTED',
      status: 'pending_approval',
    });
    expect(cancelCalls(world)).toEqual([]);
  });
});
