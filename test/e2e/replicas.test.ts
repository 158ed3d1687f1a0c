/**
 * Several replicas on one PostgreSQL database: two real app processes (src/server.ts, as `npm start` runs
 * it) behind the same signing secret, one fake Slack and one LivePerson sandbox shared by both. Clicks
 * land on either replica, as Slack's load balancer would send them; in Socket Mode, on either replica's
 * connection.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTION, BLOCK, CALLBACK } from '../../src/slack/ids.js';
import { ChildApp } from '../support/child-app.js';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack.js';
import { FakeSocketMode } from '../support/fake-socket-mode.js';
import {
  APPROVER,
  APPROVER_2,
  approveButtonValue,
  BOT_TOKEN,
  Harness,
  OUTSIDER,
  PRIVACY_CHANNEL,
  REQUESTER,
  SIGNING_SECRET,
} from '../support/harness.js';
import { createTestDatabase, postgresAvailable, sql, type TestDatabase } from '../support/postgres.js';
import {
  blockActionsPayload,
  sendInteraction,
  viewSubmissionPayload,
  viewValue,
  type SlackResponse,
} from '../support/slack-request.js';

/** A short lease, so a dead replica is taken for dead within the test (the default is 30 s). */
const LEASE_SECONDS = 2;

describe.skipIf(!postgresAvailable)('two replicas on one PostgreSQL database', () => {
  let db: TestDatabase;
  let h: Harness;

  beforeAll(async () => {
    db = await createTestDatabase();
    // The harness brings the fake Slack, the sandbox and the signed-request helpers; its own in-process
    // app (file store) is stopped: the replicas below serve instead.
    h = await Harness.start();
    await h.stopApp();
    h.external = true;
  }, 60_000);

  afterAll(async () => {
    await h?.close();
    await db?.drop();
  });

  function replicaEnv(extra: Record<string, string> = {}): Record<string, string> {
    return {
      ...h.appEnv(),
      DATABASE_URL: db.url,
      REPLICA_LEASE_SECONDS: String(LEASE_SECONDS),
      // The kill test holds a create at LivePerson for seconds: the client must still be waiting.
      LP_TIMEOUT_MS: '20000',
      ...extra,
    };
  }

  async function stopAll(replicas: ChildApp[]): Promise<void> {
    await Promise.all(
      replicas.map(async (r) => {
        r.kill('SIGTERM');
        await r.exited;
      }),
    );
  }

  function click(url: string, user: string, requestId: string, ts: string): Promise<SlackResponse> {
    return sendInteraction(
      url,
      SIGNING_SECRET,
      blockActionsPayload({
        user,
        actionId: ACTION.approve,
        value: requestId,
        channel: PRIVACY_CHANNEL,
        messageTs: ts,
        triggerId: h.slack.issueTrigger(),
      }),
    );
  }

  interface Filed {
    requestId: string;
    ts: string;
    uuid: string;
  }

  /** Files a request through `url`'s replica; its ids are one fresh UUID (to find it at LivePerson). */
  async function file(url: string, reason: string): Promise<Filed> {
    h.appUrl = url;
    const uuid = randomUUID();
    const filed = await h.fileRequest({ type: 'conversation', idsText: uuid, reason });
    return { ...filed, uuid };
  }

  async function stored(ids: string[]) {
    return sql<{ id: string; status: string; lp: string | null; history: string[] }>(
      db.url,
      `SELECT id, status, doc->'lpRecord'->>'requestId' AS lp,
         ARRAY(SELECT e->>'event' FROM jsonb_array_elements(doc->'history') e) AS history
       FROM requests WHERE id = ANY($1) ORDER BY id`,
      [ids],
    );
  }

  /** Waits until every notice in the database is delivered, then a little longer for late duplicates. */
  async function settled(): Promise<void> {
    await h.slack.waitFor(async () => {
      const [row] = await sql<{ n: number }>(db.url, 'SELECT count(*)::int AS n FROM notices');
      return row?.n === 0;
    }, 20_000);
    await new Promise((r) => setTimeout(r, 800));
  }

  /** LivePerson creates whose ids are `uuid` (the sandbox stores every create it carried out). */
  const createsOf = (uuid: string) => h.lp.requests.filter((r) => r.ids.includes(uuid)).length;
  const dmsAbout = (requestId: string) => h.dmsTo(REQUESTER).filter((t) => t.includes(requestId)).length;
  const approvalPosts = (requestId: string) =>
    h.approvalMessages().filter((m) => JSON.stringify(m.blocks ?? []).includes(requestId)).length;

  /** What one request left in Slack: its approval message, thread replies and DMs, each posted once. */
  function expectPostedOnce(requestId: string, ts: string, lpRequestId: string | null): void {
    expect(approvalPosts(requestId), `${requestId}: approval messages`).toBe(1);
    const thread = h.threadTexts(ts);
    expect(thread, `${requestId}: thread replies`).toHaveLength(1);
    expect(thread[0]).toContain(lpRequestId ?? 'no LivePerson id');
    // One when filed, one with the outcome.
    expect(dmsAbout(requestId), `${requestId}: DMs to the requester`).toBe(2);
  }

  describe('replicas with the default sweep (every 10 minutes)', () => {
    let a: ChildApp;
    let b: ChildApp;

    beforeAll(async () => {
      a = await ChildApp.start(replicaEnv());
      // The second starts while the first runs: no lock keeps it out, the schema is already there.
      b = await ChildApp.start(replicaEnv());
    }, 60_000);

    afterAll(async () => {
      await stopAll([a, b].filter(Boolean));
    }, 30_000);

    it('a replica started while another runs: both serve', async () => {
      for (const replica of [a, b]) {
        expect((await fetch(`${replica.url}/health`)).status).toBe(200);
      }
      const viaB = await file(b.url, 'DSR-R1');
      const viaA = await file(a.url, 'DSR-R2');
      // Each approved on the replica that did not file it.
      expect((await click(a.url, APPROVER, viaB.requestId, viaB.ts)).status).toBe(200);
      expect((await click(b.url, APPROVER, viaA.requestId, viaA.ts)).status).toBe(200);
      await h.slack.waitFor(() => h.threadTexts(viaB.ts).length > 0 && h.threadTexts(viaA.ts).length > 0);
      await settled();
      const rows = await stored([viaA.requestId, viaB.requestId]);
      expect(rows.map((r) => r.status)).toEqual(['submitted', 'submitted']);
      for (const { requestId, ts } of [viaA, viaB]) {
        expectPostedOnce(requestId, ts, rows.find((r) => r.id === requestId)?.lp ?? null);
      }
    }, 60_000);

    it('Approve sent to both replicas at the same moment: one LivePerson create per request', async () => {
      const filed: Filed[] = [];
      for (let i = 0; i < 3; i += 1) filed.push(await file(i % 2 ? a.url : b.url, `DSR-BOTH${i}`));
      const answers = await Promise.all(
        filed.flatMap(({ requestId, ts }) => [
          click(a.url, APPROVER, requestId, ts),
          click(b.url, APPROVER_2, requestId, ts),
        ]),
      );
      expect(answers.map((r) => r.status)).toEqual(answers.map(() => 200));
      await h.slack.waitFor(() => filed.every(({ ts }) => h.threadTexts(ts).length > 0), 20_000);
      await settled();
      const rows = await stored(filed.map((f) => f.requestId));
      expect(rows.map((r) => r.status)).toEqual(filed.map(() => 'submitted'));
      for (const f of filed) {
        expect(createsOf(f.uuid), `${f.requestId}: creates at LivePerson`).toBe(1);
        const row = rows.find((r) => r.id === f.requestId);
        expect(row?.history.filter((e) => e === 'approved')).toHaveLength(1);
        expectPostedOnce(f.requestId, f.ts, row?.lp ?? null);
      }
    }, 60_000);

    it('20 double clicks spread over both replicas: one create each, every notice delivered once', async () => {
      const filed: Filed[] = [];
      for (let i = 0; i < 20; i += 1) filed.push(await file(i % 2 ? a.url : b.url, `DSR-DOUBLE${i}`));
      const createsBefore = h.lp.calls.filter((c) => c.kind === 'create').length;
      // Both clicks on A, both on B, or one on each; by one approver or two.
      const pairs: [string, string][] = [
        [a.url, a.url],
        [b.url, b.url],
        [a.url, b.url],
        [b.url, a.url],
      ];
      const answers = await Promise.all(
        filed.flatMap(({ requestId, ts }, i) => {
          const [first, second] = pairs[i % pairs.length] as [string, string];
          return [
            click(first, APPROVER, requestId, ts),
            click(second, i % 3 ? APPROVER : APPROVER_2, requestId, ts),
          ];
        }),
      );
      expect(answers.filter((r) => r.status !== 200)).toEqual([]);
      await h.slack.waitFor(() => filed.every(({ ts }) => h.threadTexts(ts).length > 0), 30_000);
      await settled();
      expect(h.lp.calls.filter((c) => c.kind === 'create').length - createsBefore).toBe(20);
      const rows = await stored(filed.map((f) => f.requestId));
      expect(rows.map((r) => r.status)).toEqual(filed.map(() => 'submitted'));
      expect(new Set(rows.map((r) => r.lp)).size).toBe(20);
      for (const f of filed) {
        expect(createsOf(f.uuid), `${f.requestId}: creates at LivePerson`).toBe(1);
        expectPostedOnce(f.requestId, f.ts, rows.find((r) => r.id === f.requestId)?.lp ?? null);
      }
    }, 120_000);

    it('SIGKILL of the replica submitting: the other posts the record within the lease, nothing sent twice', async () => {
      const f = await file(b.url, 'DSR-KILL');
      // LivePerson files the request at once but holds its answer: the replica dies waiting for it.
      h.lp.inject({ kind: 'create', delayMs: 15_000 });
      expect((await click(a.url, APPROVER, f.requestId, f.ts)).status).toBe(200);
      await h.slack.waitFor(() => createsOf(f.uuid) === 1, 20_000);
      a.kill('SIGKILL');
      expect((await a.exited).signal).toBe('SIGKILL');
      const killedAt = Date.now();
      const lpRequestId = String(h.lp.requests.find((r) => r.ids.includes(f.uuid))?.requestId);
      await h.slack.waitFor(() => h.threadTexts(f.ts).find((t) => t.includes(lpRequestId)), 20_000);
      const tookMs = Date.now() - killedAt;
      // The lease runs out at most LEASE_SECONDS after the kill; the survivor looks every third of it.
      expect(tookMs).toBeLessThan(LEASE_SECONDS * 1000 * (4 / 3) + 2_000);
      await settled();
      const [row] = await stored([f.requestId]);
      expect(row?.status).toBe('submitted');
      expect(row?.lp).toBe(lpRequestId);
      expect(createsOf(f.uuid)).toBe(1);
      expectPostedOnce(f.requestId, f.ts, lpRequestId);
      expect(b.lines.some((l) => l.includes('"event":"submission_reconciled"'))).toBe(true);
    }, 90_000);
  });

  describe('replicas sweeping every 300 ms (both run the sweep)', () => {
    let replicas: ChildApp[] = [];

    beforeAll(async () => {
      // Started together: the schema is up to date, and neither waits for the other.
      replicas = await Promise.all(
        [1, 2].map(() => ChildApp.start(replicaEnv({ LP_DELETE_TEST_SWEEP_MS: '300' }))),
      );
    }, 60_000);

    afterAll(async () => {
      await stopAll(replicas);
    }, 30_000);

    it('reminders and expiry happen once', async () => {
      const [c, d] = replicas as [ChildApp, ChildApp];
      const reminded = await file(c.url, 'DSR-REMIND');
      const expiring = await file(d.url, 'DSR-EXPIRE');
      // Filed 25 hours and 8 days ago (reminder after 24 h, expiry after 7 days by default).
      const backdate = (id: string, hours: number) =>
        sql(
          db.url,
          `UPDATE requests SET doc = jsonb_set(doc, '{createdAt}', to_jsonb($2::text)), created_at = $2::timestamptz
           WHERE id = $1`,
          [id, new Date(Date.now() - hours * 3_600_000).toISOString()],
        );
      await backdate(reminded.requestId, 25);
      await backdate(expiring.requestId, 8 * 24);
      await h.slack.waitFor(
        () => h.threadTexts(reminded.ts).length > 0 && h.threadTexts(expiring.ts).length > 0,
        20_000,
      );
      // Several more sweeps on each replica.
      await new Promise((r) => setTimeout(r, 1_500));
      await settled();
      const rows = await stored([reminded.requestId, expiring.requestId]);
      const byId = new Map(rows.map((r) => [r.id, r]));
      expect(byId.get(reminded.requestId)?.status).toBe('pending_approval');
      expect(byId.get(reminded.requestId)?.history.filter((e) => e === 'reminder_sent')).toHaveLength(1);
      expect(h.threadTexts(reminded.ts)).toHaveLength(1);
      expect(byId.get(expiring.requestId)?.status).toBe('expired');
      expect(byId.get(expiring.requestId)?.history.filter((e) => e === 'expired')).toHaveLength(1);
      expect(h.threadTexts(expiring.ts)).toHaveLength(1);
      expect(dmsAbout(expiring.requestId)).toBe(2);
      expect(dmsAbout(reminded.requestId)).toBe(1);
      expect(h.hasButtons(expiring.ts)).toBe(false);
      expect(h.hasButtons(reminded.ts)).toBe(true);
    }, 60_000);
  });
  describe('replicas in Socket Mode (each holds its own connection)', () => {
    const APP_TOKEN = 'xapp-1-replicas';
    let sockets: FakeSocketMode[] = [];
    let slack: FakeSlack;
    let replicas: ChildApp[] = [];

    beforeAll(async () => {
      sockets = await Promise.all([FakeSocketMode.start(), FakeSocketMode.start()]);
      // Slack hands each connection its own WebSocket URL; here the first replica to ask gets the first.
      let opened = 0;
      slack = await startFakeSlack({
        botToken: BOT_TOKEN,
        channels: [PRIVACY_CHANNEL],
        users: { [REQUESTER]: {}, [APPROVER]: {}, [APPROVER_2]: {}, [OUTSIDER]: {} },
        socketMode: { appToken: APP_TOKEN, url: () => (sockets[opened++ % 2] as FakeSocketMode).url },
      });
      const env = replicaEnv({
        SLACK_APP_TOKEN: APP_TOKEN,
        SLACK_SIGNING_SECRET: '',
        SLACK_API_URL: slack.url,
      });
      replicas = await Promise.all([ChildApp.start(env), ChildApp.start(env)]);
      await Promise.all(sockets.map((socket) => socket.connected));
    }, 60_000);

    afterAll(async () => {
      await stopAll(replicas);
      await Promise.all([...sockets.map((socket) => socket.close()), slack?.close()]);
    }, 30_000);

    it('a filing on one connection, Approve on both at once: one create, each post once', async () => {
      const [first, second] = sockets as [FakeSocketMode, FakeSocketMode];
      const uuid = randomUUID();
      await first.send(
        'interactive',
        viewSubmissionPayload({
          user: REQUESTER,
          callbackId: CALLBACK.requestModal,
          privateMetadata: '',
          triggerId: slack.issueTrigger(),
          values: {
            [BLOCK.type]: { [ACTION.type]: viewValue.select('conversation') },
            [BLOCK.ids]: { [ACTION.ids]: viewValue.text(uuid) },
            [BLOCK.moreIds]: { [ACTION.moreIds]: viewValue.text(null) },
            [BLOCK.reason]: { [ACTION.reason]: viewValue.text('DSR-SOCKET') },
          },
        }),
      );
      const message = await slack.waitFor(() => slack.messagesIn(PRIVACY_CHANNEL)[0], 10_000);
      const requestId = approveButtonValue(message.blocks);
      const approve = (socket: FakeSocketMode, user: string) =>
        socket.send(
          'interactive',
          blockActionsPayload({
            user,
            actionId: ACTION.approve,
            value: requestId,
            channel: PRIVACY_CHANNEL,
            messageTs: message.ts,
            triggerId: slack.issueTrigger(),
          }),
        );
      await Promise.all([approve(first, APPROVER), approve(second, APPROVER_2)]);
      await slack.waitFor(() => slack.threadReplies(PRIVACY_CHANNEL, message.ts).length > 0, 20_000);
      await settled();
      const [row] = await stored([requestId]);
      expect(row?.status).toBe('submitted');
      expect(createsOf(uuid)).toBe(1);
      expect(slack.messagesIn(PRIVACY_CHANNEL)).toHaveLength(1);
      expect(slack.threadReplies(PRIVACY_CHANNEL, message.ts)).toHaveLength(1);
      expect(slack.dms.filter((m) => m.dmUser === REQUESTER)).toHaveLength(2);
    }, 60_000);
  });
});
