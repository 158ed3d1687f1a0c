import { describe, expect, it } from 'vitest';
import { DAY_MS, HOUR_MS } from '../../src/domain/durations.js';
import { silentLogger } from '../../src/log.js';
import { Sweeps } from '../../src/service/approval-sweeps.js';
import { FollowUp } from '../../src/service/follow-up.js';
import { Housekeeping } from '../../src/service/housekeeping.js';
import {
  APPROVER,
  deliverDue,
  lpRecord,
  serviceWorld,
  type ServiceWorld,
} from '../support/service-fixture.js';

const TIMERS = { reminderHours: 24, expiryDays: 7 };
const POLL_MS = 15 * 60_000;

const sweeps = (world: ServiceWorld) =>
  new Sweeps({ store: world.store, timers: TIMERS, now: world.clock.now, log: silentLogger });

const followUp = (world: ServiceWorld) =>
  new FollowUp({
    store: world.store,
    lp: world.lp,
    recover: () => world.submission.recover(),
    intervalMs: POLL_MS,
    now: world.clock.now,
    log: silentLogger,
  });

const owed = async (world: ServiceWorld, id: string) =>
  (await world.store.owedNotices()).filter((o) => o.lane === id).map((o) => o.notice.kind);

async function submitted(world: ServiceWorld): Promise<string> {
  const id = await world.file();
  expect(await world.decisions.approve(id, APPROVER)).toMatchObject({ ok: true });
  await deliverDue(world);
  return id;
}

describe('approval sweeps', () => {
  it('an approval nobody decided is reminded once after 24 h and expired at 7 days; a click then is refused', async () => {
    const world = serviceWorld();
    const id = await world.file();
    await deliverDue(world);
    world.clock.advance(23 * HOUR_MS);
    expect(await sweeps(world).sweepApprovals()).toEqual({ reminded: [], expired: [] });

    world.clock.advance(HOUR_MS);
    expect(await sweeps(world).sweepApprovals()).toEqual({ reminded: [id], expired: [] });
    expect((await world.store.get(id))?.reminderSentAt).toBe(world.clock.now().toISOString());
    expect(await owed(world, id)).toEqual(['reminder_post']);
    // Once: the next sweep, and one running beside it, remind nobody again.
    const again = await Promise.all([sweeps(world).sweepApprovals(), sweeps(world).sweepApprovals()]);
    expect(again).toEqual([
      { reminded: [], expired: [] },
      { reminded: [], expired: [] },
    ]);
    await deliverDue(world);

    world.clock.advance(6 * DAY_MS);
    expect(await sweeps(world).sweepApprovals()).toEqual({ reminded: [], expired: [id] });
    expect(await world.store.get(id)).toMatchObject({ status: 'expired' });
    expect(await owed(world, id)).toEqual(['approval_update', 'expired_post', 'requester_outcome']);
    expect(await world.decisions.approve(id, APPROVER)).toMatchObject({
      ok: false,
      code: 'ALREADY_DECIDED',
      status: 'expired',
    });
    expect(world.lp.created()).toBe(0);
  });

  it('a decided request is neither reminded nor expired', async () => {
    const world = serviceWorld();
    const id = await submitted(world);
    world.clock.advance(8 * DAY_MS);
    expect(await sweeps(world).sweepApprovals()).toEqual({ reminded: [], expired: [] });
    expect(await world.store.get(id)).toMatchObject({ status: 'submitted' });
  });

  it('takes the Cancel button off a thread record once its window has closed, once', async () => {
    const world = serviceWorld();
    const id = await submitted(world);
    const record = (await world.store.get(id))?.recordMessage;
    expect(record).toBeDefined();
    world.clock.advance(4 * DAY_MS);
    expect(await sweeps(world).sweepRecords()).toEqual([]);
    world.clock.advance(DAY_MS);
    expect(await sweeps(world).sweepRecords()).toEqual([id]);
    expect((await world.store.owedNotices()).map((o) => o.notice)).toEqual([
      { kind: 'record_update', ...record },
    ]);
    expect(await sweeps(world).sweepRecords()).toEqual([]);
  });
});

describe('follow-up (the status sweep)', () => {
  it('asks LivePerson about what is due, completes what is DONE, and asks again only after the interval', async () => {
    const world = serviceWorld();
    const done = await submitted(world);
    const working = await submitted(world);
    world.lp.listed = [
      lpRecord('lp-1', { status: 'DONE', requestTime: world.clock.now().toISOString() }),
      lpRecord('lp-2', { status: 'IN_PROGRESS', requestTime: world.clock.now().toISOString() }),
    ];
    world.clock.advance(POLL_MS);
    expect(await followUp(world).runOnce()).toEqual({ checked: 2, completed: [done], overdue: [] });
    expect((await world.store.get(done))?.lpRecord?.status).toBe('DONE');
    expect((await world.store.get(done))?.completedAt).toBe(world.clock.now().toISOString());
    expect((await world.store.get(working))?.lpRecord?.status).toBe('IN_PROGRESS');
    // One list call covered both; nothing is due again until the interval has passed.
    expect(world.lp.calls.filter((c) => c.op === 'list')).toHaveLength(1);
    expect(await followUp(world).runOnce()).toEqual({ checked: 0, completed: [], overdue: [] });
    world.clock.advance(POLL_MS);
    expect(await followUp(world).runOnce()).toEqual({ checked: 1, completed: [], overdue: [] });
    expect(world.lp.calls.filter((c) => c.op === 'get').map((c) => c.args)).toEqual([['lp-2']]);
  });

  it('flags a request LivePerson has not finished after 30 days, once', async () => {
    const world = serviceWorld();
    const id = await submitted(world);
    world.lp.listed = [lpRecord('lp-1', { status: 'IN_PROGRESS' })];
    world.clock.advance(30 * DAY_MS);
    expect(await followUp(world).runOnce()).toMatchObject({ overdue: [id] });
    expect(await owed(world, id)).toContain('overdue_post');
    world.clock.advance(POLL_MS);
    expect(await followUp(world).runOnce()).toMatchObject({ overdue: [] });
  });
});

describe('housekeeping', () => {
  it('runs every step even when one fails; two runs at once are one sweep', async () => {
    const world = serviceWorld();
    const id = await world.file();
    let recovers = 0;
    const steps: string[] = [];
    const housekeeping = new Housekeeping({
      store: world.store,
      sweeps: sweeps(world),
      quotaSync: world.quotaSync,
      recover: async () => {
        recovers += 1;
        throw new Error('LivePerson is down');
      },
      recheckHeldBack: async () => steps.push('held_back'),
      purgeSearches: async () => steps.push('person_searches'),
      settleWorkflowSteps: async () => steps.push('workflow_steps'),
      log: silentLogger,
    });
    world.clock.advance(25 * HOUR_MS);
    const [first, second] = await Promise.all([housekeeping.runOnce(), housekeeping.runOnce()]);
    expect(first).toEqual({ reminded: [id], expired: [] });
    expect(second).toBe(first);
    expect(recovers).toBe(1);
    expect(steps).toEqual(['held_back', 'person_searches', 'workflow_steps']);
    expect(await owed(world, id)).toContain('reminder_post');
    // The daily quota sync ran too: LivePerson's list was read for the month.
    expect(world.lp.calls.some((c) => c.op === 'list')).toBe(true);
  });
});
