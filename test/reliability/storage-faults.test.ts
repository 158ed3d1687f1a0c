/**
 * The faults found in lp-delete 0.1's store, one test each (named after it), against the lowdb data folder:
 * a second app on the same data, a full disk, a copy taken while the app writes, a restore as the
 * messages advise, Slack refusing a message for good, overload, the clock jumping ahead, readers beside
 * the app, SIGKILL at any write. Rows go to docs/reliability.md with the others (`npm run reliability`).
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cp, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { runAudit } from '../../src/cli/audit-main.js';
import { runChecks } from '../../src/doctor/doctor.js';
import { ACTION } from '../../src/slack/ids.js';
import { openFileStore } from '../../src/store/lowdb/file-store.js';
import { fileURLToPath } from 'node:url';
import { ChildApp } from '../support/child-app.js';
import { Spawned } from '../support/spawned.js';
import { APPROVER, APPROVER_2, Harness, REQUESTER } from '../support/harness.js';
import { record, writeRowsOnExit } from './rows.js';

writeRowsOnExit(afterAll, 'Storage faults (issue 9)');

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const INDEX = join(ROOT, 'src', 'index.ts');

let h: Harness | undefined;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  // Child processes first (they may still write into the data folder), then the harness removes it.
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  await h?.close();
  h = undefined;
});

function creates(harness: Harness): number {
  return harness.lp.calls.filter((c) => c.kind === 'create').length;
}

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
    // The app on it is closed first (below); lazy, so a test that failed half-way still leaves no mount.
    await h?.close();
    h = undefined;
    execFileSync('umount', ['-l', dir], { stdio: 'ignore' });
    await rm(dir, { recursive: true, force: true });
  });
  return dir;
}

async function fill(dir: string): Promise<string> {
  const filler = join(dir, 'filler');
  // Write until the disk says no: what is left is less than one request file.
  let size = 4 * 1024 * 1024;
  await writeFile(filler, '');
  const { appendFile } = await import('node:fs/promises');
  while (size >= 256) {
    try {
      await appendFile(filler, Buffer.alloc(size));
    } catch {
      size = Math.floor(size / 2);
    }
  }
  return filler;
}

describe('storage faults (lowdb data folder)', () => {
  it('two instances on one data folder: the second refuses with one line, the first keeps working', async () => {
    h = await Harness.start();
    await h.stopApp();
    h.external = true;
    const env = h.appEnv();
    const first = await ChildApp.start(env);
    cleanups.push(async () => {
      first.kill('SIGKILL');
      await first.exited;
    });
    h.appUrl = first.url;
    // The second is started as a person would (the real entry point): one line on stderr, exit 1.
    const second = Spawned.run(process.execPath, ['--import', 'tsx', INDEX], { ...env, PORT: '0' }, ROOT);
    expect((await second.exited).code).toBe(1);
    const lines = second.stderr.trim().split('\n');
    expect(lines, second.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(/Another lp-delete \(process \d+ on .+\) is using the data folder/);
    expect(lines[0]).toMatch(/PostgreSQL/);
    const { requestId, ts } = await h.fileRequest({
      type: 'conversation',
      idsText: randomUUID(),
      reason: 'DSR-2X',
    });
    await h.click(APPROVER, ACTION.approve, requestId, ts);
    await h.slack.waitFor(() => h!.threadTexts(ts).find((t) => t.includes('127223')), 20_000);
    record({
      fault: 'Two instances on one data folder (a second `npm start`)',
      expected: 'the second exits 1 with one line naming the holder; the first files and submits once',
      observed: `second refused: yes; creates ${creates(h)}`,
      lost: 0,
      duplicates: creates(h) - 1,
    });
  }, 90_000);

  it('disk full: refused at once with what to do, not ready, and fine again once space is back (no restart)', async () => {
    const disk = await smallDisk();
    if (!disk) {
      expect(process.getuid?.(), 'root can mount a tmpfs: the full-disk test must run').not.toBe(0);
      console.log('storage-faults: cannot mount a tmpfs here (not root); the full-disk test did not run');
      return;
    }
    const dataDir = join(disk, 'data');
    await mkdir(dataDir, { mode: 0o700 });
    h = await Harness.start({ dataDir });
    const before = await h.fileRequest({ type: 'conversation', idsText: randomUUID(), reason: 'DSR-BEFORE' });
    const filler = await fill(disk);
    const answer = await h.submitModal(REQUESTER, {
      type: 'conversation',
      idsText: randomUUID(),
      reason: 'DSR-FULL',
    });
    const refusal = JSON.stringify(answer.body);
    expect(refusal).toMatch(/Nothing was filed: lp-delete could not save it/);
    expect(refusal).toMatch(/Try again in a few minutes/);
    const ready = await fetch(`${h.appUrl}/readyz`);
    expect(ready.status).toBe(503);
    // An Approve while the disk is full is refused too, and nothing reaches LivePerson.
    await h.click(APPROVER, ACTION.approve, before.requestId, before.ts);
    await h.slack.waitFor(() => h!.ephemeralsTo(APPROVER).find((t) => /could not save/.test(t)));
    expect(creates(h)).toBe(0);

    await rm(filler);
    const again = await h.fileRequest({ type: 'conversation', idsText: randomUUID(), reason: 'DSR-AFTER' });
    expect((await fetch(`${h.appUrl}/readyz`)).status).toBe(200);
    await h.click(APPROVER, ACTION.approve, before.requestId, before.ts);
    await h.slack.waitFor(() => h!.threadTexts(before.ts).find((t) => t.includes('127223')));
    const open = await h.store.listOpen();
    record({
      fault: 'Disk full (2 MB tmpfs) during a filing and an Approve',
      expected:
        'the person is told nothing was saved; /readyz 503; writes work again once space is freed, no restart',
      observed: `refused with "could not save"; readyz 503 then 200; ${again.requestId} filed and ${before.requestId} submitted after freeing space; ${open.length} open`,
      lost: 0,
      duplicates: creates(h) - 1,
    });
  }, 60_000);

  it('a copy of the folder taken while the app writes restores consistently; the documented backup restores every request', async () => {
    h = await Harness.start();
    const filed: { requestId: string; ts: string }[] = [];
    for (let i = 0; i < 6; i += 1) {
      filed.push(await h.fileRequest({ type: 'conversation', idsText: randomUUID(), reason: `DSR-B${i}` }));
    }
    const backup = await mkdtemp(join(tmpdir(), 'lp-delete-backup-'));
    cleanups.push(() => rm(backup, { recursive: true, force: true }));
    // Approvals and submissions under way while the README's backup command copies the folder.
    const clicks = filed.slice(0, 3).map((f) => h!.click(APPROVER, ACTION.approve, f.requestId, f.ts));
    execFileSync('cp', ['-a', `${h.dataDir}/.`, backup]);
    await Promise.all(clicks);
    for (const f of filed.slice(0, 3)) {
      await h.slack.waitFor(async () =>
        (await h!.store.get(f.requestId))?.status === 'submitted' ? true : undefined,
      );
    }
    const createsBefore = creates(h);
    // Restore as README says: stop, put the copy in place (without the lock file), start.
    await h.stopApp();
    await rm(h.dataDir, { recursive: true, force: true });
    await cp(backup, h.dataDir, { recursive: true });
    await rm(join(h.dataDir, 'lp-delete.lock'), { force: true, recursive: true });
    await h.startApp();
    const statuses = await Promise.all(filed.map(async (f) => (await h!.store.get(f.requestId))?.status));
    expect(statuses.every((s) => s !== undefined)).toBe(true);
    // A request the copy caught mid-submission is looked up at LivePerson, never sent again.
    await h.app.housekeeping.runOnce();
    expect(creates(h)).toBe(createsBefore);
    record({
      fault: 'A copy of the data folder taken while the app writes, then restored (README backup)',
      expected:
        'every file whole, every request present; a request caught submitting is reconciled, not re-sent',
      observed: `restored statuses: ${statuses.join(', ')}; creates ${creates(h)} for 3 approvals`,
      lost: statuses.filter((s) => s === undefined).length,
      duplicates: creates(h) - 3,
    });
  }, 60_000);

  it('Slack refusing a notice for good (not_in_channel, then invalid_blocks): kept, retried, delivered once fixed, requester told only after', async () => {
    h = await Harness.start();
    for (let i = 0; i < 4; i += 1) h.slack.failNext('chat.postMessage', { error: 'not_in_channel' });
    h.slack.failNext('chat.postMessage', { error: 'invalid_blocks' });
    const answer = await h.submitModal(REQUESTER, {
      type: 'conversation',
      idsText: randomUUID(),
      reason: 'DSR-NIC',
    });
    expect(answer.status).toBe(200);
    await h.slack.waitFor(() =>
      h!.logLines.some((l) => l.includes('notice_needs_admin')) ? true : undefined,
    );
    // Not posted yet: the requester has not been told "sent for approval".
    expect(h.dmsTo(REQUESTER)).toHaveLength(0);
    const owed = await h.store.owedNotices();
    expect(owed.map((n) => n.notice.kind)).toEqual(['approval_post', 'requester_filed']);
    // The doctor (read-only, beside the app) shows what waits.
    const checks = await runChecks(h.appEnv(), {});
    const notices = checks.find((c) => c.name === 'Slack notices');
    expect(notices?.ok).toBe(false);
    expect(notices?.detail).toMatch(
      /could not be delivered yet \(Slack said: (not_in_channel|invalid_blocks)/,
    );
    // And the approvers' Home tab says so (no one else's).
    await h.event({ type: 'app_home_opened', user: APPROVER, channel: 'D0HOME', tab: 'home' });
    const home = await h.slack.waitFor(() =>
      h!.slack.views.find(
        (v) => v.type === 'home' && JSON.stringify(v.view).includes('could not be delivered yet'),
      ),
    );
    expect(JSON.stringify(home.view)).toMatch(/not_in_channel|invalid_blocks/);
    const message = await h.slack.waitFor(() => h!.approvalMessages()[0], 20_000);
    await h.slack.waitFor(() => h!.dmsTo(REQUESTER)[0], 10_000);
    expect(h.approvalMessages()).toHaveLength(1);
    expect(
      h.logLines.some((l) => l.includes('notice_rejected_by_slack') && l.includes('invalid_blocks')),
    ).toBe(true);
    record({
      fault: 'Slack refuses the approval post for good (not_in_channel ×4, invalid_blocks) until fixed',
      expected:
        'kept and retried with back-off, logged once per cause, shown by the doctor; posted once fixed; DM only after',
      observed: `approval posted once (${message.ts}); DM after it; no restart`,
      lost: 0,
      duplicates: h.approvalMessages().length - 1,
    });
  }, 60_000);

  it('overload: 300 filings at 100 a second while Slack is down, then a stop: bounded shutdown, nothing lost, all delivered after', async () => {
    h = await Harness.start();
    for (let i = 0; i < 2000; i += 1) h.slack.failNext('chat.postMessage', { httpStatus: 503 });
    // About 100 filings a second for three seconds (the probe that found the fault sent 85 a second).
    const answers = await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        new Promise((r) => setTimeout(r, i * 10)).then(() =>
          h!.submitModal(REQUESTER, { type: 'conversation', idsText: randomUUID(), reason: `DSR-O${i}` }),
        ),
      ),
    );
    const odd = answers.filter((a) => a.status !== 200 || a.body !== '');
    expect(odd.map((a) => `${a.status} ${JSON.stringify(a.body).slice(0, 200)}`)).toEqual([]);
    const started = Date.now();
    await h.stopApp();
    const stopMs = Date.now() - started;
    expect(stopMs).toBeLessThan(5_000);
    const reader = await openFileStore(h.dataDir, { readOnly: true });
    const open = await reader.listOpen();
    expect(open).toHaveLength(300);
    h.slack.clearFailures();
    await h.startApp();
    await h.slack.waitFor(() => (h!.approvalMessages().length >= 300 ? true : undefined), 60_000);
    record({
      fault: 'Overload: 300 filings at 100/s while Slack answers 503, then a stop',
      expected:
        'every filing acknowledged and stored; stop within the grace; every approval posted after restart, once',
      observed: `stop took ${stopMs} ms; ${open.length} stored; ${h.approvalMessages().length} approval messages after restart`,
      lost: 300 - open.length,
      duplicates: h.approvalMessages().length - 300,
    });
  }, 120_000);

  it('the clock jumps a year ahead: a request is still found by its id (status and cancel)', async () => {
    let now = Date.now();
    h = await Harness.start({ now: () => new Date(now) });
    const { requestId, ts } = await h.fileRequest({
      type: 'conversation',
      idsText: randomUUID(),
      reason: 'DSR-CLK',
    });
    await h.click(APPROVER, ACTION.approve, requestId, ts);
    await h.slack.waitFor(() => h!.threadTexts(ts).find((t) => t.includes('127223')));
    now += 400 * 86_400_000;
    await h.stopApp();
    await h.startApp();
    await h.app.housekeeping.runOnce();
    await h.command(REQUESTER, `status ${requestId}`);
    const status = await h.slack.waitFor(() => h!.ephemeralsTo(REQUESTER).find((t) => t.includes(requestId)));
    now -= 400 * 86_400_000; // back in the cancel window: cancel finds it by id
    await h.command(APPROVER_2, `cancel ${requestId}`);
    await h.slack.waitFor(async () =>
      (await h!.store.get(requestId))?.status === 'cancelled' ? true : undefined,
    );
    record({
      fault: 'The system clock jumps a year ahead and back',
      expected: 'status and cancel still find the request by its id',
      observed: `status answered (${status.length} chars); cancelled after the clock came back`,
      lost: 0,
      duplicates: creates(h) - 1,
    });
  }, 60_000);

  it('audit and doctor beside the live app, then the app approves, restarts and still has every change', async () => {
    h = await Harness.start();
    const { requestId, ts } = await h.fileRequest({
      type: 'conversation',
      idsText: randomUUID(),
      reason: 'DSR-RD',
    });
    const rejected = await h.fileRequest({ type: 'conversation', idsText: randomUUID(), reason: 'DSR-RJ' });
    await h.app.decisions.reject(rejected.requestId, APPROVER, 'duplicate');
    let out = '';
    const code = await runAudit(['--format', 'json', '--month', requestId.slice(3, 10)], {
      env: { DATA_DIR: h.dataDir },
      stdout: { write: (t: string) => (out += t) },
      stderr: { write: () => true },
    });
    expect(code).toBe(0);
    expect((JSON.parse(out) as { count: number }).count).toBe(2);
    const checks = await runChecks(h.appEnv(), {});
    expect(checks.find((c) => c.name === 'data')?.ok).toBe(true);
    // The readers left no trace: no lock taken, nothing written or removed.
    expect((await readdir(h.dataDir)).sort()).toEqual(
      expect.arrayContaining(['lp-delete.lock', 'months.json', 'open', 'store.json']),
    );
    await h.click(APPROVER, ACTION.approve, requestId, ts);
    await h.slack.waitFor(async () =>
      (await h!.store.get(requestId))?.status === 'submitted' ? true : undefined,
    );
    await h.stopApp();
    await h.startApp();
    expect((await h.store.get(requestId))?.status).toBe('submitted');
    expect((await h.store.get(rejected.requestId))?.status).toBe('rejected');
    record({
      fault: 'npm run audit and npm run doctor beside the running app',
      expected: 'they read without a lock; the app keeps writing; after a restart every change is there',
      observed: 'audit 2 rows, doctor data OK; approval and rejection kept across the restart',
      lost: 0,
      duplicates: creates(h) - 1,
    });
  }, 60_000);

  it('SIGKILL during a stream of approvals: nothing acknowledged is lost, nothing sent twice, every notice delivered after', async () => {
    h = await Harness.start();
    const filed: { requestId: string; ts: string }[] = [];
    for (let i = 0; i < 12; i += 1) {
      filed.push(await h.fileRequest({ type: 'conversation', idsText: randomUUID(), reason: `DSR-K${i}` }));
    }
    await h.stopApp();
    h.external = true;
    const env = h.appEnv();
    const child = await ChildApp.start(env);
    h.appUrl = child.url;
    h.lp.inject({ kind: 'create', delayMs: 150, times: 12 });
    const clicks = filed.map((f, i) =>
      new Promise((r) => setTimeout(r, i * 40)).then(() =>
        h!.click(APPROVER, ACTION.approve, f.requestId, f.ts),
      ),
    );
    await new Promise((r) => setTimeout(r, 250));
    child.kill('SIGKILL');
    await Promise.allSettled(clicks);
    await child.exited;
    const createsAtKill = creates(h);
    const second = await ChildApp.start(env);
    h.appUrl = second.url;
    // Approve what the kill cut off before it was taken (a click that never reached the store).
    for (const f of filed) await h.click(APPROVER_2, ACTION.approve, f.requestId, f.ts);
    const reader = async () => {
      const store = await openFileStore(env.DATA_DIR!, { readOnly: true });
      return Promise.all(filed.map(async (f) => (await store.get(f.requestId))?.status));
    };
    await h.slack.waitFor(
      async () =>
        (await reader()).every((s) => s === 'submitted' || s === 'outcome_unknown') ? true : undefined,
      30_000,
    );
    // Every notice saved with those changes reaches Slack after the crash: each thread gets its record or
    // its "may or may not" explanation.
    for (const f of filed) {
      await h.slack.waitFor(
        () => h!.threadTexts(f.ts).find((t) => /LivePerson request|may or may not/i.test(t)),
        20_000,
      );
    }
    second.kill('SIGTERM');
    await second.exited;
    const statuses = await reader();
    const perRequest = new Map<string, number>();
    for (const r of h.lp.requests)
      perRequest.set(JSON.stringify(r.ids), (perRequest.get(JSON.stringify(r.ids)) ?? 0) + 1);
    const twice = [...perRequest.values()].filter((n) => n > 1).length;
    record({
      fault: 'SIGKILL during a stream of 12 Approve clicks (LivePerson answering in 150 ms)',
      expected: 'every request submitted once or, if cut mid-call, reconciled; none sent twice',
      observed: `${createsAtKill} creates before the kill, ${creates(h)} in all; statuses: ${[...new Set(statuses)].join('/')}`,
      lost: statuses.filter((s) => s === undefined).length,
      duplicates: twice,
    });
  }, 120_000);
});
