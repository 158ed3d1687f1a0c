import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/log.js';
import type { SearchFindings } from '../../src/domain/person-search-rules.js';
import { PersonErasure } from '../../src/service/person-erasure.js';
import { SEARCH_TTL_MS, SEARCHES_KEPT, startSearch } from '../../src/service/person-search-runs.js';
import {
  APPROVER,
  REQUESTER,
  STRANGER,
  serviceWorld,
  type ServiceWorld,
} from '../support/service-fixture.js';

/**
 * A person search's life in the store (issue 19), on the memory store that keeps the file and PostgreSQL
 * stores' rules: who may start one, one at a time, a token filed once by its searcher, expiry and purge.
 */

const CONSUMER = '6f9619ff-8b86-d011-b42d-00cf4fc964ff';
const CONVERSATION = '0345bf7d-08dc-4e61-8a11-e566e3bcd787';
const unused = () => Promise.reject(new Error('no LivePerson in this test'));

function erasure(world: ServiceWorld, requesters: string[] | null = null) {
  const directory = {
    approvers: async () => new Set([APPROVER, REQUESTER]),
    requesters: async () => (requesters ? new Set(requesters) : null),
  };
  return {
    directory,
    person: new PersonErasure({
      filing: world.filing,
      quota: world.quota,
      store: world.store,
      directory,
      history: {
        msgHist: { searchConversations: unused, conversationsByConsumer: unused, conversationsByIds: unused },
      },
      chatHistory: false,
      timeZone: 'Europe/Berlin',
      now: world.clock.now,
      log: silentLogger,
    }),
  };
}

const findings: SearchFindings = {
  consumers: [
    {
      consumerId: CONSUMER,
      channel: 'messaging',
      closedConversationIds: [CONVERSATION],
      openConversationIds: [],
    },
  ],
  namesakes: false,
  consumerIds: [CONSUMER],
  closedConversationIds: [CONVERSATION],
  openConversationIds: [],
  chatEngagementIds: [],
  keywordOnly: [],
};

/** A search by `userId` that found `found` (as PersonErasure.search leaves it). */
async function foundSearch(world: ServiceWorld, person: PersonErasure, userId = REQUESTER, found = findings) {
  const started = await person.start(userId, 'ada.lovelace@example.org');
  if (!started.ok) throw new Error(started.code);
  await world.store.searches.change(started.search.token, (s) => ({
    value: undefined,
    ...(s ? { search: { ...s, state: 'found' as const, result: found } } : {}),
  }));
  return started.search.token;
}

const choice = (token: string, userId = REQUESTER) => ({
  token,
  userId,
  reason: 'DSR-1',
  ticked: [],
  consumers: [],
});

describe('starting a person search', () => {
  it('keeps the kind of identifier, never the identifier; the cleaned value goes to the search only', async () => {
    const world = serviceWorld();
    const { person } = erasure(world);
    const started = await person.start(REQUESTER, ' ada.lovelace@\u200Bexample.org ');
    expect(started).toMatchObject({
      ok: true,
      search: { identifier: 'ada.lovelace@example.org', kind: 'email' },
    });
    const token = started.ok ? started.search.token : '';
    expect(token).toMatch(/^[0-9a-f]{32}$/);
    const stored = await world.store.searches.get(token);
    expect(stored).toMatchObject({ userId: REQUESTER, identifierKind: 'email', state: 'running' });
    expect(JSON.stringify(stored)).not.toContain('lovelace');
  });

  it('one at a time: a running search refuses the next; a search whose view never opened does not', async () => {
    const world = serviceWorld();
    const { person } = erasure(world);
    const first = await person.start(REQUESTER, 'Jo Smith');
    expect(await person.start(REQUESTER, 'Jo Smith')).toMatchObject({ ok: false, code: 'SEARCH_BUSY' });
    if (first.ok) await person.abandon(first.search.token);
    expect(await person.start(REQUESTER, 'Jo Smith')).toMatchObject({ ok: true });
  });

  it('with a requester list, its people may search; others are refused before anything is stored', async () => {
    const world = serviceWorld();
    const { person } = erasure(world, [STRANGER]);
    expect(await person.start(STRANGER, 'Jo Smith')).toMatchObject({ ok: true });
    expect(await person.start(APPROVER, 'Jo Smith')).toMatchObject({ ok: false, code: 'NOT_REQUESTER' });
    expect(await person.start(STRANGER, '\u200B')).toMatchObject({ ok: false, code: 'IDENTIFIER_INVALID' });
  });

  it('five concurrent starts of one person: exactly one runs', async () => {
    const world = serviceWorld();
    const { directory } = erasure(world);
    const deps = { store: world.store, directory, now: world.clock.now, log: silentLogger };
    const all = await Promise.all(Array.from({ length: 5 }, () => startSearch(deps, REQUESTER, 'Jo Smith')));
    expect(all.filter((s) => s.ok)).toHaveLength(1);
  });
});

describe('filing a search', () => {
  it('files once: the searched findings, the kind kept, the findings dropped and the request noted', async () => {
    const world = serviceWorld();
    const { person } = erasure(world);
    const token = await foundSearch(world, person);
    const filed = await person.file(choice(token));
    expect(filed.ok).toBe(true);
    const request = filed.ok ? filed.request : undefined;
    expect(request).toMatchObject({ type: 'consumer', ids: [CONSUMER], subjectKind: 'email' });
    expect(request?.subject).toBeUndefined();
    expect(await world.store.searches.get(token)).toMatchObject({ state: 'filed', requestId: request?.id });
    expect((await world.store.searches.get(token))?.result).toBeUndefined();
    expect(await person.file(choice(token))).toMatchObject({ ok: false, code: 'SEARCH_USED', filing: false });
  });

  it('someone else’s token files nothing and leaves it to its searcher', async () => {
    const world = serviceWorld();
    const { person } = erasure(world);
    const token = await foundSearch(world, person);
    expect(await person.file(choice(token, APPROVER))).toMatchObject({ ok: false, code: 'SEARCH_NOT_YOURS' });
    expect(await person.file(choice(token))).toMatchObject({ ok: true });
  });

  it('a plan refused (nothing chosen of namesakes) gives the search back to choose again', async () => {
    const world = serviceWorld();
    const { person } = erasure(world);
    const token = await foundSearch(world, person, REQUESTER, { ...findings, namesakes: true });
    expect(await person.file(choice(token))).toMatchObject({ ok: false, code: 'NOTHING_TO_DELETE' });
    const filed = await person.file({ ...choice(token), consumers: [CONSUMER] });
    expect(filed).toMatchObject({ ok: true, request: { namesakes: { matched: 1, chosen: 1 } } });
  });

  it('expires after an hour; the purge removes the expired, then the oldest past the bound', async () => {
    const world = serviceWorld();
    const { person } = erasure(world);
    const token = await foundSearch(world, person);
    world.clock.advance(SEARCH_TTL_MS);
    expect(await person.file(choice(token))).toMatchObject({ ok: false, code: 'SEARCH_GONE' });
    expect(await person.purgeSearches()).toBe(1);
    expect(await world.store.searches.get(token)).toBeUndefined();
    expect(SEARCHES_KEPT).toBeGreaterThanOrEqual(100);
  });
});
