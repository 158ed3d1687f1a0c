/**
 * Start-up as a new installer meets it (issue 24): the real entry point in a child process, against the
 * real faults. A data folder Node's recursive mkdir never returns from (/proc/x), a Slack that accepts
 * connections and never answers (a net.Server on loopback), a host that does not resolve (the reserved
 * `.invalid` top-level domain, RFC 2606), one approver, a misspelt setting: each gives one plain line on
 * stderr (and a stop, or the line while it keeps running), and a signal while it starts is obeyed within
 * 2 s with exit 0.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../../sandbox/rtbf/start-sandbox.js';
import type { Sandbox } from '../../sandbox/rtbf/types.js';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack.js';
import { Spawned } from '../support/spawned.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const INDEX = join(ROOT, 'src', 'index.ts');
const BOT_TOKEN = 'xoxb-first-hour-test';
const RUNNING = /lp-delete is running \(HTTP on port (\d+)/;
/** The README's promise: a line a person can act on is at most this long (paths aside, which are short here). */
const LINE_MAX = 160;

let slack: FakeSlack;
let lp: Sandbox;
let dir: string;
/** Accepts every connection and never answers: a proxy or firewall that swallows requests. */
let silent: Server;
const sockets = new Set<Socket>();
const children: Spawned[] = [];

beforeAll(async () => {
  slack = await startFakeSlack({
    botToken: BOT_TOKEN,
    channels: ['CPRIVACY1'],
    usergroups: { SAPPROVERS: ['UAPPROVER1'] },
  });
  lp = await startSandbox({ accountId: '20762324' });
  dir = await mkdtemp(join(tmpdir(), 'lp-delete-first-hour-'));
  silent = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
});
afterEach(async () => {
  for (const child of children.splice(0)) {
    child.kill('SIGKILL');
    await child.exited;
  }
});
afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => silent.close(resolve));
  await Promise.all([slack.close(), lp.close()]);
  await rm(dir, { recursive: true, force: true });
});

function env(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    LP_ACCOUNT_ID: '20762324',
    LP_CLIENT_ID: 'sandbox-client',
    LP_CLIENT_SECRET: 'sandbox-client-secret',
    LP_DOMAIN_API_URL: lp.url,
    DATA_DIR: join(dir, randomUUID()),
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: 'first-hour-signing-secret',
    SLACK_API_URL: slack.url,
    PRIVACY_CHANNEL_ID: 'CPRIVACY1',
    APPROVER_USER_IDS: 'UAPPROVER1,UAPPROVER2',
    PORT: '0',
    ...overrides,
  };
}

function startApp(overrides: Record<string, string> = {}, unset: string[] = []): Spawned {
  const vars = env(overrides);
  for (const name of unset) vars[name] = '';
  const child = Spawned.run(process.execPath, ['--import', 'tsx', INDEX], vars, ROOT);
  children.push(child);
  return child;
}

function stderrLines(child: Spawned): string[] {
  return child.stderr.split('\n').filter((line) => line.trim() !== '');
}

/** Every stderr line short, plain, no stack or error class; returns the lines. */
function plainLines(child: Spawned): string[] {
  const lines = stderrLines(child);
  for (const line of lines) {
    expect(line.length, line).toBeLessThanOrEqual(LINE_MAX);
    expect(line).not.toMatch(/^\s+at |Error:|fetch failed/);
  }
  return lines;
}

/** Sends `signal` and resolves with the exit code and how long the process took to go. */
async function signalled(
  child: Spawned,
  signal: NodeJS.Signals,
): Promise<{ code: number | null; ms: number }> {
  const sent = Date.now();
  child.kill(signal);
  const { code } = await child.exited;
  return { code, ms: Date.now() - sent };
}

describe('start-up never hangs', () => {
  it('DATA_DIR=/proc/x: one line naming the folder and the fix, exit 1, no "write access to /proc"', async () => {
    const child = startApp({ DATA_DIR: '/proc/x' });
    const exit = await Promise.race([
      child.exited,
      new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 15_000)),
    ]);
    expect(exit, `still running after 15 s; stderr: ${child.stderr}`).not.toBe('hung');
    expect(exit).toMatchObject({ code: 1 });
    const lines = plainLines(child);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^lp-delete cannot start: \/proc is a system folder: \/proc\/x cannot be made there/,
    );
    expect(lines[0]).toMatch(/Fix: set DATA_DIR to a folder lp-delete can write/);
    expect(child.stderr).not.toContain('write access to /proc');
  }, 30_000);

  it('a Slack that accepts connections and never answers: a line per attempt with the host, and SIGTERM obeyed within 2 s', async () => {
    const { port } = silent.address() as { port: number };
    const child = startApp({ SLACK_API_URL: `http://127.0.0.1:${port}/api/` });
    await child.waitFor(/still starting/, 25_000);
    const lines = plainLines(child);
    expect(lines).toEqual([
      `lp-delete is still starting: Slack unreachable (no answer from 127.0.0.1:${port} within 10 s), retrying in 1 s`,
    ]);
    expect(child.stdout).toMatch(
      /"event":"slack_unreachable".*"detail":"no answer from 127\.0\.0\.1:\d+ within 10 s"/,
    );
    // Waiting on the hung call again, not stuck: a signal now stops it at once.
    const { code, ms } = await signalled(child, 'SIGTERM');
    expect(code).toBe(0);
    expect(ms).toBeLessThan(2000);
    expect(plainLines(child).at(-1)).toBe('lp-delete stopped (SIGTERM) before it was ready.');
  }, 60_000);

  it('DNS failure for Slack and LivePerson: each named with its host, no "fetch failed" noise, SIGINT obeyed within 2 s', async () => {
    const child = startApp({
      SLACK_API_URL: 'https://slack.lp-delete-test.invalid/api/',
      LP_DOMAIN_API_URL: 'https://lp.lp-delete-test.invalid',
    });
    await child.waitFor(/Slack unreachable/, 25_000);
    await child.waitFor(/LivePerson cannot be used yet/, 25_000);
    const lines = plainLines(child);
    expect(lines).toContain(
      'lp-delete is still starting: Slack unreachable (DNS failure for slack.lp-delete-test.invalid), retrying in 1 s',
    );
    expect(lines).toContain(
      'lp-delete: LivePerson cannot be used yet: DNS failure for lp.lp-delete-test.invalid (Domain API). ' +
        'Fix: check the network and LP_DOMAIN_API_URL.',
    );
    // Bolt's per-try "http request failed fetch failed" is folded into the one line.
    expect(child.stdout).not.toContain('http request failed');
    const { code, ms } = await signalled(child, 'SIGINT');
    expect(code).toBe(0);
    expect(ms).toBeLessThan(2000);
  }, 60_000);

  it('a signal as soon as it listens, while the first Slack call hangs, is obeyed within 2 s, exit 0', async () => {
    const { port } = silent.address() as { port: number };
    const child = startApp({ SLACK_API_URL: `http://127.0.0.1:${port}/api/` });
    await child.waitFor(/"event":"http_listening"/, 25_000);
    const { code, ms } = await signalled(child, 'SIGTERM');
    expect(code).toBe(0);
    expect(ms).toBeLessThan(2000);
    expect(plainLines(child)).toEqual(['lp-delete stopped (SIGTERM) before it was ready.']);
  }, 60_000);
});

describe('four-eyes and settings, said at start-up without Slack', () => {
  it('a single approver id: one warning line, and the app runs', async () => {
    const child = startApp({ APPROVER_USER_IDS: 'UAPPROVER1' });
    await child.waitFor(RUNNING, 30_000);
    const lines = plainLines(child);
    expect(lines[0]).toBe(
      "lp-delete: only 1 approver and no group: nobody can approve an approver's own request. " +
        'Fix: add a second U… id to APPROVER_USER_IDS.',
    );
    expect(lines).toHaveLength(2);
    expect(child.stdout).toMatch(/"event":"too_few_approvers","approvers":1/);
    expect((await signalled(child, 'SIGTERM')).code).toBe(0);
  }, 60_000);

  it('the single approver is warned about while Slack is unreachable too (counting ids needs no Slack)', async () => {
    const child = startApp({
      APPROVER_USER_IDS: 'UAPPROVER1',
      SLACK_API_URL: 'https://slack.lp-delete-test.invalid/api/',
    });
    await child.waitFor(/only 1 approver/, 25_000);
    expect(child.stderr).not.toContain('lp-delete is running');
    expect((await signalled(child, 'SIGTERM')).code).toBe(0);
  }, 60_000);

  it('an approver group of one: counted once Slack answers, said as a line while it runs', async () => {
    const child = startApp({ APPROVER_USERGROUP_ID: 'SAPPROVERS' }, ['APPROVER_USER_IDS']);
    await child.waitFor(RUNNING, 30_000);
    await child.waitFor(/only 1 approver, with group/, 30_000);
    expect(plainLines(child)).toContain(
      'lp-delete: only 1 approver, with group SAPPROVERS: their own requests cannot be approved. ' +
        'Fix: add a second person to the group or APPROVER_USER_IDS.',
    );
    expect((await signalled(child, 'SIGTERM')).code).toBe(0);
  }, 60_000);

  it('a misspelt setting next to a working set-up: named with the nearest known one, and the app runs', async () => {
    const child = startApp({ SLACK_SIGNING_SECRETS: 'typo' });
    await child.waitFor(RUNNING, 30_000);
    expect(plainLines(child)[0]).toBe(
      'lp-delete: SLACK_SIGNING_SECRETS is not a setting lp-delete reads; did you mean SLACK_SIGNING_SECRET?',
    );
    expect((await signalled(child, 'SIGTERM')).code).toBe(0);
  }, 60_000);

  it('a misspelt approvers setting: named with the one it stands for, then the stop for no approvers', async () => {
    const child = startApp({ APPROVERS_USER_IDS: 'UAPPROVER1,UAPPROVER2' }, ['APPROVER_USER_IDS']);
    expect((await child.exited).code).toBe(1);
    expect(stderrLines(child)[0]).toBe(
      'lp-delete: APPROVERS_USER_IDS is not a setting lp-delete reads; did you mean APPROVER_USER_IDS?',
    );
    expect(child.stderr).toContain('no approvers: set APPROVER_USER_IDS');
    expect(child.stderr).not.toMatch(/^\s+at /m);
  }, 60_000);
});
