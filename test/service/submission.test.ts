import { describe, expect, it } from 'vitest';
import { httpError, outcomeUnknown } from '../../src/liveperson/liveperson-error.js';
import {
  APPROVER,
  deliverDue,
  lpRecord,
  serviceWorld,
  type ServiceWorld,
} from '../support/service-fixture.js';

const kinds = async (world: ServiceWorld, lane: string) =>
  (await world.store.owedNotices()).filter((o) => o.lane === lane).map((o) => o.notice.kind);

/** The failure facts the thread post and the requester's DM owed for `lane` carry (the same for both). */
async function failureFacts(world: ServiceWorld, lane: string): Promise<unknown> {
  const owed = (await world.store.owedNotices()).filter((o) => o.lane === lane).map((o) => o.notice);
  const post = owed.find((n) => n.kind === 'failure_post');
  const dm = owed.find((n) => n.kind === 'requester_outcome');
  // Facts only: the words are chosen when Slack is told (src/slack), never stored by the service.
  expect(post).not.toHaveProperty('what');
  expect(dm).not.toHaveProperty('what');
  expect(dm).toEqual({ kind: 'requester_outcome', failure: (post as { failure?: unknown }).failure });
  return (post as { failure?: unknown }).failure;
}

/** Files a request and delivers its filing notices, so the lane holds only what the decision causes. */
async function filed(world: ServiceWorld): Promise<string> {
  const id = await world.file();
  await deliverDue(world);
  return id;
}

describe('Submission: what LivePerson answered', () => {
  it('201: submitted with LivePerson’s record; the record, the approval update and the requester are owed', async () => {
    const world = serviceWorld();
    const id = await filed(world);
    const outcome = await world.decisions.approve(id, APPROVER);
    expect(outcome).toMatchObject({
      ok: true,
      request: { status: 'submitted', lpRecord: { requestId: 'lp-1' } },
    });
    const request = await world.store.get(id);
    expect(request?.history.map((h) => h.event)).toEqual([
      'filed',
      'posted_for_approval',
      'approved',
      'submitted',
    ]);
    // The approve's approval_update collapses with the submission's: one re-render of the latest state.
    expect(await kinds(world, id)).toEqual(['approval_update', 'record_post', 'requester_outcome']);
    expect((await world.quota.report()).used).toBe(1);
    expect(world.lp.calls[0]).toEqual({ op: 'create', args: ['conversation', [request?.ids[0]]] });
  });

  it('4xx: failed with the facts of LivePerson’s answer, and the quota unit is given back', async () => {
    const world = serviceWorld();
    const id = await filed(world);
    world.lp.createAnswer = () => httpError('create', 400, 'bad id');
    await world.decisions.approve(id, APPROVER);
    const request = await world.store.get(id);
    expect(request).toMatchObject({ status: 'failed' });
    // No words in the request either: earlier versions' `message` is not written any more.
    expect(request?.failure).toEqual({ code: 'LP_BAD_REQUEST', httpStatus: 400 });
    expect(await kinds(world, id)).toEqual(['approval_update', 'failure_post', 'requester_outcome']);
    expect(await failureFacts(world, id)).toEqual({
      code: 'LP_BAD_REQUEST',
      httpStatus: 400,
      operation: 'create',
      detail: 'bad id',
    });
    expect((await world.quota.report()).used).toBe(0);
  });

  it('429: failed, and the month is marked spent whatever the count says', async () => {
    const world = serviceWorld();
    const id = await filed(world);
    world.lp.createAnswer = () => httpError('create', 429);
    await world.decisions.approve(id, APPROVER);
    expect((await world.store.get(id))?.failure?.code).toBe('LP_QUOTA_REACHED');
    expect(await failureFacts(world, id)).toEqual({
      code: 'LP_QUOTA_REACHED',
      httpStatus: 429,
      operation: 'create',
    });
    expect(await world.quota.report()).toMatchObject({ spent: true, remaining: 0 });
  });

  it('LP_OUTCOME_UNKNOWN: outcome_unknown and still counted (LivePerson may hold it)', async () => {
    const world = serviceWorld();
    const id = await filed(world);
    world.lp.createAnswer = () => outcomeUnknown('create', 502, 'answered 502');
    await world.decisions.approve(id, APPROVER);
    expect(await world.store.get(id)).toMatchObject({
      status: 'outcome_unknown',
      failure: { code: 'LP_OUTCOME_UNKNOWN' },
    });
    expect(await failureFacts(world, id)).toEqual({
      code: 'LP_OUTCOME_UNKNOWN',
      httpStatus: 502,
      operation: 'create',
    });
    expect((await world.quota.report()).used).toBe(1);
  });

  it('anything else thrown: outcome_unknown as UNEXPECTED (it may exist), still counted', async () => {
    const world = serviceWorld();
    const id = await filed(world);
    world.lp.createAnswer = () => new TypeError('cannot read properties of undefined');
    await world.decisions.approve(id, APPROVER);
    const request = await world.store.get(id);
    expect(request).toMatchObject({ status: 'outcome_unknown' });
    expect(request?.failure).toEqual({ code: 'UNEXPECTED' });
    expect(await failureFacts(world, id)).toEqual({ code: 'UNEXPECTED' });
    expect((await world.quota.report()).used).toBe(1);
  });
});

/** lp-delete's own `requested_by`, as LivePerson's answers to its creates show it. */
const US = 'lp-delete-key';

describe('Submission.recover: a submission cut off is looked up, never re-sent', () => {
  /**
   * A request left `submitting` by a process that is gone, after it saved its attempt: a new world over
   * the same data. A first request was answered before (so lp-delete knows its requested_by).
   */
  async function orphaned(): Promise<{ world: ServiceWorld; id: string; approvedAt: Date }> {
    const before = serviceWorld();
    before.lp.createAnswer = () =>
      lpRecord('lp-warm', { requestedBy: US, requestTime: before.clock.now().toISOString() });
    const warm = await before.file();
    await before.decisions.approve(warm, APPROVER);
    before.clock.advance(60_000);
    const id = await before.file();
    const approvedAt = before.clock.now();
    await before.store.update(id, (r) => ({
      value: undefined,
      request: {
        ...r!,
        status: 'submitting',
        quotaMonth: '2026-12',
        decision: { outcome: 'approved', by: APPROVER, at: approvedAt.toISOString() },
        attempt: { startedAt: approvedAt.toISOString(), by: 'gone' },
      },
    }));
    const world = serviceWorld({ store: await before.store.reopen() });
    world.clock.set(approvedAt);
    world.clock.advance(60_000);
    world.lp.listed = [lpRecord('lp-warm', { requestedBy: US, requestTime: around(approvedAt, -60_000) })];
    expect((await world.store.orphanedSubmissions()).map((r) => r.id)).toEqual([id]);
    return { world, id, approvedAt };
  }
  const around = (at: Date, ms: number) => new Date(at.getTime() + ms).toISOString();
  const ours = (id: string, at: string) => lpRecord(id, { requestedBy: US, requestTime: at });

  it('exactly one unclaimed record of ours in the attempt’s window completes the request', async () => {
    const { world, id, approvedAt } = await orphaned();
    world.lp.listed.push(
      ours('lp-match', around(approvedAt, 2_000)),
      // Another tool's request (another requested_by) is never ours, whenever it was made.
      lpRecord('lp-other-tool', { requestedBy: 'another-tool', requestTime: around(approvedAt, 1_000) }),
    );
    await world.submission.recover();
    expect(await world.store.get(id)).toMatchObject({
      status: 'submitted',
      lpRecord: { requestId: 'lp-match' },
    });
    expect(await kinds(world, id)).toContain('record_post');
    expect(world.lp.created()).toBe(0);
  });

  it('the only record in the window made by another tool is not attached (issue 25, E10)', async () => {
    const { world, id, approvedAt } = await orphaned();
    world.lp.listed.push(
      lpRecord('lp-other-tool', { requestedBy: 'another-tool', requestTime: around(approvedAt, 1_000) }),
    );
    await world.submission.recover();
    const request = await world.store.get(id);
    expect(request?.status).toBe('outcome_unknown');
    expect(request?.lpRecord).toBeUndefined();
  });

  it('a same-key record no attempt of ours explains makes every match unprovable', async () => {
    const { world, id, approvedAt } = await orphaned();
    world.lp.listed.push(
      ours('lp-match', around(approvedAt, 2_000)),
      ours('lp-unexplained', around(approvedAt, -3_600_000)),
    );
    await world.submission.recover();
    expect((await world.store.get(id))?.status).toBe('outcome_unknown');
  });

  it('no match: outcome unknown with exactly what to compare; nothing re-sent', async () => {
    const { world, id, approvedAt } = await orphaned();
    await world.submission.recover();
    const request = await world.store.get(id);
    expect(request).toMatchObject({ status: 'outcome_unknown' });
    expect(request?.failure).toEqual({ code: 'INTERRUPTED' });
    const facts = (await failureFacts(world, id)) as { check: { from: string; requestedBy: string } };
    expect(facts).toMatchObject({ code: 'INTERRUPTED', candidates: [], check: { requestedBy: US } });
    expect(Date.parse(facts.check.from)).toBeLessThanOrEqual(approvedAt.getTime());
    expect(world.lp.created()).toBe(0);
    expect((await world.quota.report()).used).toBe(2);
  });

  it('several matches: outcome unknown naming them; a second recover says nothing new', async () => {
    const { world, id, approvedAt } = await orphaned();
    world.lp.listed.push(ours('lp-a', around(approvedAt, 1_000)), ours('lp-b', around(approvedAt, 3_000)));
    await world.submission.recover();
    expect((await world.store.get(id))?.status).toBe('outcome_unknown');
    const facts = (await failureFacts(world, id)) as { code: string; candidates: string[] };
    expect(facts.code).toBe('INTERRUPTED');
    expect([...facts.candidates].sort()).toEqual(['lp-a', 'lp-b']);
    const owedBefore = (await world.store.owedNotices()).length;
    await world.submission.recover();
    expect((await world.store.owedNotices()).length).toBe(owedBefore);
  });

  it('a record another stored request already claims is not a match', async () => {
    const { world, id, approvedAt } = await orphaned();
    world.lp.listed = [ours('lp-warm', around(approvedAt, 1_000))];
    await world.submission.recover();
    expect((await world.store.get(id))?.status).toBe('outcome_unknown');
  });

  it('LivePerson unreachable while looking: outcome unknown, looked up again later, then completed', async () => {
    const { world, id, approvedAt } = await orphaned();
    world.lp.listError = new Error('unreachable');
    await world.submission.recover();
    expect((await world.store.get(id))?.status).toBe('outcome_unknown');
    // null: LivePerson could not be asked (not: it listed nothing).
    expect(await failureFacts(world, id)).toEqual({ code: 'INTERRUPTED', candidates: null });
    world.lp.listError = undefined;
    world.lp.listed.push(ours('lp-late', around(approvedAt, 500)));
    await world.submission.recover();
    expect(await world.store.get(id)).toMatchObject({
      status: 'submitted',
      lpRecord: { requestId: 'lp-late' },
    });
  });

  it('an LP_OUTCOME_UNKNOWN create is reconciled by a later recover when LivePerson lists it', async () => {
    const world = serviceWorld();
    world.lp.createAnswer = () =>
      lpRecord('lp-warm', { requestedBy: US, requestTime: world.clock.now().toISOString() });
    const warm = await filed(world);
    await world.decisions.approve(warm, APPROVER);
    world.clock.advance(60_000);
    const id = await filed(world);
    world.lp.createAnswer = () => outcomeUnknown('create', 504, 'timed out');
    await world.decisions.approve(id, APPROVER);
    world.lp.listed = [
      ours('lp-warm', around(world.clock.now(), -60_000)),
      ours('lp-found', world.clock.now().toISOString()),
    ];
    world.clock.advance(1_000);
    await world.submission.recover();
    expect(await world.store.get(id)).toMatchObject({
      status: 'submitted',
      lpRecord: { requestId: 'lp-found' },
    });
    expect(world.lp.created()).toBe(2);
  });

  it('a request approved but never sent (no attempt saved) is sent once, not looked up', async () => {
    const before = serviceWorld();
    const id = await before.file();
    await before.store.update(id, (r) => ({
      value: undefined,
      request: { ...r!, status: 'submitting', unsent: true, quotaMonth: '2026-12' },
    }));
    const world = serviceWorld({ store: await before.store.reopen() });
    await world.submission.recover();
    await world.submission.idle(1_000);
    expect(await world.store.get(id)).toMatchObject({ status: 'submitted' });
    expect(world.lp.created()).toBe(1);
    await world.submission.recover();
    expect(world.lp.created()).toBe(1);
  });
});

describe('Submission: status changes are one-way (issue 25, E2)', () => {
  it('a late failure never overwrites a request already completed', async () => {
    const world = serviceWorld();
    const id = await filed(world);
    world.lp.create = async () => {
      // Completed meanwhile (another replica reconciled it), then this create's answer is lost.
      await world.store.update(id, (r) => ({
        value: undefined,
        request: { ...r!, status: 'submitted', lpRecord: lpRecord('lp-reconciled') },
      }));
      throw outcomeUnknown('create', 504, 'timed out');
    };
    await world.decisions.approve(id, APPROVER);
    expect(await world.store.get(id)).toMatchObject({
      status: 'submitted',
      lpRecord: { requestId: 'lp-reconciled' },
    });
    expect(await kinds(world, id)).not.toContain('failure_post');
  });

  it('a reconciliation never overwrites a completion that arrived while it looked', async () => {
    const world = serviceWorld();
    world.lp.createAnswer = () =>
      lpRecord('lp-warm', { requestedBy: US, requestTime: world.clock.now().toISOString() });
    const warm = await filed(world);
    await world.decisions.approve(warm, APPROVER);
    const id = await filed(world);
    world.lp.createAnswer = () => outcomeUnknown('create', 504, 'timed out');
    await world.decisions.approve(id, APPROVER);
    const list = world.lp.list.bind(world.lp);
    world.lp.list = async (filter) => {
      // The request is completed (its own record) while the reconciler reads LivePerson's list.
      await world.submission.completed(id, lpRecord('lp-own', { requestedBy: US }), {
        kind: 'lp_request',
        requestId: 'lp-own',
      });
      return [
        ...(await list(filter)),
        lpRecord('lp-stranger', { requestedBy: US, requestTime: world.clock.now().toISOString() }),
      ];
    };
    await world.submission.recover();
    expect((await world.store.get(id))?.lpRecord?.requestId).toBe('lp-own');
  });
});
