import { afterEach, describe, expect, it } from 'vitest';
import { createMsgHistoryClient } from '../../src/liveperson/history/msg-history-client.js';
import { startHistorySandbox, type HistorySandbox } from '../../sandbox/history/history-standalone.js';
import { silentLogger } from '../../src/log.js';
import { PersonErasure } from '../../src/service/person-erasure.js';
import {
  ACCOUNT_ID,
  NOW,
  PERSON,
  bearerConnection,
  daysAgo,
  leaks,
  recorder,
  seedPerson,
} from '../liveperson/history/fixtures.js';
import { APPROVER, REQUESTER, serviceWorld, type ServiceWorld } from '../support/service-fixture.js';

/*
 * Erasing a person at the service level: the search runs against the history stand-in over HTTP, the plan
 * is filed through Filing into the memory store, as the app wires it.
 */

let running: HistorySandbox[] = [];
afterEach(async () => {
  await Promise.all(running.map((r) => r.close()));
  running = [];
});

async function setUp(): Promise<{ world: ServiceWorld; sandbox: HistorySandbox; person: PersonErasure }> {
  const sandbox = await startHistorySandbox({ accountId: ACCOUNT_ID, now: () => NOW });
  running.push(sandbox);
  const world = serviceWorld({ at: NOW.toISOString() });
  const person = new PersonErasure({
    filing: world.filing,
    quota: world.quota,
    store: world.store,
    directory: { approvers: async () => new Set([APPROVER, REQUESTER]), requesters: async () => null },
    history: { msgHist: createMsgHistoryClient(bearerConnection(sandbox.url, recorder())) },
    chatHistory: false,
    timeZone: 'Europe/Berlin',
    now: world.clock.now,
    log: silentLogger,
  });
  return { world, sandbox, person };
}

/** Starts and runs a search by REQUESTER, as the result view shows it. */
async function searched(person: PersonErasure, identifier: string = PERSON.email) {
  const started = await person.start(REQUESTER, identifier);
  if (!started.ok) throw new Error(started.code);
  const outcome = await person.search(started.search);
  if (!outcome.ok) throw new Error(`search failed: ${outcome.code}`);
  return { token: started.search.token, ...outcome };
}

const choice = (token: string, consumers: string[] = [], ticked: string[] = []) => ({
  token,
  userId: REQUESTER,
  reason: 'DSR-42',
  ticked,
  consumers,
});

const sorted = (ids: readonly string[]) => [...ids].sort();

describe('PersonErasure: search, plan, filing', () => {
  it('files what the search found under one approval; the open conversation is held back, the mention left out', async () => {
    const { world, sandbox, person } = await setUp();
    const seeded = seedPerson(sandbox);
    const { token, result, outcome } = await searched(person);
    expect(result.namesakes).toBe(false);
    expect(outcome).toMatchObject({ ok: true, plan: { heldBack: [seeded.open.conversationId] } });

    const filed = await person.file(choice(token));
    if (!filed.ok) throw new Error(filed.code);
    const lead = filed.request;
    expect(lead).toMatchObject({
      status: 'pending_approval',
      requestedBy: REQUESTER,
      reason: 'DSR-42',
      subjectKind: 'email',
      subjectRequestedOn: '2026-11-20',
      group: { index: 0, size: 2, heldBack: [seeded.open.conversationId] },
    });
    const parts = await Promise.all((lead.group?.members ?? []).map((id) => world.store.get(id)));
    expect(parts.map((p) => [p?.type, sorted(p?.ids ?? [])])).toEqual([
      ['consumer', [PERSON.consumerId]],
      ['conversation', sorted(seeded.closed.map((c) => c.conversationId))],
    ]);
    const filedIds = parts.flatMap((p) => p?.ids ?? []);
    expect(filedIds).not.toContain(seeded.open.conversationId);
    expect(filedIds).not.toContain(seeded.mention.conversationId);
    // One approval message for the group, and nothing of the person's data kept beside the ids.
    expect((await world.store.owedNotices()).map((o) => o.notice.kind)).toEqual([
      'approval_post',
      'requester_filed',
    ]);
    expect(leaks(await world.store.listOpen())).toEqual([]);
    expect(await world.store.searches.get(token)).toMatchObject({ state: 'filed', requestId: lead.id });
  });

  it('a second submission of the same search files nothing more, also when both arrive at once', async () => {
    const { world, sandbox, person } = await setUp();
    seedPerson(sandbox);
    const { token } = await searched(person);
    const both = await Promise.all([person.file(choice(token)), person.file(choice(token))]);
    expect(both.filter((o) => o.ok)).toHaveLength(1);
    expect(both.find((o) => !o.ok)).toMatchObject({ ok: false, code: 'SEARCH_USED' });
    expect(await person.file(choice(token))).toMatchObject({ ok: false, code: 'SEARCH_USED' });
    const leads = (await world.store.listOpen()).filter((r) => r.group?.index === 0);
    expect(leads).toHaveLength(1);
    expect(await world.store.listOpen()).toHaveLength(2);
  });

  it('namesakes: nothing is filed until consumers are chosen, then only theirs', async () => {
    const { world, sandbox, person } = await setUp();
    const seeded = seedPerson(sandbox);
    const namesake = 'c0ffee00-0000-4000-8000-000000000002';
    const other = sandbox.addConversation({
      status: 'CLOSE',
      startTime: daysAgo(60),
      consumer: { participantId: namesake },
      personalInfo: [PERSON.email],
    });
    const { token, result, outcome } = await searched(person);
    expect(result.namesakes).toBe(true);
    expect(result.consumers.map((c) => c.consumerId)).toEqual([PERSON.consumerId, namesake]);
    // Nothing of either is in the plan the view starts with.
    expect(outcome).toMatchObject({ ok: false, code: 'nothing_to_delete' });

    expect(await person.file(choice(token))).toMatchObject({ ok: false, code: 'NOTHING_TO_DELETE' });
    expect(await world.store.months()).toEqual([]);

    // Given back: the officer ticks the one consumer who is the data subject.
    const filed = await person.file(choice(token, [PERSON.consumerId]));
    if (!filed.ok) throw new Error(filed.code);
    expect(filed.request).toMatchObject({ namesakes: { matched: 2, chosen: 1 } });
    const ids = (
      await Promise.all((filed.request.group?.members ?? []).map((id) => world.store.get(id)))
    ).flatMap((p) => p?.ids ?? []);
    expect(ids).toContain(PERSON.consumerId);
    expect(ids).not.toContain(namesake);
    expect(ids).not.toContain(other.conversationId);
    expect(sorted(ids.filter((id) => id !== PERSON.consumerId))).toEqual(
      sorted(seeded.closed.map((c) => c.conversationId)),
    );
  });

  it('a plan larger than what the month has left is refused and the search given back', async () => {
    const { world, sandbox, person } = await setUp();
    seedPerson(sandbox);
    const { token } = await searched(person);
    // Nine sent this month leave one of ten, and the plan needs two.
    for (let i = 0; i < 9; i++)
      await world.decisions.approve(await world.file({ reason: `DSR-${i}` }), APPROVER);
    expect(world.lp.created()).toBe(9);
    expect(await person.file(choice(token))).toMatchObject({ ok: false, code: 'QUOTA_SHORT', needed: 2 });
    expect(await world.store.searches.get(token)).toMatchObject({ state: 'found' });
  });
});
