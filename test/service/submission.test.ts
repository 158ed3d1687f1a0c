import { describe, expect, it } from 'vitest';
import { httpError, outcomeUnknown } from '../../src/liveperson/errors.js';
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
    const outcome = await world.service.approve(id, APPROVER);
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
    await world.service.approve(id, APPROVER);
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
    await world.service.approve(id, APPROVER);
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
    await world.service.approve(id, APPROVER);
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
    await world.service.approve(id, APPROVER);
    const request = await world.store.get(id);
    expect(request).toMatchObject({ status: 'outcome_unknown' });
    expect(request?.failure).toEqual({ code: 'UNEXPECTED' });
    expect(await failureFacts(world, id)).toEqual({ code: 'UNEXPECTED' });
    expect((await world.quota.report()).used).toBe(1);
  });
});

describe('Submission.recover: a submission cut off is looked up, never re-sent', () => {
  /** A request left `submitting` by a process that is gone: a new world over the same data. */
  async function orphaned(): Promise<{ world: ServiceWorld; id: string; approvedAt: Date }> {
    const before = serviceWorld();
    const id = await before.file();
    const approvedAt = before.clock.now();
    await before.store.update(id, (r) => ({
      value: undefined,
      request: {
        ...r!,
        status: 'submitting',
        quotaMonth: '2026-12',
        decision: { outcome: 'approved', by: APPROVER, at: approvedAt.toISOString() },
      },
    }));
    const world = serviceWorld({ store: await before.store.reopen() });
    world.clock.advance(60_000);
    expect((await world.store.orphanedSubmissions()).map((r) => r.id)).toEqual([id]);
    return { world, id, approvedAt };
  }
  const around = (at: Date, ms: number) => new Date(at.getTime() + ms).toISOString();

  it('exactly one unclaimed match in LivePerson’s list completes the request', async () => {
    const { world, id, approvedAt } = await orphaned();
    world.lp.listed = [
      lpRecord('lp-match', { requestTime: around(approvedAt, 2_000) }),
      lpRecord('lp-long-before', { requestTime: around(approvedAt, -3_600_000) }),
    ];
    await world.service.submission.recover();
    expect(await world.store.get(id)).toMatchObject({
      status: 'submitted',
      lpRecord: { requestId: 'lp-match' },
    });
    expect(await kinds(world, id)).toContain('record_post');
    expect(world.lp.created()).toBe(0);
  });

  it('no match: outcome unknown with what to check; nothing re-sent', async () => {
    const { world, id } = await orphaned();
    await world.service.submission.recover();
    const request = await world.store.get(id);
    expect(request).toMatchObject({ status: 'outcome_unknown' });
    expect(request?.failure).toEqual({ code: 'INTERRUPTED' });
    expect(await failureFacts(world, id)).toEqual({ code: 'INTERRUPTED', candidates: [] });
    expect(world.lp.created()).toBe(0);
    expect((await world.quota.report()).used).toBe(1);
  });

  it('several matches: outcome unknown naming them; a second recover says nothing new', async () => {
    const { world, id, approvedAt } = await orphaned();
    world.lp.listed = [
      lpRecord('lp-a', { requestTime: around(approvedAt, 1_000) }),
      lpRecord('lp-b', { requestTime: around(approvedAt, -1_000) }),
    ];
    await world.service.submission.recover();
    expect((await world.store.get(id))?.status).toBe('outcome_unknown');
    const facts = (await failureFacts(world, id)) as { code: string; candidates: string[] };
    expect(facts.code).toBe('INTERRUPTED');
    expect([...facts.candidates].sort()).toEqual(['lp-a', 'lp-b']);
    const owedBefore = (await world.store.owedNotices()).length;
    await world.service.submission.recover();
    expect((await world.store.owedNotices()).length).toBe(owedBefore);
    expect(world.lp.created()).toBe(0);
  });

  it('a record another stored request already claims is not a match', async () => {
    const { world, id, approvedAt } = await orphaned();
    const other = await world.file();
    await world.service.approve(other, APPROVER);
    const claimed = (await world.store.get(other))?.lpRecord?.requestId ?? '';
    world.lp.listed = [lpRecord(claimed, { requestTime: around(approvedAt, 1_000) })];
    await world.service.submission.recover();
    expect((await world.store.get(id))?.status).toBe('outcome_unknown');
    expect(world.lp.created()).toBe(1); // the other request's own submission only
  });

  it('LivePerson unreachable while looking: outcome unknown, looked up again later, then completed', async () => {
    const { world, id, approvedAt } = await orphaned();
    world.lp.listError = new Error('unreachable');
    await world.service.submission.recover();
    expect((await world.store.get(id))?.status).toBe('outcome_unknown');
    // null: LivePerson could not be asked (not: it listed nothing).
    expect(await failureFacts(world, id)).toEqual({ code: 'INTERRUPTED', candidates: null });
    world.lp.listError = undefined;
    world.lp.listed = [lpRecord('lp-late', { requestTime: around(approvedAt, 500) })];
    await world.service.submission.recover();
    expect(await world.store.get(id)).toMatchObject({
      status: 'submitted',
      lpRecord: { requestId: 'lp-late' },
    });
    expect(world.lp.created()).toBe(0);
  });

  it('an LP_OUTCOME_UNKNOWN create is reconciled by a later recover when LivePerson lists it', async () => {
    const world = serviceWorld();
    const id = await filed(world);
    world.lp.createAnswer = () => outcomeUnknown('create', 504, 'timed out');
    await world.service.approve(id, APPROVER);
    world.lp.listed = [lpRecord('lp-found', { requestTime: world.clock.now().toISOString() })];
    await world.service.submission.recover();
    expect(await world.store.get(id)).toMatchObject({
      status: 'submitted',
      lpRecord: { requestId: 'lp-found' },
    });
    expect(world.lp.created()).toBe(1);
  });
});
