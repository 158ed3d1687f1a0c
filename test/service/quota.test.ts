import { describe, expect, it } from 'vitest';
import { CHANNEL_LANE } from '../../src/store/port.js';
import { ACCOUNT, APPROVER, lpRecord, serviceWorld } from '../support/service-fixture.js';

describe('QuotaService', () => {
  it('the quota month is the month in QUOTA_TIMEZONE: 23:30 UTC on 30 November is December in Berlin', () => {
    const world = serviceWorld({ at: '2026-11-30T23:30:00.000Z' });
    expect(world.quota.key()).toEqual({ accountId: ACCOUNT, month: '2026-12' });
    expect(serviceWorld({ at: '2026-11-30T22:30:00.000Z' }).quota.key().month).toBe('2026-11');
  });

  it('reports what the store counts, pending approvals and when it resets', async () => {
    const world = serviceWorld({ monthlyLimit: 3 });
    const a = await world.file();
    await world.file();
    await world.decisions.approve(a, APPROVER);
    expect(await world.quota.report()).toMatchObject({
      month: '2026-12',
      used: 1,
      limit: 3,
      remaining: 2,
      spent: false,
      pendingApprovals: 1,
      resetsAt: new Date('2026-12-31T23:00:00.000Z'),
    });
  });

  it('requests made outside lp-delete count: the higher of ours + external and LivePerson’s total', () => {
    const world = serviceWorld({ monthlyLimit: 10 });
    const usage = { used: 2, spent: false, pendingApprovals: 0, alertsSent: {} };
    const synced = { syncedAt: '2026-12-01T00:00:00.000Z' };
    expect(
      world.quota.reportFrom('2026-12', { ...usage, livePerson: { total: 3, external: 3, ...synced } }).used,
    ).toBe(5);
    expect(
      world.quota.reportFrom('2026-12', { ...usage, livePerson: { total: 7, external: 1, ...synced } }).used,
    ).toBe(7);
  });

  it('refuses filing only once nothing can be submitted this month', async () => {
    const world = serviceWorld({ monthlyLimit: 1 });
    expect(await world.quota.refusalToFile()).toBeNull();
    await world.decisions.approve(await world.file(), APPROVER);
    expect(await world.quota.refusalToFile()).toMatchObject({ ok: false, code: 'QUOTA_SPENT' });
  });
});

describe('QuotaSync', () => {
  it('stores LivePerson’s count of the month, telling ours from requests made elsewhere', async () => {
    const world = serviceWorld();
    const ours = await world.file();
    await world.decisions.approve(ours, APPROVER); // LivePerson calls it lp-1
    world.lp.listed = [
      lpRecord('lp-1', { requestTime: '2026-12-10T10:00:00.000Z' }),
      lpRecord('lp-ui', { requestTime: '2026-12-02T08:00:00.000Z' }),
      // The day before the month in Berlin (LivePerson is asked for one day more on each side).
      lpRecord('lp-november', { requestTime: '2026-11-30T22:59:00.000Z' }),
    ];
    const outcome = await world.quotaSync.sync();
    expect(outcome).toMatchObject({ ok: true, quota: { used: 2 } });
    expect((await world.store.usage(world.quota.key())).livePerson).toEqual({
      total: 2,
      external: 1,
      syncedAt: '2026-12-10T10:00:00.000Z',
    });
    expect(world.lp.calls.at(-1)).toEqual({
      op: 'list',
      args: [{ fromDate: '2026-11-30', toDate: '2027-01-01' }],
    });
  });

  it('a failed sync says so and keeps the last count; it never throws', async () => {
    const world = serviceWorld();
    world.lp.listError = new Error('unreachable');
    const outcome = await world.quotaSync.sync();
    expect(outcome.ok).toBe(false);
    expect((await world.store.usage(world.quota.key())).livePerson).toBeUndefined();
  });

  it('syncFresh reuses a sync younger than a minute: many people asking cost one LivePerson call', async () => {
    const world = serviceWorld();
    await Promise.all([world.quotaSync.syncFresh(), world.quotaSync.syncFresh()]);
    await world.quotaSync.syncFresh();
    expect(world.lp.calls.filter((c) => c.op === 'list')).toHaveLength(1);
    world.clock.advance(61_000);
    await world.quotaSync.syncFresh();
    expect(world.lp.calls.filter((c) => c.op === 'list')).toHaveLength(2);
  });

  it('alerts the channel once at 80% and once at 100%, in the channel lane', async () => {
    const world = serviceWorld({ monthlyLimit: 5 });
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1) ids.push(await world.file());
    const alerts = async () =>
      (await world.store.owedNotices()).filter((o) => o.lane === CHANNEL_LANE).map((o) => o.notice);
    for (const id of ids.slice(0, 3)) await world.decisions.approve(id, APPROVER);
    expect(await world.quotaSync.checkAlerts()).toEqual([]);
    await world.decisions.approve(ids[3]!, APPROVER);
    expect(await world.quotaSync.checkAlerts()).toEqual([80]);
    expect(await world.quotaSync.checkAlerts()).toEqual([]);
    await world.decisions.approve(ids[4]!, APPROVER);
    expect(await world.quotaSync.checkAlerts()).toEqual([100]);
    expect(await alerts()).toEqual([
      { kind: 'quota_alert', level: 80, month: '2026-12' },
      { kind: 'quota_alert', level: 100, month: '2026-12' },
    ]);
  });
});
