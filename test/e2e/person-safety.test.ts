import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp, type RunningApp } from '../../src/app.js';
import { createLivePersonClient } from '../../src/liveperson/client.js';
import { createLogger } from '../../src/log.js';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import {
  ACTION,
  BLOCK,
  CALLBACK,
  PERSON_ACTION,
  PERSON_BLOCK,
  PERSON_CALLBACK,
  consumersBlockId,
} from '../../src/slack/ids.js';
import { NOW, PERSON, daysAgo, seedPerson } from '../liveperson/history/fixtures.js';
import {
  APPROVER,
  APPROVER_2,
  Harness,
  OUTSIDER,
  REQUESTER,
  SIGNING_SECRET,
  approveButtonValue,
} from '../support/harness.js';
import { TestClock } from '../support/clock.js';
import type { FakeView } from '../support/fake-slack.js';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../support/postgres.js';
import {
  sendInteraction,
  viewSubmissionPayload,
  viewValue,
  type SlackResponse,
} from '../support/slack-request.js';

/**
 * Erasing a person safely (issue 19), end to end over signed HTTP: namesakes start unticked, only
 * approvers may search (without a requester list) and each search is logged without the identifier, at
 * most 5 searches per person per 10 minutes, a search token files once and only for its searcher, the
 * identifier is cleaned and never stored, and a search run on one replica is filed from another.
 */
describe('erasing a person safely (real app over signed HTTP, fake Slack, LivePerson sandbox)', () => {
  let h: Harness;
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
    await h.close();
  });

  /** The app's clock (the sandbox stays at NOW): the sweep's purge test moves it. */
  let clock: TestClock;
  async function start(options: { env?: Record<string, string> } = {}) {
    clock = new TestClock(NOW);
    h = await Harness.start({ now: clock.now, sandboxNow: () => NOW, history: { pageSize: 1 }, ...options });
    seedPerson(h.history!, 2);
  }

  /** `/lp-delete person …` by `user`; the result view once the search is done. */
  async function search(identifier: string, user = REQUESTER): Promise<FakeView> {
    const before = h.slack.views.length;
    const answer = await h.command(user, `person ${identifier}`);
    expect(answer.status).toBe(200);
    expect(answer.body).toBe('');
    const view = await h.slack.waitFor(() => h.slack.views[before]);
    await h.slack.waitFor(
      () => (view.view.callback_id === PERSON_CALLBACK.result ? true : undefined),
      15_000,
    );
    return view;
  }

  /** "Send for approval" on a result view, with the consumers and mentions ticked. */
  function submit(
    view: FakeView,
    options: { user?: string; consumers?: string[]; url?: string } = {},
  ): Promise<SlackResponse> {
    const values: Record<string, Record<string, unknown>> = {
      [PERSON_BLOCK.reason]: { [PERSON_ACTION.reason]: viewValue.text('DSR-2026-0999') },
    };
    if (options.consumers?.length) {
      values[consumersBlockId(0)] = {
        [PERSON_ACTION.consumers]: {
          type: 'checkboxes',
          selected_options: options.consumers.map((value) => ({
            text: { type: 'plain_text', text: value },
            value,
          })),
        },
      };
    }
    return sendInteraction(
      options.url ?? h.appUrl,
      SIGNING_SECRET,
      viewSubmissionPayload({
        user: options.user ?? REQUESTER,
        callbackId: PERSON_CALLBACK.result,
        privateMetadata: String(view.view.private_metadata ?? ''),
        triggerId: h.slack.issueTrigger(),
        viewId: view.id,
        values: values as never,
      }),
    );
  }

  const fieldError = (answer: SlackResponse): string => JSON.stringify(answer.body);
  const creates = () => h.lp.requests.map((r) => ({ type: r.type, ids: [...r.ids].sort() }));

  it('namesakes: two consumers of one name are listed unticked with their counts; with the defaults nothing of either is filed; the one ticked is filed alone, and the approver sees the count', async () => {
    await start();
    const jo = (participantId: string, days: number) =>
      h.history!.addConversation({
        status: 'CLOSE',
        startTime: daysAgo(days),
        consumer: { participantId, firstName: 'Jo', lastName: 'Smith' },
        personalInfo: ['Jo Smith'],
        messages: ['hello'],
      });
    const first = '1d6f1f8e-8c0e-4a57-9a7c-3f1f6a9b0a01';
    const second = '2e7a2a9f-9d1f-4b68-8b8d-4a2a7b0c1b02';
    const firsts = [jo(first, 30), jo(first, 90)];
    jo(second, 60);

    const view = await search('Jo Smith');
    const shown = JSON.stringify(view.view);
    expect(shown).toContain('2 different consumers match');
    expect(shown).toContain('Messaging · 2 conversations · ');
    expect(shown).toContain('Messaging · 1 conversation · ');
    expect(shown).toContain(PERSON_ACTION.consumers);
    expect(shown).not.toContain('initial_options');
    expect(shown).toContain('Nothing is chosen yet');
    expect(view.view.submit).toBeDefined();

    // The defaults: nothing ticked, nothing filed, the view stays open with the reason.
    const refused = await submit(view);
    expect(refused.status).toBe(200);
    expect(fieldError(refused)).toMatch(/Nothing to delete: nothing is chosen/);
    expect(h.approvalMessages()).toHaveLength(0);

    // One consumer ticked: only theirs is filed; the approver sees how many matched and how many were chosen.
    const answer = await submit(view, { consumers: [first] });
    expect(answer.body).toBe('');
    const message = await h.slack.waitFor(() => h.approvalMessages()[0]);
    expect(JSON.stringify(message.blocks)).toContain('2 different consumers match; 1 chosen');
    const requestId = approveButtonValue(message.blocks);
    await h.slack.waitFor(async () => ((await h.store.get(requestId))?.approvalMessage ? true : undefined));
    await h.click(APPROVER, ACTION.approve, requestId, message.ts);
    await h.slack.waitFor(() => (h.lp.requests.length === 2 ? true : undefined));
    expect(creates()).toEqual([
      { type: 'consumer', ids: [first] },
      { type: 'conversation', ids: firsts.map((c) => c.conversationId).sort() },
    ]);
    expect((await h.store.get(requestId))?.namesakes).toEqual({ matched: 2, chosen: 1 });
  });

  it('one consumer found through an email stays selected as before (no namesake choice)', async () => {
    await start();
    const view = await search(PERSON.email);
    const shown = JSON.stringify(view.view);
    expect(shown).not.toContain(PERSON_ACTION.consumers);
    expect(shown).not.toContain('consumers match');
    expect(shown).toContain('2 LivePerson requests');
  });

  it('a double submission files once; the token is the searcher’s alone', async () => {
    await start();
    const view = await search(PERSON.email);
    // Someone else replaying the token files nothing.
    const stolen = await submit(view, { user: APPROVER_2 });
    expect(fieldError(stolen)).toContain('run by someone else');
    // Two submissions at once (a double click): one files, the other is told it was sent already.
    const answers = await Promise.all([submit(view), submit(view)]);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    expect(answers.filter((a) => a.body === '')).toHaveLength(1);
    expect(fieldError(answers.find((a) => a.body !== '') ?? answers[0]!)).toMatch(
      /already sent for approval|being sent for approval/,
    );
    const message = await h.slack.waitFor(() => h.approvalMessages()[0]);
    // A replay later, after the first was filed, files nothing either.
    const replay = await submit(view);
    expect(fieldError(replay)).toContain('already sent for approval');
    expect(h.approvalMessages()).toHaveLength(1);
    const requestId = approveButtonValue(message.blocks);
    await h.slack.waitFor(async () => ((await h.store.get(requestId))?.approvalMessage ? true : undefined));
    await h.click(APPROVER, ACTION.approve, requestId, message.ts);
    await h.slack.waitFor(() => (h.lp.requests.length === 2 ? true : undefined));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(h.lp.requests).toHaveLength(2);
  });

  it('without a requester list a stranger’s search is refused; an approver’s is logged with who and what kind, never the identifier', async () => {
    await start();
    const refused = await h.command(OUTSIDER, `person ${PERSON.email}`);
    expect(refused.status).toBe(200);
    expect(JSON.stringify(refused.body)).toContain('Only approvers may search LivePerson for a person');
    expect(h.slack.views).toHaveLength(0);
    expect(h.history!.calls).toHaveLength(0);

    await search(PERSON.email);
    const started = h.logLines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(started).toContainEqual(
      expect.objectContaining({ event: 'person_search_started', user: REQUESTER, identifierKind: 'email' }),
    );
    expect(started).toContainEqual(
      expect.objectContaining({ event: 'person_search_refused', user: OUTSIDER, code: 'SEARCH_NOT_ALLOWED' }),
    );
    for (const line of h.logLines) {
      expect(line).not.toContain(PERSON.email);
      expect(line).not.toContain('ada.lovelace');
    }
  });

  it('6 searches in 10 minutes: the 6th is refused with when to search again; others may still search', async () => {
    await start();
    for (let i = 0; i < 5; i++) await search(PERSON.email);
    const sixth = await h.command(REQUESTER, `person ${PERSON.email}`);
    expect(JSON.stringify(sixth.body)).toContain(
      'You have run 5 person searches in the last 10 minutes, the most one person may. Nothing was searched. You can search again after 2026-11-20 12:10 UTC.',
    );
    expect(h.slack.views).toHaveLength(5);
    await search(PERSON.email, APPROVER);
  });

  it('an identifier with a zero-width space finds the person; the searching view shows the periods searched', async () => {
    await start();
    const view = await search(`ada.lovelace@\u200Bexample.org\u200D`);
    expect(JSON.stringify(view.view)).toContain('Closed conversations to delete*\\n4');
    const progress = view.history
      .map((v) => JSON.stringify(v))
      .filter((v) => /\d+ of \d+ periods searched/.test(v));
    expect(progress.length).toBeGreaterThan(0);
  });

  it('a bad identifier gets a clear error under the form’s field, and nothing is searched', async () => {
    await start();
    const formSearch = (text: string) =>
      h.interaction(
        viewSubmissionPayload({
          user: REQUESTER,
          callbackId: CALLBACK.requestModal,
          privateMetadata: '',
          triggerId: h.slack.issueTrigger(),
          values: {
            [BLOCK.type]: { [ACTION.type]: viewValue.select('person') },
            [BLOCK.ids]: { [ACTION.ids]: viewValue.text(text) },
            [BLOCK.moreIds]: { [ACTION.moreIds]: viewValue.text(null) },
            [BLOCK.reason]: { [ACTION.reason]: viewValue.text('DSR-1') },
          },
        }),
      );
    const long = await formSearch('x'.repeat(400));
    expect(long.body).toMatchObject({ response_action: 'errors' });
    expect((long.body as { errors: Record<string, string> }).errors[BLOCK.ids]).toContain(
      'longer than 320 characters',
    );
    const invisible = await formSearch('\u200B\u2060');
    expect((invisible.body as { errors: Record<string, string> }).errors[BLOCK.ids]).toContain(
      'invisible characters do not count',
    );
    expect(h.history!.calls).toHaveLength(0);
  });

  it('after filing, the identifier is nowhere in the data folder; the search files are owner-only; the sweep purges them after an hour', async () => {
    await start();
    const view = await search(PERSON.email);
    expect((await submit(view)).body).toBe('');
    const message = await h.slack.waitFor(() => h.approvalMessages()[0]);
    const requestId = approveButtonValue(message.blocks);
    await h.slack.waitFor(async () => ((await h.store.get(requestId))?.approvalMessage ? true : undefined));
    expect((await h.store.get(requestId))?.subjectKind).toBe('email');
    const files = await filesUnder(h.dataDir);
    const searches = files.filter(
      (f) => f.startsWith(`${join(h.dataDir, 'searches')}/`) && f.endsWith('.json'),
    );
    expect(searches).toHaveLength(1);
    expect((await stat(searches[0]!)).mode & 0o777).toBe(0o600);
    expect(files.length).toBeGreaterThan(3);
    for (const file of files) {
      // A write under way renames its temp file away while we walk: what is gone was not kept.
      const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return '';
        throw error;
      });
      expect(text, file).not.toContain(PERSON.email);
      expect(text, file).not.toContain('ada.lovelace');
    }
    await h.app.housekeeping.runOnce();
    expect((await filesUnder(join(h.dataDir, 'searches'))).filter((f) => f.endsWith('.json'))).toHaveLength(
      1,
    );
    clock.advance(60 * 60 * 1000);
    await h.app.housekeeping.runOnce();
    expect((await filesUnder(join(h.dataDir, 'searches'))).filter((f) => f.endsWith('.json'))).toHaveLength(
      0,
    );
  });

  describe.skipIf(!postgresAvailable)('on PostgreSQL', () => {
    it('a search run on one app instance is filed from another on the same database, once', async () => {
      await start();
      const db: TestDatabase = await createTestDatabase();
      cleanups.push(() => db.drop());
      await h.stopApp();
      const [a, b] = [await replica(db), await replica(db)];
      h.appUrl = a.url;
      const view = await search(PERSON.email);
      // Sent to the other instance (Slack's load balancer may pick either): it files; a replay to the
      // instance that searched files nothing.
      expect((await submit(view, { url: b.url })).body).toBe('');
      expect(JSON.stringify((await submit(view, { url: a.url })).body)).toContain(
        'already sent for approval',
      );
      await h.slack.waitFor(() => h.approvalMessages()[0]);
      const months = await b.store.listMonth('2026-11');
      expect(months.filter((r) => r.group?.index === 0 || !r.group)).toHaveLength(1);
      expect(JSON.stringify(months)).not.toContain(PERSON.email);
      expect(h.approvalMessages()).toHaveLength(1);
    });
  });

  /** Another app instance on the harness's Slack and LivePerson, its store on `db`. */
  async function replica(db: TestDatabase): Promise<{ url: string; store: PostgresStore; app: RunningApp }> {
    const store = await PostgresStore.open({ url: db.url });
    const log = createLogger((line) => h.logLines.push(line));
    const lp = createLivePersonClient(h.config.liveperson, {
      retry: { unavailable: { retries: 2, minTimeout: 10 } },
    });
    const app = createApp({
      config: h.config,
      lp,
      store,
      log,
      now: () => NOW,
      slackRetries: 0,
      noticeBaseDelayMs: 50,
      shutdownGraceMs: 200,
      historyPageSize: 1,
    });
    const { port } = await app.start(0);
    cleanups.push(async () => {
      await app.stop();
      await store.close();
    });
    return { url: `http://127.0.0.1:${port}`, store, app };
  }
});

async function filesUnder(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}
