/**
 * Start-up as a person meets it: the real entry point in a child process against the fake Slack Web API
 * and the LivePerson sandbox. A wrong token or an unwritable data folder is one line and exit 1, never a
 * stack trace; Slack answering 503 is waited out; /healthz and /readyz answer once it runs.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../../sandbox/rtbf/start-sandbox.js';
import type { Sandbox } from '../../sandbox/rtbf/types.js';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack.js';
import { pidsWithEnv, Spawned } from '../support/spawned.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const INDEX = join(ROOT, 'src', 'index.ts');
const BOT_TOKEN = 'xoxb-start-up-test';
const RUNNING = /lp-delete is running \(HTTP on port (\d+)/;

let slack: FakeSlack;
let lp: Sandbox;
let dir: string;
const children: Spawned[] = [];

beforeAll(async () => {
  slack = await startFakeSlack({ botToken: BOT_TOKEN, channels: ['CPRIVACY1'] });
  lp = await startSandbox({ accountId: '20762324' });
  dir = await mkdtemp(join(tmpdir(), 'lp-delete-start-up-'));
});
afterEach(async () => {
  for (const child of children.splice(0)) {
    child.kill('SIGKILL');
    await child.exited;
  }
});
afterAll(async () => {
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
    SLACK_SIGNING_SECRET: 'start-up-signing-secret',
    SLACK_API_URL: slack.url,
    PRIVACY_CHANNEL_ID: 'CPRIVACY1',
    APPROVER_USER_IDS: 'UAPPROVER1,UAPPROVER2',
    PORT: '0',
    ...overrides,
  };
}

function startApp(overrides: Record<string, string> = {}): Spawned {
  const child = Spawned.run(process.execPath, ['--import', 'tsx', INDEX], env(overrides), ROOT);
  children.push(child);
  return child;
}

/** What a person sees on the terminal: stderr (stdout carries the JSON log lines). */
function expectOneLineNoStack(stderr: string): string {
  const lines = stderr.trim().split('\n');
  expect(lines, stderr).toHaveLength(1);
  expect(stderr).not.toMatch(/^\s+at /m);
  expect(stderr).not.toMatch(/WebAPIPlatformError|Error:/);
  return lines[0] ?? '';
}

async function get(port: number, path: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: res.status, body: await res.json() };
}

/** A local port nothing listens on. */
async function closedPort(): Promise<number> {
  const { createServer } = await import('node:net');
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('start-up', () => {
  it('a token Slack rejects: exit 1 with one line naming SLACK_BOT_TOKEN and the fix, no stack', async () => {
    const child = startApp({ SLACK_BOT_TOKEN: 'xoxb-revoked-or-wrong' });
    expect((await child.exited).code).toBe(1);
    const line = expectOneLineNoStack(child.stderr);
    expect(line).toBe(
      'lp-delete cannot start: Slack answered invalid_auth. ' +
        'Fix: click Reinstall to Workspace (OAuth & Permissions), copy the new xoxb-… token into SLACK_BOT_TOKEN.',
    );
    expect(line).not.toContain('xoxb-revoked-or-wrong');
  }, 60_000);

  it('Socket Mode with an app-level token Slack rejects: exit 1 naming SLACK_APP_TOKEN and the fix', async () => {
    const child = startApp({ SLACK_APP_TOKEN: 'xapp-1-wrong', SLACK_SIGNING_SECRET: '' });
    expect((await child.exited).code).toBe(1);
    const line = expectOneLineNoStack(child.stderr);
    expect(line).toMatch(/^lp-delete cannot start: Slack answered invalid_auth for SLACK_APP_TOKEN\. Fix: /);
    expect(line).toContain('connections:write');
    expect(line).not.toContain('xapp-1-wrong');
  }, 60_000);

  it('a data folder it cannot write: exit 1 with the fix, before touching Slack', async () => {
    const blocker = join(dir, `not-a-folder-${randomUUID()}`);
    await writeFile(blocker, 'a file where the data folder should be');
    const calls = slack.calls.length;
    const child = startApp({ DATA_DIR: blocker });
    expect((await child.exited).code).toBe(1);
    const line = expectOneLineNoStack(child.stderr);
    expect(line).toMatch(/^lp-delete cannot start: .* is a file, not a folder/);
    expect(line).toMatch(/Fix: move .* away, or set DATA_DIR to a folder lp-delete can write\.$/);
    expect(slack.calls.length).toBe(calls);
  }, 60_000);

  it.runIf(process.getuid?.() !== 0)(
    'a read-only data folder (not root): exit 1 naming the folder and the fix',
    async () => {
      const { chmod, mkdir } = await import('node:fs/promises');
      const readOnly = join(dir, `read-only-${randomUUID()}`);
      await mkdir(readOnly, { mode: 0o500 });
      await chmod(readOnly, 0o500);
      const child = startApp({ DATA_DIR: readOnly });
      expect((await child.exited).code).toBe(1);
      const line = expectOneLineNoStack(child.stderr);
      expect(line).toContain(`cannot create files in ${readOnly}`);
      expect(line).toContain('give the user running lp-delete write access');
    },
    60_000,
  );

  it('Slack answering 503 at start: alive but not ready, retried with back-off, serving once Slack recovers', async () => {
    // Enough failures to outlast the Web API client's own retries (3 calls each), so start-up backs off twice.
    for (let i = 0; i < 7; i++) slack.failNext('auth.test', { httpStatus: 503 });
    const child = startApp();
    const [, listening] = await child.waitFor(/"event":"http_listening","port":(\d+)/, 30_000);
    const port = Number(listening);
    await child.waitFor(/"event":"slack_unreachable"/, 30_000);
    // Alive for a platform's liveness probe, not ready for traffic; no "running" claim yet.
    expect(await get(port, '/healthz')).toEqual({ status: 200, body: { ok: true } });
    expect(await get(port, '/readyz')).toEqual({
      status: 503,
      body: { ok: false, store: true, slack: false },
    });
    expect(child.stderr).not.toContain('lp-delete is running');

    const [, running] = await child.waitFor(RUNNING, 60_000);
    expect(Number(running)).toBe(port);
    expect(child.stdout).toMatch(
      /"event":"slack_unreachable".*"detail":"127\.0\.0\.1:\d+ answered HTTP 503"/,
    );
    expect(child.stderr).toMatch(
      /still starting: Slack unreachable \(127\.0\.0\.1:\d+ answered HTTP 503\), retrying in \d+ s/,
    );
    expect(child.stdout).toMatch(/"event":"slack_reachable"/);
    expect(child.stderr).not.toMatch(/^\s+at /m);
    expect(await get(port, '/readyz')).toEqual({
      status: 200,
      body: { ok: true, store: true, slack: true },
    });
    expect(await get(port, '/health')).toEqual({ status: 200, body: { ok: true } });
    child.kill('SIGTERM');
    expect((await child.exited).code).toBe(0);
  }, 90_000);

  it('SIGTERM while Slack cannot be reached at start: stops at once, exit 0', async () => {
    const nowhere = await closedPort();
    const child = startApp({ SLACK_API_URL: `http://127.0.0.1:${nowhere}/api/` });
    await child.waitFor(
      /"event":"slack_unreachable".*"detail":"127\.0\.0\.1:\d+ refused the connection"/,
      30_000,
    );
    child.kill('SIGTERM');
    expect((await child.exited).code).toBe(0);
    expect(child.stderr).not.toMatch(/^\s+at /m);
  }, 90_000);

  it('SIGTERM to `npm start` stops the app too: no orphan, the port closes', async () => {
    const marker = randomUUID();
    const npm = Spawned.run('npm', ['start'], env({ LP_DELETE_TEST_MARKER: marker }), ROOT);
    children.push(npm);
    const [, port] = await npm.waitFor(RUNNING, 90_000);
    expect(await portOpen(Number(port))).toBe(true);
    expect(pidsWithEnv('LP_DELETE_TEST_MARKER', marker).length).toBeGreaterThan(0);
    npm.kill('SIGTERM');
    await npm.exited;
    const deadline = Date.now() + 15_000;
    while (pidsWithEnv('LP_DELETE_TEST_MARKER', marker).length > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(pidsWithEnv('LP_DELETE_TEST_MARKER', marker)).toEqual([]);
    expect(await portOpen(Number(port))).toBe(false);
  }, 150_000);
});
