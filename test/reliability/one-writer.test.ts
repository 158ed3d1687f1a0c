/**
 * One writer under real faults (issue 25): the fault-injection review's E13 (two containers on one data
 * folder, both pid 1 on one host name; a holder paused past its staleness time), three processes racing
 * on a stale lock, a PostgreSQL that is frozen (SIGSTOP on a cluster of the test's own) or silent (accepts
 * TCP, never answers), and a clock minutes off. Everything runs for real: PID namespaces (unshare, root),
 * signals, a PostgreSQL cluster started from the machine's binaries. Rows go to docs/reliability.md.
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { chown, mkdtemp, readdir, rm, stat, utimes } from 'node:fs/promises';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { runChecks } from '../../src/doctor/doctor.js';
import { openFileStore } from '../../src/store/lowdb/file-store.js';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { aRequest } from '../store/contract.js';
import { approveButtonValue, Harness, REQUESTER } from '../support/harness.js';
import { createTestDatabase, postgresAvailable } from '../support/postgres.js';
import { pidsWithEnv, Spawned } from '../support/spawned.js';
import { record, writeRowsOnExit } from './rows.js';

writeRowsOnExit(afterAll, 'One writer under real faults (issue 25)');

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const INDEX = join(ROOT, 'src', 'index.ts');
const APP = join(ROOT, 'test', 'support', 'app-process.ts');
const RACER = fileURLToPath(new URL('./lock-racer.ts', import.meta.url));
const MARK = 'LPD_ONE_WRITER_TEST';

/**
 * How this machine lets us give a process a PID namespace of its own: as root, or (unprivileged) inside a
 * user namespace of its own; undefined where neither is allowed (the E13 tests are then skipped).
 */
const UNSHARE = [
  ['--pid', '--fork', '--mount-proc', '--kill-child'],
  ['--user', '--map-root-user', '--pid', '--fork', '--mount-proc', '--kill-child'],
].find((args) => {
  try {
    execFileSync('unshare', [...args, 'true'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
});
if (!UNSHARE)
  console.warn('one-writer: unshare is not allowed here; the PID namespace (E13) tests are skipped');
const PG_BIN = (() => {
  const versions = existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql').sort() : [];
  const bin = versions.length > 0 ? `/usr/lib/postgresql/${versions.at(-1)}/bin` : undefined;
  return bin && existsSync(join(bin, 'initdb')) && process.getuid?.() === 0 ? bin : undefined;
})();

let h: Harness | undefined;
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await Promise.resolve(cleanup()).catch(() => undefined);
  await h?.close();
  h = undefined;
});

/** Every live process started with `MARK=mark` (unshare and the node inside it), killed on clean-up. */
function killMarked(mark: string): void {
  for (const pid of pidsWithEnv(MARK, mark)) {
    try {
      process.kill(pid, 'SIGCONT');
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone already
    }
  }
}

/** `script` run by node (through tsx) as pid 1 of a PID namespace of its own, on this host name. */
function inOwnPidNamespace(script: string, env: Record<string, string>): { run: Spawned; mark: string } {
  const mark = randomUUID();
  const run = Spawned.run(
    'unshare',
    [...(UNSHARE ?? []), process.execPath, '--import', 'tsx', script],
    { ...env, [MARK]: mark },
    ROOT,
  );
  cleanups.push(() => killMarked(mark));
  return { run, mark };
}

/** The node process (the app) among the marked ones (not `unshare`), by its pid in our namespace. */
function nodePid(mark: string): number {
  const pid = pidsWithEnv(MARK, mark).find((p) => {
    try {
      // By its command line, not /proc/<pid>/comm: Node 24 names its main thread "MainThread".
      return readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0')[0] === process.execPath;
    } catch {
      return false;
    }
  });
  if (pid === undefined) throw new Error('the app process is not running');
  return pid;
}

async function appUrl(run: Spawned): Promise<string> {
  const match = await run.waitFor(/"event":"app_started"[^\n]*"port":(\d+)/, 30_000);
  return `http://127.0.0.1:${match[1]}`;
}

/** Resolves with the exit, or with undefined once `ms` passed (the process still runs). */
async function exitWithin(run: Spawned, ms: number) {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
  const result = await Promise.race([run.exited, late]);
  clearTimeout(timer);
  return result;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(!UNSHARE)('one writer on a data folder (file store)', () => {
  it('E13: two apps on one data folder, both pid 1 on the same host name: the second refuses with one line, the first keeps filing', async () => {
    h = await Harness.start();
    await h.stopApp();
    h.external = true;
    const env = h.appEnv();
    const first = inOwnPidNamespace(APP, env);
    h.appUrl = await appUrl(first.run);
    // The second as a person (or a second container) starts it: the real entry point.
    const second = inOwnPidNamespace(INDEX, { ...env, PORT: '0' });
    const exit = await exitWithin(second.run, 20_000);
    expect(exit, 'the second app must refuse the folder, not take it over').toBeDefined();
    expect(exit?.code).toBe(1);
    const lines = second.run.stderr.trim().split('\n');
    expect(lines, second.run.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(/Another lp-delete \(process 1 on .+\) is using the data folder/);
    const filed = await h.fileRequest({ type: 'conversation', idsText: randomUUID(), reason: 'E13-first' });
    const stored = await openFileStore(h.dataDir, { readOnly: true });
    expect((await stored.get(filed.requestId))?.reason).toBe('E13-first');
    record({
      fault:
        'E13: a second app on the data folder, both pid 1 on one host name (own PID namespaces, unshare)',
      expected: 'the second exits 1 with one line naming the holder; the first files on',
      observed: `second: exit ${exit?.code}, ${lines.length} line; first filed ${filed.requestId}`,
      lost: 0,
      duplicates: 0,
    });
  }, 60_000);

  it('E13: a holder paused (SIGSTOP) past its staleness time is taken over; resumed, it writes nothing and exits with one line', async () => {
    h = await Harness.start();
    await h.stopApp();
    h.external = true;
    const staleMs = 2_000;
    const env = { ...h.appEnv(), LP_DELETE_TEST_LOCK_STALE_MS: String(staleMs) };
    const first = inOwnPidNamespace(APP, env);
    h.appUrl = await appUrl(first.run);
    const acked: { reason: string; requestId: string }[] = [];
    const one = await h.fileRequest({ type: 'conversation', idsText: randomUUID(), reason: 'E13-A-1' });
    acked.push({ reason: 'E13-A-1', requestId: one.requestId });

    // Paused once it owes Slack nothing: a message posted and not yet recorded as posted is posted again
    // by whoever delivers next (that is the notices' concern, not the lock's).
    const owed = async () => (await openFileStore(h!.dataDir, { readOnly: true })).owedNotices();
    await h.slack.waitFor(async () => ((await owed()).length === 0 ? true : undefined), 10_000);
    const paused = nodePid(first.mark);
    process.kill(paused, 'SIGSTOP');
    // A filing reaches the paused holder: the kernel holds it until the process runs again.
    const late = h
      .submitModal(REQUESTER, { type: 'conversation', idsText: randomUUID(), reason: 'E13-A-late' })
      .then(
        (answer) => answer,
        () => undefined,
      );
    await sleep(staleMs + 500);
    const second = inOwnPidNamespace(APP, env);
    h.appUrl = await appUrl(second.run);
    const two = await h.fileRequest({ type: 'conversation', idsText: randomUUID(), reason: 'E13-B-1' });
    acked.push({ reason: 'E13-B-1', requestId: two.requestId });

    process.kill(paused, 'SIGCONT');
    const exit = await exitWithin(first.run, 15_000);
    const answer = await late;
    const lateAcked = answer?.status === 200 && answer.body === '';
    if (lateAcked) acked.push({ reason: 'E13-A-late', requestId: '?' });
    // The one that took over files on.
    const three = await h.fileRequest({ type: 'conversation', idsText: randomUUID(), reason: 'E13-B-2' });
    acked.push({ reason: 'E13-B-2', requestId: three.requestId });

    const stored = await openFileStore(h.dataDir, { readOnly: true });
    const requests = await stored.listOpen();
    const ids = requests.map((r) => r.id);
    const posted = h.approvalMessages().map((m) => approveButtonValue(m.blocks));
    const lost = acked.filter((a) => !requests.some((r) => r.reason === a.reason)).length;
    const twice = posted.length - new Set(posted).size;
    expect(
      lost,
      `filings acknowledged but not stored (stored: ${requests.map((r) => `${r.id} ${r.reason}`).join(', ')})`,
    ).toBe(0);
    expect(twice, `DR ids handed out twice: ${posted.join(', ')}`).toBe(0);
    for (const a of acked) {
      if (a.requestId !== '?') expect(requests.find((r) => r.id === a.requestId)?.reason).toBe(a.reason);
    }
    expect(exit, 'the resumed holder must stop').toBeDefined();
    const lines = first.run.stderr.trim().split('\n');
    expect(lines, first.run.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(/stopped writing to the data folder .*another lp-delete .* took it over/);
    expect(requests.map((r) => r.reason).sort()).toEqual(['E13-A-1', 'E13-B-1', 'E13-B-2']);
    record({
      fault: `E13: the holder paused (SIGSTOP) past its staleness time (${staleMs / 1000} s here, 30 s by default), a filing sent to it, a second app started; then SIGCONT`,
      expected:
        'the second takes over; the resumed one saves nothing and exits with one line; no DR id twice',
      observed: `taken over: yes; resumed one: exit ${exit?.code}, ${lines.length} line, its late filing ${lateAcked ? 'acknowledged' : 'not acknowledged, not saved'}; stored ${ids.join(', ')}; approval posts ${posted.length}`,
      lost,
      duplicates: twice,
    });
  }, 90_000);
});

describe('the data folder lock under a race', () => {
  it('three processes racing for a stale lock: exactly one wins, every round', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'lp-delete-race-'));
    cleanups.push(() => rm(folder, { recursive: true, force: true }));
    const start = () => {
      const mark = randomUUID();
      cleanups.push(() => killMarked(mark));
      return new Spawned(
        spawn(process.execPath, ['--import', 'tsx', RACER, folder], {
          env: { ...process.env, [MARK]: mark },
          cwd: ROOT,
          stdio: ['pipe', 'pipe', 'pipe'],
        }),
      );
    };
    /** Each contender started and waiting; then the word to all of them at once. */
    const race = async (racers: Spawned[]) => {
      await Promise.all(racers.map((r) => r.waitFor(/^ready$/m, 30_000)));
      for (const r of racers) r.child.stdin?.write('go\n');
      await Promise.all(racers.map((r) => r.waitFor(/^(won|refused \w+)$/m, 20_000)));
    };
    /** Kills the holder and makes its lock look a minute old: stale for every contender. */
    const leaveStale = async (holder: Spawned) => {
      holder.kill('SIGKILL');
      await holder.exited;
      const lock = join(folder, 'lp-delete.lock');
      const past = new Date(Date.now() - 60_000);
      const entries = (await stat(lock)).isDirectory()
        ? (await readdir(lock)).map((n) => join(lock, n))
        : [lock];
      for (const entry of entries) await utimes(entry, past, past);
    };
    let holder = start();
    await race([holder]);
    const winners: number[] = [];
    const ROUNDS = 6;
    for (let round = 0; round < ROUNDS; round += 1) {
      await leaveStale(holder);
      const racers = [start(), start(), start()];
      await race(racers);
      // The winners (one, or more were it wrong) have time to find a rival's generation.
      await sleep(500);
      const won = racers.filter((r) => /^won$/m.test(r.stdout) && !/^lost$/m.test(r.stdout));
      winners.push(racers.filter((r) => /^won$/m.test(r.stdout)).length);
      expect(won, `round ${round + 1}: ${racers.map((r) => r.stdout.trim()).join(' | ')}`).toHaveLength(1);
      for (const r of racers) if (r !== won[0]) r.kill('SIGKILL');
      holder = won[0] ?? holder;
    }
    holder.kill('SIGKILL');
    record({
      fault: `Three processes racing for a stale lock (a killed holder's, a minute old), ${ROUNDS} rounds, told to go at once`,
      expected: 'exactly one wins each round; no winner ever finds another holder',
      observed: `winners per round: ${winners.join(', ')}`,
      lost: 0,
      duplicates: winners.filter((w) => w !== 1).length,
    });
  }, 90_000);
});

describe.skipIf(!postgresAvailable)('request numbers with PostgreSQL', () => {
  it('two replicas filing at once never hand out the same DR id (the counter is one upsert, the id a primary key)', async () => {
    const db = await createTestDatabase();
    cleanups.push(() => db.drop());
    const [a, b] = await Promise.all([
      PostgresStore.open({ url: db.url }),
      PostgresStore.open({ url: db.url }),
    ]);
    cleanups.push(async () => {
      await a?.close();
      await b?.close();
    });
    const month = '2026-12';
    const filings = Array.from({ length: 40 }, (_, i) =>
      (i % 2 === 0 ? a : b).create(month, (id) => aRequest(id, { reason: i % 2 === 0 ? 'a' : 'b' })),
    );
    const ids = (await Promise.all(filings)).map((r) => r.id).sort();
    expect(new Set(ids).size).toBe(40);
    expect(ids[0]).toBe('DR-2026-12-0001');
    expect(ids.at(-1)).toBe('DR-2026-12-0040');
    record({
      fault: 'Two PostgreSQL replicas filing 40 requests at once in one month',
      expected: 'forty different DR ids, numbered 1 to 40',
      observed: `${new Set(ids).size} different ids, ${ids[0]} … ${ids.at(-1)}`,
      lost: 40 - new Set(ids).size,
      duplicates: ids.length - new Set(ids).size,
    });
  }, 30_000);
});

/** A PostgreSQL cluster of the test's own (initdb as user postgres, which refuses root), on a free port. */
async function ownCluster(bin: string): Promise<{ url: string; pids: () => number[]; port: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'lp-delete-pg-'));
  await chown(
    dir,
    Number(execFileSync('id', ['-u', 'postgres']).toString()),
    Number(execFileSync('id', ['-g', 'postgres']).toString()),
  );
  const port = await freePort();
  const asPostgres = (command: string, args: string[]) =>
    execFileSync('runuser', ['-u', 'postgres', '--', join(bin, command), ...args], { stdio: 'ignore' });
  asPostgres('initdb', ['-D', join(dir, 'data'), '-A', 'trust', '-U', 'postgres', '--no-sync']);
  asPostgres('pg_ctl', [
    'start',
    '-w',
    '-D',
    join(dir, 'data'),
    '-l',
    join(dir, 'log'),
    '-o',
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`,
  ]);
  const postmaster = Number(readFileSync(join(dir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
  cleanups.push(async () => {
    for (const pid of [postmaster, ...childrenOf(postmaster)]) process.kill(pid, 'SIGCONT');
    asPostgres('pg_ctl', ['stop', '-m', 'immediate', '-D', join(dir, 'data')]);
    await rm(dir, { recursive: true, force: true });
  });
  const admin = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${port}/postgres` });
  await admin.connect();
  await admin.query('CREATE DATABASE lpd');
  await admin.end();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/lpd`,
    port,
    pids: () => [postmaster, ...childrenOf(postmaster)],
  };
}

function childrenOf(parent: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // The field after the command (in parentheses, which may hold spaces) is the state, then the ppid.
      const fields = readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]?.split(' ');
      if (Number(fields?.[1]) === parent) out.push(Number(entry));
    } catch {
      // ended meanwhile
    }
  }
  return out;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** /readyz's status, or 0 when it gave no answer within `ms`. */
async function readyz(url: string, ms = 3_000): Promise<number> {
  try {
    const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(ms) });
    await res.text();
    return res.status;
  } catch {
    return 0;
  }
}

/** Polls /readyz until it answers `status`; the ms that took, or undefined after `deadlineMs`. */
async function readyzBecomes(url: string, status: number, deadlineMs: number): Promise<number | undefined> {
  const started = Date.now();
  while (Date.now() - started < deadlineMs) {
    if ((await readyz(url)) === status) return Date.now() - started;
    await sleep(100);
  }
  return undefined;
}

describe('PostgreSQL that stops answering', () => {
  it.skipIf(!PG_BIN)(
    'frozen (SIGSTOP on the postmaster and every backend): /readyz turns 503 within 3 s, and 200 again after SIGCONT',
    async () => {
      const cluster = await ownCluster(PG_BIN ?? '');
      h = await Harness.start();
      await h.stopApp();
      h.external = true;
      const mark = randomUUID();
      cleanups.push(() => killMarked(mark));
      const app = Spawned.run(
        process.execPath,
        ['--import', 'tsx', APP],
        { ...h.appEnv(), DATABASE_URL: cluster.url, [MARK]: mark },
        ROOT,
      );
      const url = await appUrl(app);
      expect(await readyzBecomes(url, 200, 10_000)).toBeDefined();
      const frozen = cluster.pids();
      for (const pid of frozen) process.kill(pid, 'SIGSTOP');
      const down = await readyzBecomes(url, 503, 10_000);
      for (const pid of frozen) process.kill(pid, 'SIGCONT');
      const up = await readyzBecomes(url, 200, 20_000);
      expect(down, '/readyz must turn 503 while the database is frozen').toBeDefined();
      expect(down).toBeLessThan(3_000);
      expect(up, '/readyz once the database answers again').toBeDefined();
      record({
        fault: `PostgreSQL frozen: SIGSTOP on a cluster of the test's own (postmaster and ${frozen.length - 1} backends), then SIGCONT`,
        expected:
          '/readyz 503 within 3 s while frozen (a query with an 800 ms deadline), 200 again once it answers',
        observed: `503 after ${down} ms; 200 again ${up} ms after SIGCONT`,
        lost: 0,
        duplicates: 0,
      });
    },
    60_000,
  );

  it('silent (accepts TCP, never answers): start-up stops with one line within 15 s', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    cleanups.push(async () => {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => silent.close(resolve));
    });
    const { port } = silent.address() as AddressInfo;
    h = await Harness.start();
    await h.stopApp();
    const started = Date.now();
    const app = Spawned.run(
      process.execPath,
      ['--import', 'tsx', INDEX],
      { ...h.appEnv(), DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/lpd` },
      ROOT,
    );
    cleanups.push(() => app.kill('SIGKILL'));
    const exit = await exitWithin(app, 20_000);
    const tookMs = Date.now() - started;
    expect(exit, 'start-up must stop, not hang').toBeDefined();
    expect(exit?.code).toBe(1);
    expect(tookMs).toBeLessThan(15_000);
    const lines = app.stderr.trim().split('\n');
    expect(lines, app.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(
      /Cannot connect to the database 127\.0\.0\.1:\d+\/lpd\. .*did not answer in time/,
    );
    record({
      fault: 'PostgreSQL that accepts TCP and never answers, at start-up',
      expected: 'start-up stops within 15 s with one line naming the server',
      observed: `exit ${exit?.code} after ${(tookMs / 1000).toFixed(1)} s, ${lines.length} line`,
      lost: 0,
      duplicates: 0,
    });
  }, 40_000);
});

describe('clock sense', () => {
  it("a clock 5 minutes behind LivePerson's and Slack's (their Date headers): a doctor warning and a log line", async () => {
    h = await Harness.start({ clockSkewMs: 5 * 60_000 });
    const checks = await runChecks(h.appEnv());
    const clock = checks.find((c) => c.name === 'clock');
    expect(clock?.warning).toBe(true);
    expect(clock?.detail).toMatch(/5 min 0 s behind LivePerson's, and 5 min 0 s behind Slack's/);
    // The app says so at start, in its log (the start-up self-check), with nothing personal in it.
    await h.stopApp();
    h.external = true;
    const mark = randomUUID();
    cleanups.push(() => killMarked(mark));
    const app = Spawned.run(
      process.execPath,
      ['--import', 'tsx', APP],
      { ...h.appEnv(), [MARK]: mark },
      ROOT,
    );
    const line = (await app.waitFor(/^.*"event":"self_check"[^\n]*"name":"clock"[^\n]*$/m, 30_000))[0];
    const logged = JSON.parse(line) as { level: string; warning?: boolean; detail: string };
    expect(logged.level).toBe('warn');
    expect(logged.detail).toMatch(/behind LivePerson's/);
    // Within a minute is no warning.
    const fine = await Harness.start({ clockSkewMs: 20_000 });
    cleanups.push(() => fine.close());
    const within = (await runChecks(fine.appEnv())).find((c) => c.name === 'clock');
    expect(within?.warning).toBeUndefined();
    record({
      fault: "This machine's clock 5 minutes behind LivePerson's and Slack's",
      expected: 'a doctor warning and a log line at start-up (20 s off: none)',
      observed: `doctor: "${clock?.detail}"; log: ${logged.level} self_check clock`,
      lost: 0,
      duplicates: 0,
    });
  }, 60_000);
});
