import { describe, expect, it } from 'vitest';
import { NoticeDelivery } from '../../src/service/notice-delivery.js';
import type { NoticeSender } from '../../src/service/ports.js';
import type { QuotaReport } from '../../src/service/quota-service.js';
import { silentLogger } from '../../src/log.js';
import { MemoryStore } from '../support/memory-store.js';
import { APPROVER, deliverDue, serviceWorld, type ServiceWorld } from '../support/service-fixture.js';
import { aRequest } from '../store/contract.js';

const QUOTA: QuotaReport = {
  used: 0,
  limit: 100,
  remaining: 100,
  spent: false,
  pendingApprovals: 0,
  month: '2026-12',
  resetsAt: new Date('2027-01-01T00:00:00Z'),
};

const owed = async (world: ServiceWorld) =>
  (await world.store.owedNotices()).map((o) => ({
    kind: o.notice.kind,
    attempts: o.attempts,
    lastError: o.lastError,
    retryInMs: Date.parse(o.nextAttemptAt) - world.clock.now().getTime(),
  }));

describe('NoticeDelivery', () => {
  it('delivers each lane in order: the approval message before the requester’s DM, lanes side by side', async () => {
    const world = serviceWorld();
    const a = await world.file();
    const b = await world.file();
    await deliverDue(world);
    const lane = (id: string) => world.sender.delivered({ withLane: true }).filter((s) => s.startsWith(id));
    expect(lane(a)).toEqual([`${a}:approval_post`, `${a}:requester_filed`]);
    expect(lane(b)).toEqual([`${b}:approval_post`, `${b}:requester_filed`]);
    expect(await world.store.owedNotices()).toEqual([]);
  });

  it('stores where the approval message landed (with the audit line), and where the record landed', async () => {
    const world = serviceWorld();
    const id = await world.file();
    await deliverDue(world);
    const request = await world.store.get(id);
    expect(request?.approvalMessage).toEqual({
      channelId: 'C-PRIVACY',
      ts: expect.stringMatching(/^\d+\.\d+$/),
    });
    expect(request?.history.map((h) => h.event)).toEqual(['filed', 'posted_for_approval']);
    await world.decisions.approve(id, APPROVER);
    await deliverDue(world);
    expect((await world.store.get(id))?.recordMessage?.channelId).toBe('C-PRIVACY');
    expect(world.sender.delivered()).toEqual([
      'approval_post',
      'requester_filed',
      'approval_update',
      'record_post',
      'requester_outcome',
    ]);
  });

  it('a transient failure is retried with growing back-off; the lane waits behind it', async () => {
    const world = serviceWorld();
    const id = await world.file();
    world.sender.failWith({ kind: 'transient', code: 'ratelimited' }, 2);
    await deliverDue(world);
    expect(await owed(world)).toEqual([
      { kind: 'approval_post', attempts: 1, lastError: 'ratelimited', retryInMs: 1_000 },
      { kind: 'requester_filed', attempts: 0, lastError: undefined, retryInMs: expect.any(Number) },
    ]);
    // The DM never overtakes the approval message it links to.
    expect(world.sender.delivered()).toEqual([]);
    world.clock.advance(1_000);
    await deliverDue(world);
    expect((await owed(world))[0]).toMatchObject({ attempts: 2, retryInMs: 2_000 });
    world.clock.advance(2_000);
    await deliverDue(world);
    expect(world.sender.delivered({ withLane: true })).toEqual([
      `${id}:approval_post`,
      `${id}:requester_filed`,
    ]);
  });

  it('Slack’s Retry-After is honoured when longer than the back-off', async () => {
    const world = serviceWorld();
    await world.file();
    world.sender.failWith({ kind: 'transient', code: 'ratelimited', afterMs: 30_000 });
    await deliverDue(world);
    expect((await owed(world))[0]).toMatchObject({ retryInMs: 30_000 });
  });

  it('an error an admin must fix is kept and retried later, less often; never dropped', async () => {
    const world = serviceWorld();
    await world.file();
    world.sender.failWith({ kind: 'admin', code: 'not_in_channel' }, 4);
    const delays: number[] = [];
    for (let attempt = 1; attempt <= 4; attempt += 1) {
      await deliverDue(world);
      const [head] = await owed(world);
      expect(head).toMatchObject({ kind: 'approval_post', attempts: attempt, lastError: 'not_in_channel' });
      delays.push(head?.retryInMs ?? 0);
      world.clock.advance(head?.retryInMs ?? 0);
    }
    // At least four times the base delay, then doubling (up to an hour).
    expect(delays).toEqual([4_000, 4_000, 4_000, 8_000]);
    await deliverDue(world);
    expect(world.sender.delivered()).toEqual(['approval_post', 'requester_filed']);
  });

  it('a notice Slack refuses as ours (a bug) stays owed and blocks only its own lane', async () => {
    const world = serviceWorld();
    const a = await world.file();
    const b = await world.file();
    world.sender.failWith({ kind: 'ours', code: 'invalid_blocks' }, 100, (n) => n.kind === 'approval_post');
    world.sender.failWith({ kind: 'ours', code: 'invalid_blocks' }, 1);
    await deliverDue(world);
    const lanes = (await world.store.owedNotices()).map((o) => `${o.lane}:${o.notice.kind}`);
    expect(lanes).toEqual([
      `${a}:approval_post`,
      `${a}:requester_filed`,
      `${b}:approval_post`,
      `${b}:requester_filed`,
    ]);
    expect(world.sender.sent.every((s) => s.failed)).toBe(true);
  });

  it('the channel lane (quota alerts) is delivered beside request lanes', async () => {
    const world = serviceWorld({ monthlyLimit: 1 });
    await world.decisions.approve(await world.file(), APPROVER);
    await world.quotaSync.checkAlerts();
    await deliverDue(world);
    expect(world.sender.delivered({ withLane: true })).toContain('_channel:quota_alert');
    expect(await world.store.owedNotices()).toEqual([]);
  });
});

describe('NoticeDelivery under faults (issue 25)', () => {
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  /** A world on real time (the pauses here are real), delivering in the background. */
  function running(sender: NoticeSender, store = new MemoryStore()) {
    const delivery = new NoticeDelivery({
      store,
      sender,
      quota: async () => QUOTA,
      log: silentLogger,
      baseDelayMs: 50,
      pollMs: 20,
    });
    return { store, delivery };
  }

  it('E15: a store that cannot record a delivery pauses delivery with back-off: one send, not a loop', async () => {
    const store = new MemoryStore();
    const sends: { maybePosted: boolean }[] = [];
    const sender: NoticeSender = {
      async send(_notice, _request, _quota, _group, attempt) {
        sends.push({ maybePosted: attempt?.maybePosted ?? false });
        // Slack took it; the disk fills before the store records it.
        if (sends.length === 1) store.failWrites(4);
        return {};
      },
      classify: () => ({ kind: 'transient', code: 'x' }),
    };
    const { delivery } = running(sender, store);
    await store.create('2026-12', (id) => aRequest(id), [{ kind: 'decision_note' }]);
    delivery.start();
    await sleep(400);
    // Writes fail 4 times: the first send's record, then the back-off (50, 100, 200 ms…) spaces the rest.
    expect(sends.length).toBeLessThanOrEqual(4);
    await sleep(1500);
    await delivery.stop();
    expect(await store.owedNotices()).toEqual([]);
    // Every attempt after the first knew that one may have posted (the real sender looks in Slack).
    expect(sends.slice(1).every((s) => s.maybePosted)).toBe(true);
    expect(sends[0]?.maybePosted).toBe(false);
  });

  it('E18: a send that never ends holds only its own lane; stop waits at most its timeout', async () => {
    const hung: string[] = [];
    const sender: NoticeSender = {
      async send(notice, request) {
        if (request?.reason === 'HANG') {
          hung.push(notice.kind);
          return new Promise(() => undefined);
        }
        return {};
      },
      classify: () => ({ kind: 'transient', code: 'x' }),
    };
    const { store, delivery } = running(sender);
    await store.create('2026-12', (id) => aRequest(id, { reason: 'HANG' }), [{ kind: 'decision_note' }]);
    delivery.start();
    await sleep(50);
    const others = await Promise.all(
      [1, 2, 3, 4, 5].map(() => store.create('2026-12', (id) => aRequest(id), [{ kind: 'decision_note' }])),
    );
    await sleep(400);
    const left = (await store.owedNotices()).map((o) => o.lane);
    expect(hung).toEqual(['decision_note']);
    expect(left.filter((lane) => others.some((o) => o.id === lane))).toEqual([]);
    const before = Date.now();
    await delivery.stop(200);
    expect(Date.now() - before).toBeLessThan(1000);
  });

  it('a notice is not posted once its claim may run out before the call could end', async () => {
    const tried: boolean[] = [];
    const sender: NoticeSender = {
      async send(_notice, _request, _quota, _group, attempt) {
        await sleep(150);
        tried.push(attempt?.mayPost() ?? true);
        return {};
      },
      classify: () => ({ kind: 'transient', code: 'x' }),
    };
    const store = new MemoryStore();
    // Claims of 2.2 s with calls of up to 100 ms: a post may start up to 100 ms after the claim.
    const delivery = new NoticeDelivery({
      store,
      sender,
      quota: async () => QUOTA,
      log: silentLogger,
      claimMs: 2_200,
      callTimeoutMs: 100,
    });
    await store.create('2026-12', (id) => aRequest(id), [{ kind: 'decision_note' }]);
    delivery.start();
    await sleep(300);
    await delivery.stop();
    expect(tried[0]).toBe(false);
  });
});
