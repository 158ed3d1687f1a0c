/**
 * Slack delivery under real faults (issue 25): the real app as child processes (src/server.ts, as
 * `npm start` runs it), the fake Slack over HTTP, PostgreSQL for two replicas, a real tmpfs for a full disk.
 * Each fault is produced for real: a replica paused with SIGSTOP, a wall clock five minutes off, Slack
 * answering 5xx after it has posted, Slack holding an answer, a disk that fills while a post is in flight.
 * Every test counts the posts Slack holds and fails on any duplicate.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ACTION } from '../../src/slack/ids.js';
import { ChildApp } from '../support/child-app.js';
import type { FakeSlack } from '../support/fake-slack.js';
import { APPROVER, Harness, PRIVACY_CHANNEL, REQUESTER } from '../support/harness.js';
import { createTestDatabase, postgresAvailable, sql, type TestDatabase } from '../support/postgres.js';
import { record, writeRowsOnExit } from './rows.js';

writeRowsOnExit(afterAll, 'Slack delivery under real faults (issue 25)');

/** Short timings so a claim runs out within the test: Slack calls 1.5 s, claims 6 s, retries from 200 ms. */
const FAST = {
  LP_DELETE_TEST_SLACK_TIMEOUT_MS: '1500',
  LP_DELETE_TEST_CLAIM_MS: '6000',
  LP_DELETE_TEST_NOTICE_BASE_MS: '200',
  REPLICA_LEASE_SECONDS: '2',
};

let h: Harness | undefined;
const children: ChildApp[] = [];
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const child of children.splice(0)) {
    child.kill('SIGCONT');
    child.kill('SIGKILL');
    await child.exited;
  }
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  await h?.close();
  h = undefined;
});

/** The fake Slack and the sandbox, without the in-process app: the apps here are child processes. */
async function externalHarness(): Promise<Harness> {
  h = await Harness.start();
  await h.stopApp();
  h.external = true;
  return h;
}

async function start(env: Record<string, string>): Promise<ChildApp> {
  const child = await ChildApp.start(env);
  children.push(child);
  return child;
}

async function database(): Promise<TestDatabase> {
  const db = await createTestDatabase();
  cleanups.push(() => db.drop());
  return db;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Posts Slack holds beyond one per distinct message (same conversation, thread and text). */
function duplicatePosts(slack: FakeSlack): number {
  const keys = slack.messages.map((m) => `${m.channel}|${m.threadTs ?? ''}|${m.text}`);
  return keys.length - new Set(keys).size;
}

/** How many notices carry their id in the metadata, and the most posts any one of them has. */
function perNotice(slack: FakeSlack): string {
  const counts = new Map<string, number>();
  for (const m of slack.messages) {
    const id = m.metadata?.event_payload.notice_id;
    if (typeof id === 'string') counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return `${counts.size} notices, at most ${Math.max(0, ...counts.values())} post each`;
}

const approvalPosts = (slack: FakeSlack, requestId: string) =>
  slack.messagesIn(PRIVACY_CHANNEL).filter((m) => JSON.stringify(m.blocks ?? []).includes(requestId)).length;
const dmsAbout = (harness: Harness, requestId: string) =>
  harness.dmsTo(REQUESTER).filter((t) => t.includes(requestId)).length;

/** The replica (child) whose claim holds `kind` of request `lane` now (claimed_by is `<replica>/<token>`). */
async function holder(db: TestDatabase, replicas: ChildApp[], lane: string, kind: string) {
  const [row] = await sql<{ by: string | null }>(
    db.url,
    `SELECT claimed_by AS by FROM notices WHERE lane = $1 AND notice->>'kind' = $2`,
    [lane, kind],
  );
  const replica = row?.by?.split('/')[0];
  return replica ? replicas.find((r) => r.lines.some((l) => l.includes(replica))) : undefined;
}

async function noticesLeft(db: TestDatabase): Promise<number> {
  const [row] = await sql<{ n: number }>(db.url, 'SELECT count(*)::int AS n FROM notices');
  return row?.n ?? -1;
}

const isApprovalPost = (body: Record<string, unknown>) =>
  body.channel === PRIVACY_CHANNEL && body.thread_ts === undefined;

describe.skipIf(!postgresAvailable)('two replicas on one PostgreSQL: paused and skewed', () => {
  it('E4: a replica paused (SIGSTOP) past its lease after posting: the other finds the post, 0 duplicates', async () => {
    const harness = await externalHarness();
    const db = await database();
    // Slack calls 4 s (time enough to catch the sender waiting), claims 10 s.
    const env = {
      ...harness.appEnv(),
      ...FAST,
      DATABASE_URL: db.url,
      LP_DELETE_TEST_SLACK_TIMEOUT_MS: '4000',
      LP_DELETE_TEST_CLAIM_MS: '10000',
    };
    const replicas = [await start(env), await start(env)];
    // Slack takes the approval message but its answer never comes back to the replica that sent it.
    harness.slack.failNext('chat.postMessage', { hang: true, afterEffect: true, when: isApprovalPost });
    harness.appUrl = replicas[0]!.url;
    const { requestId } = await harness.fileRequest({
      type: 'conversation',
      idsText: randomUUID(),
      reason: 'E4',
    });
    const paused = await harness.slack.waitFor(() => holder(db, replicas, requestId, 'approval_post'));
    paused.kill('SIGSTOP');
    const pausedAt = Date.now();
    // Its lease (2 s) runs out while it is stopped: the other replica takes the notice as possibly posted.
    await harness.slack.waitFor(async () => (await noticesLeft(db)) === 0, 25_000);
    paused.kill('SIGCONT');
    const pausedMs = Date.now() - pausedAt;
    // Its call times out at once; what it does next must not post again.
    await sleep(3000);
    const posts = approvalPosts(harness.slack, requestId);
    record({
      fault:
        'E4: replica paused (SIGSTOP) after Slack took its post, before the answer; two replicas on PostgreSQL, lease 2 s',
      expected:
        'the other replica takes the notice once the lease ends, finds the post by its metadata, posts nothing again',
      observed: `paused ${pausedMs} ms; approval posts ${posts}, DMs ${dmsAbout(harness, requestId)}; ${perNotice(harness.slack)}; notices left ${await noticesLeft(db)}`,
      lost: posts === 0 ? 1 : 0,
      duplicates: duplicatePosts(harness.slack),
    });
    expect(posts).toBe(1);
    expect(dmsAbout(harness, requestId)).toBe(1);
  }, 90_000);

  it('E4b: a replica paused before posting resumes after its lease and claim ran out: it posts nothing', async () => {
    const harness = await externalHarness();
    const db = await database();
    // Slack calls 3 s, claims 10 s: a post may start up to 5 s after the claim.
    const env = {
      ...harness.appEnv(),
      ...FAST,
      DATABASE_URL: db.url,
      LP_DELETE_TEST_SLACK_TIMEOUT_MS: '3000',
      LP_DELETE_TEST_CLAIM_MS: '10000',
    };
    const replicas = [await start(env), await start(env)];
    // The DM on filing looks up the approval message's link first: Slack answers that 4 s late.
    harness.slack.failNext('chat.getPermalink', { delayMs: 4000 });
    harness.appUrl = replicas[0]!.url;
    const { requestId } = await harness.fileRequest({
      type: 'conversation',
      idsText: randomUUID(),
      reason: 'E4b',
    });
    await harness.slack.waitFor(() => harness.slack.callsTo('chat.getPermalink').length > 0);
    const paused = await harness.slack.waitFor(() => holder(db, replicas, requestId, 'requester_filed'));
    paused.kill('SIGSTOP');
    const pausedAt = Date.now();
    await harness.slack.waitFor(async () => (await noticesLeft(db)) === 0, 25_000);
    // Stopped until Slack's late answer (4 s) is waiting in its socket, and a little more.
    await sleep(Math.max(1000, 5500 - (Date.now() - pausedAt)));
    paused.kill('SIGCONT');
    const pausedMs = Date.now() - pausedAt;
    // It reads the late link and would post the DM now, long after its claim.
    await sleep(3000);
    const dms = dmsAbout(harness, requestId);
    record({
      fault:
        'E4b: replica paused (SIGSTOP) in the middle of a delivery, before its post; resumed after its lease ran out and Slack’s late answer came',
      expected:
        'the other replica delivers once the lease ends; the resumed one sees its claim and lease too old and posts nothing',
      observed: `paused ${pausedMs} ms; DMs ${dms}, approval posts ${approvalPosts(harness.slack, requestId)}; ${perNotice(harness.slack)}`,
      lost: dms === 0 ? 1 : 0,
      duplicates: duplicatePosts(harness.slack),
    });
    expect(dms).toBe(1);
  }, 90_000);

  it('E8: a replica whose clock is 5 minutes ahead does not take a live claim of another', async () => {
    const harness = await externalHarness();
    const db = await database();
    // Slack calls may take 15 s and claims hold 30 s (the default): the first waits out a slow answer.
    const env = {
      ...harness.appEnv(),
      ...FAST,
      DATABASE_URL: db.url,
      LP_DELETE_TEST_SLACK_TIMEOUT_MS: '15000',
      LP_DELETE_TEST_CLAIM_MS: '30000',
    };
    const first = await start(env);
    harness.slack.failNext('chat.postMessage', { delayMs: 10_000, when: isApprovalPost });
    harness.appUrl = first.url;
    const { requestId } = await harness.fileRequest({
      type: 'conversation',
      idsText: randomUUID(),
      reason: 'E8',
    });
    // While the first waits for Slack's answer (10 s), a replica with a clock 5 minutes ahead starts.
    await start({ ...env, LP_DELETE_TEST_CLOCK_SKEW_MS: String(5 * 60_000) });
    await harness.slack.waitFor(async () => (await noticesLeft(db)) === 0, 25_000);
    await sleep(2000);
    const posts = approvalPosts(harness.slack, requestId);
    record({
      fault:
        'E8: a second replica with its clock 5 minutes ahead, while the first waits 10 s for Slack’s answer',
      expected:
        'claims end on PostgreSQL’s clock: the skewed replica waits; the approval message is posted once',
      observed: `approval posts ${posts}, DMs ${dmsAbout(harness, requestId)}; ${perNotice(harness.slack)}`,
      lost: posts === 0 ? 1 : 0,
      duplicates: duplicatePosts(harness.slack),
    });
    expect(posts).toBe(1);
  }, 90_000);
});

describe('one app on a data folder', () => {
  it('E19: Slack answers 5xx after having posted (channel, DM, thread): each message appears once', async () => {
    const harness = await externalHarness();
    // Production settings but for a short first retry: the WebClient's own retry policy is the default.
    const app = await start({ ...harness.appEnv(), LP_DELETE_TEST_NOTICE_BASE_MS: '200' });
    harness.appUrl = app.url;
    const after500 = { httpStatus: 500, afterEffect: true } as const;
    harness.slack.failNext('chat.postMessage', { ...after500, when: isApprovalPost });
    harness.slack.failNext('chat.postMessage', { ...after500, when: (b) => b.channel === REQUESTER });
    harness.slack.failNext('chat.postMessage', { ...after500, when: (b) => b.thread_ts !== undefined });
    const { requestId, ts } = await harness.fileRequest({
      type: 'conversation',
      idsText: randomUUID(),
      reason: 'E19',
    });
    await harness.click(APPROVER, ACTION.approve, requestId, ts);
    // Not a throw on timeout: what was posted twice is what the row counts.
    await harness.slack
      .waitFor(() => dmsAbout(harness, requestId) >= 2 && harness.threadTexts(ts).length >= 1, 20_000)
      .catch(() => undefined);
    await sleep(2000);
    const looks = ['conversations.history', 'conversations.replies']
      .map((m) => `${m} ${harness.slack.callsTo(m).length}`)
      .join(', ');
    record({
      fault:
        'E19: Slack answers HTTP 500 after it has posted (approval message, first DM, first thread reply)',
      expected:
        'no retry by the client; the next attempt finds each message by its metadata and posts nothing again',
      observed: `approval posts ${approvalPosts(harness.slack, requestId)}, DMs ${dmsAbout(harness, requestId)}, thread replies ${harness.threadTexts(ts).length}; looked up: ${looks}; ${perNotice(harness.slack)}`,
      lost: 0,
      duplicates: duplicatePosts(harness.slack),
    });
    expect(approvalPosts(harness.slack, requestId)).toBe(1);
    expect(dmsAbout(harness, requestId)).toBe(2);
    expect(harness.threadTexts(ts)).toHaveLength(1);
  }, 90_000);

  it('E15: the disk fills while a post is in flight: exactly one post per notice, no loop, delivered once space is back', async () => {
    const disk = await smallDisk();
    if (!disk) {
      expect(process.getuid?.(), 'root can mount a tmpfs: the full-disk test must run').not.toBe(0);
      return;
    }
    const dataDir = join(disk, 'data');
    await mkdir(dataDir, { mode: 0o700 });
    h = await Harness.start({ dataDir });
    await h.stopApp();
    h.external = true;
    const harness = h;
    const app = await start({ ...harness.appEnv(), LP_DELETE_TEST_NOTICE_BASE_MS: '200' });
    harness.appUrl = app.url;
    // Slack takes the approval message at once and answers 2 s later; the disk is full by then.
    harness.slack.failNext('chat.postMessage', { delayMs: 2000, when: isApprovalPost });
    const { requestId } = await harness.fileRequest({
      type: 'conversation',
      idsText: randomUUID(),
      reason: 'E15',
    });
    const filler = await fill(disk);
    await sleep(6000);
    const postsWhileFull = harness.slack.callsTo('chat.postMessage').length;
    const looksWhileFull = harness.slack.callsTo('conversations.history').length;
    await rm(filler);
    await harness.slack.waitFor(() => dmsAbout(harness, requestId) === 1, 20_000);
    await sleep(1500);
    const posts = approvalPosts(harness.slack, requestId);
    record({
      fault:
        'E15: disk full (2 MB tmpfs) between Slack taking the approval message and the store recording it; freed 6 s later',
      expected:
        'the failed write backs off like any failure (no loop); once space is back the post is found, not repeated',
      observed: `chat.postMessage calls while full: ${postsWhileFull}; history look-ups while full: ${looksWhileFull}; approval posts ${posts}, DMs ${dmsAbout(harness, requestId)}; ${perNotice(harness.slack)}`,
      lost: posts === 0 ? 1 : 0,
      duplicates: duplicatePosts(harness.slack),
    });
    expect(postsWhileFull).toBe(1);
    expect(posts).toBe(1);
    // Back-off from 200 ms, doubling: a handful of looks in 6 s, not hundreds.
    expect(looksWhileFull).toBeLessThan(10);
  }, 90_000);

  it('E18: one Slack call hangs: other lanes are delivered, SIGTERM stops within its grace, and the post is not repeated', async () => {
    const harness = await externalHarness();
    const grace = 3000;
    // The production Slack timeout (10 s): the hanging call outlives the grace.
    const env = {
      ...harness.appEnv(),
      LP_DELETE_TEST_NOTICE_BASE_MS: '200',
      LP_DELETE_TEST_GRACE_MS: String(grace),
    };
    const app = await start(env);
    harness.appUrl = app.url;
    harness.slack.failNext('chat.postMessage', { hang: true, afterEffect: true, when: isApprovalPost });
    const stuck = await harness.fileRequest({ type: 'conversation', idsText: randomUUID(), reason: 'E18-1' });
    const startedAt = Date.now();
    const other = await harness.fileRequest({ type: 'conversation', idsText: randomUUID(), reason: 'E18-2' });
    await harness.slack.waitFor(() => dmsAbout(harness, other.requestId) === 1);
    const otherMs = Date.now() - startedAt;
    const stopAt = Date.now();
    app.kill('SIGTERM');
    const exit = await Promise.race([app.exited, sleep(grace + 20_000).then(() => undefined)]);
    const stopMs = Date.now() - stopAt;
    // Restarted: the hung notice was claimed when the process stopped, so Slack is asked first.
    const again = await start(env);
    harness.appUrl = again.url;
    await harness.slack.waitFor(() => dmsAbout(harness, stuck.requestId) === 1, 20_000);
    await sleep(1000);
    record({
      fault:
        'E18: Slack accepts one approval message and never answers; a second filing meanwhile; SIGTERM (grace 3 s); restart',
      expected:
        'the other lane is delivered at once; the stop ends within the grace; after the restart the post is found, not repeated',
      observed: `other filing’s DM after ${otherMs} ms; stopped in ${stopMs} ms (exit ${exit?.code ?? 'none'}); approval posts ${approvalPosts(harness.slack, stuck.requestId)} and ${approvalPosts(harness.slack, other.requestId)}; ${perNotice(harness.slack)}`,
      lost: 0,
      duplicates: duplicatePosts(harness.slack),
    });
    expect(otherMs).toBeLessThan(5000);
    expect(exit?.code).toBe(0);
    expect(stopMs).toBeLessThan(grace + 1500);
    expect(approvalPosts(harness.slack, stuck.requestId)).toBe(1);
  }, 90_000);
});

/** A 2 MB tmpfs (root only; CI runs as root). Undefined where it cannot be mounted. */
async function smallDisk(): Promise<string | undefined> {
  const dir = await mkdtemp(join(tmpdir(), 'lp-delete-full-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m,mode=0700', 'tmpfs', dir], { stdio: 'ignore' });
  } catch {
    await rm(dir, { recursive: true, force: true });
    return undefined;
  }
  cleanups.push(async () => {
    for (const child of children.splice(0)) {
      child.kill('SIGKILL');
      await child.exited;
    }
    await h?.close();
    h = undefined;
    execFileSync('umount', ['-l', dir], { stdio: 'ignore' });
    await rm(dir, { recursive: true, force: true });
  });
  return dir;
}

/** Writes until the disk says no: what is left is less than one request file. */
async function fill(dir: string): Promise<string> {
  const filler = join(dir, 'filler');
  let size = 4 * 1024 * 1024;
  await writeFile(filler, '');
  while (size >= 256) {
    try {
      await appendFile(filler, Buffer.alloc(size));
    } catch {
      size = Math.floor(size / 2);
    }
  }
  return filler;
}
