import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { logSelfCheck, runChecks } from '../../src/doctor/doctor.js';
import type { CheckResult } from '../../src/doctor/result.js';
import { runDoctor } from '../../src/doctor/doctor-main.js';
import { startSandbox } from '../../sandbox/rtbf/start-sandbox.js';
import { SANDBOX_DEFAULT_CREDENTIALS, type Sandbox } from '../../sandbox/rtbf/types.js';
import { createLogger } from '../../src/log.js';
import { createHistoryStandIn } from '../../sandbox/history/history-stand-in.js';
import type { HistoryStandIn } from '../../sandbox/history/history-types.js';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack.js';
import { capture } from '../support/capture.js';

const BOT_TOKEN = 'xoxb-doctor-test-token';
const SIGNING_SECRET = 'doctor-signing-secret-0123456789';
const ACCOUNT_ID = '20762324';
const CHANNEL = 'CPRIVACY1';
const APPROVER_GROUP = 'SAPPROVERS';
const REQUESTER_GROUP = 'SREQUESTERS';
const { clientId, clientSecret } = SANDBOX_DEFAULT_CREDENTIALS.oauth2;
const SECRETS = [BOT_TOKEN, SIGNING_SECRET, clientSecret];

let slack: FakeSlack;
let slackRunning = false;
let sandbox: Sandbox;
let history: HistoryStandIn;
let dir: string;
let dataFile: string;
let env: Record<string, string | undefined>;

async function startSlack(options: { nonMemberChannels?: string[]; approvers?: string[] } = {}) {
  if (slackRunning) await slack.close();
  slack = await startFakeSlack({
    botToken: BOT_TOKEN,
    channels: [CHANNEL],
    nonMemberChannels: options.nonMemberChannels,
    usergroups: {
      [APPROVER_GROUP]: options.approvers ?? ['UAPPROVER1', 'UAPPROVER2'],
      [REQUESTER_GROUP]: ['UREQUESTER'],
    },
  });
  slackRunning = true;
  env.SLACK_API_URL = slack.url;
}

beforeEach(async () => {
  history = createHistoryStandIn({ accountId: ACCOUNT_ID });
  sandbox = await startSandbox({ accountId: ACCOUNT_ID, extensions: [history] });
  dir = await mkdtemp(join(tmpdir(), 'lp-delete-doctor-'));
  dataFile = join(dir, 'data', 'store.json');
  env = {
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    PRIVACY_CHANNEL_ID: CHANNEL,
    APPROVER_USERGROUP_ID: APPROVER_GROUP,
    REQUESTER_USERGROUP_ID: REQUESTER_GROUP,
    LP_ACCOUNT_ID: ACCOUNT_ID,
    LP_CLIENT_ID: clientId,
    LP_CLIENT_SECRET: clientSecret,
    LP_DOMAIN_API_URL: sandbox.url,
    LP_TIMEOUT_MS: '2000',
    DATA_DIR: join(dir, 'data'),
  };
  await startSlack();
});

afterEach(async () => {
  await slack.close();
  slackRunning = false;
  await sandbox.close();
  await rm(dir, { recursive: true, force: true });
});

async function doctor(...argv: string[]) {
  const stdout = capture();
  const stderr = capture();
  const code = await runDoctor(argv, { env, stdout, stderr });
  const lines = stdout.text.split('\n').filter((line) => /^(OK|WARN|SKIP|FAIL) /.test(line));
  // One cause and one fix per line, short enough to read at a glance (issue 24); paths here are short.
  // The temporary folder's name stands for a short path such as /var/lib/lp-delete.
  for (const line of lines) expect(line.replaceAll(dir, '/d').length, line).toBeLessThanOrEqual(160);
  for (const secret of SECRETS) {
    expect(stdout.text).not.toContain(secret);
    expect(stderr.text).not.toContain(secret);
  }
  return {
    code,
    stdout: stdout.text,
    stderr: stderr.text,
    lines,
    failed: lines.filter((l) => l.startsWith('FAIL')),
  };
}

/** The only FAIL line, which must name the check and carry a fix after the arrow. */
function onlyFailure(failed: string[], name: string): string {
  expect(failed).toHaveLength(1);
  const line = failed[0] ?? '';
  expect(line).toMatch(new RegExp(`^FAIL ${name}\\s{2,}`));
  expect(line).toContain(' → ');
  return line;
}

async function writeValidData(mode = 0o600) {
  await rm(join(dir, 'data'), { recursive: true, force: true });
  await mkdir(join(dir, 'data'), { mode: 0o700 });
  // A data folder as the app leaves it: its layout file and nothing filed yet.
  await writeFile(
    dataFile,
    JSON.stringify({
      version: 1,
      layout: 'file-per-request',
      createdAt: '2026-11-01T00:00:00Z',
      legacyIds: {},
    }),
    { mode: 0o600 },
  );
  await chmod(join(dir, 'data'), mode === 0o600 ? 0o700 : 0o755);
}

describe('npm run doctor', () => {
  it('reports every check OK on a good set-up, and exits 0', async () => {
    await writeValidData();
    const { code, lines, stdout } = await doctor();
    expect(code).toBe(0);
    expect(lines.every((l) => l.startsWith('OK '))).toBe(true);
    for (const name of [
      'configuration',
      'slack token',
      'privacy channel',
      'approver group',
      'approvers',
      'requester group',
      'liveperson',
      'messaging history',
      'data folder',
      'data',
      'Slack notices',
      'data folder mode',
    ]) {
      expect(lines.some((l) => new RegExp(`^OK   ${name}\\s`).test(l))).toBe(true);
    }
    expect(stdout).toMatch(/slack token\s+workspace Test Workspace, bot user @lp-delete/);
    expect(stdout).toMatch(/approvers\s+2 approvers in total .*at least 2 are needed/);
    expect(stdout).toContain(`deletion API at ${new URL(sandbox.url).host}`);
    expect(stdout).toContain('Everything checked is in order.');
    // The bot's own calls, in order, each once.
    expect(slack.calls.map((c) => c.method)).toEqual([
      'auth.test',
      'conversations.info',
      'usergroups.users.list',
      'usergroups.users.list',
      // The clock check reads the Date header of Slack's answer (no token sent).
      'api.test',
    ]);
  });

  it('says when the credentials cannot read Messaging Interactions (erasing a person), with the fix, as a warning', async () => {
    await writeValidData();
    history.inject({ kind: 'mi.search', status: 403 });
    const { code, lines } = await doctor();
    expect(code).toBe(0);
    const line = lines.find((l) => /messaging history/.test(l)) ?? '';
    expect(line).toMatch(/^WARN/);
    expect(line).toContain('erasing a person will not work');
    expect(line).toMatch(/→ have a LivePerson admin let the API key read it$/);
  });

  it('points at the log lines the history calls write when a failure has no fix of its own', async () => {
    await writeValidData();
    history.inject({ kind: 'mi.search', status: 400 });
    const { lines } = await doctor();
    const line = lines.find((l) => /messaging history/.test(l)) ?? '';
    expect(line).toMatch(/^WARN/);
    expect(line).toMatch(/→ see the lp\.http and lp\.retry lines in the log$/);
  });

  it('checks Engagement History too when LP_CHAT_HISTORY=true', async () => {
    await writeValidData();
    env.LP_CHAT_HISTORY = 'true';
    const { code, lines } = await doctor();
    expect(code).toBe(0);
    expect(lines.some((l) => /^OK {3}chat history\s+Engagement History/.test(l))).toBe(true);
  });

  it('passes with a data folder that does not exist yet (created at the first start)', async () => {
    const { code, stdout } = await doctor();
    expect(code).toBe(0);
    expect(stdout).toMatch(/data\s+.*is valid: 0 requests in play/);
    expect(stdout).toMatch(/data folder\s+.* will be created at the first write/);
  });

  it('a bad Slack token: its own line with the reinstall fix; the Slack checks after it are skipped', async () => {
    env.SLACK_BOT_TOKEN = 'xoxb-revoked-or-wrong';
    const { code, failed, lines } = await doctor();
    expect(code).toBe(1);
    const line = onlyFailure(failed, 'slack token');
    expect(line).toContain('invalid_auth');
    expect(line).toContain(
      '→ click Reinstall to Workspace (OAuth & Permissions), copy the new xoxb-… token into SLACK_BOT_TOKEN',
    );
    expect(line).not.toContain('xoxb-revoked-or-wrong');
    expect(lines.find((l) => /^SKIP privacy channel/.test(l))).toContain('fix the Slack token first');
    expect(lines.some((l) => /^OK {3}liveperson/.test(l))).toBe(true);
  });

  it('a privacy channel that does not exist (or is private without the bot)', async () => {
    env.PRIVACY_CHANNEL_ID = 'CUNKNOWN1';
    const { code, failed } = await doctor();
    expect(code).toBe(1);
    const line = onlyFailure(failed, 'privacy channel');
    expect(line).toContain('channel_not_found');
    expect(line).toContain('check PRIVACY_CHANNEL_ID (CUNKNOWN1)');
    expect(line).toContain('/invite @LP Delete');
  });

  it('the bot is not a member of the privacy channel', async () => {
    await startSlack({ nonMemberChannels: [CHANNEL] });
    const { code, failed } = await doctor();
    expect(code).toBe(1);
    const line = onlyFailure(failed, 'privacy channel');
    expect(line).toContain(`the bot is not a member of #${CHANNEL.toLowerCase()} (${CHANNEL})`);
    expect(line).toMatch(/→ type \/invite @LP Delete in /);
  });

  it('an unknown approver group', async () => {
    env.APPROVER_USERGROUP_ID = 'SNOSUCH1';
    const { code, failed, lines } = await doctor();
    expect(code).toBe(1);
    const line = onlyFailure(failed, 'approver group');
    expect(line).toContain('no_such_subteam');
    expect(line).toContain('check APPROVER_USERGROUP_ID (SNOSUCH1)');
    expect(lines.find((l) => /^SKIP approvers/.test(l))).toBeDefined();
  });

  it('an unknown requester group', async () => {
    env.REQUESTER_USERGROUP_ID = 'SNOSUCH2';
    const { failed } = await doctor();
    expect(onlyFailure(failed, 'requester group')).toContain('check REQUESTER_USERGROUP_ID (SNOSUCH2)');
  });

  it('fewer than 2 approvers is a warning (four-eyes not always possible), not a failure', async () => {
    await startSlack({ approvers: ['UAPPROVER1'] });
    env.APPROVER_USER_IDS = 'UAPPROVER1';
    const { code, lines } = await doctor();
    expect(code).toBe(0);
    const line = lines.find((l) => l.startsWith('WARN approvers')) ?? '';
    expect(line).toContain('only 1 approver');
    expect(line).toContain(`with group ${APPROVER_GROUP}: their own requests cannot be approved`);
    expect(line).toContain('→ add a second person to the group or APPROVER_USER_IDS');
  });

  it('no requester allow-list is a warning: anyone in the workspace may file', async () => {
    delete env.REQUESTER_USERGROUP_ID;
    const { code, lines } = await doctor();
    expect(code).toBe(0);
    const line = lines.find((l) => l.startsWith('WARN requesters')) ?? '';
    expect(line).toContain('anyone in the workspace may file');
    expect(line).toContain('REQUESTER_USER_IDS');
    env.REQUESTER_USER_IDS = 'UREQUESTER';
    expect((await doctor()).lines.some((l) => l.startsWith('WARN requesters'))).toBe(false);
  });

  it('an empty approver group with no other approvers fails: nobody can approve', async () => {
    await startSlack({ approvers: [] });
    const { code, lines, failed } = await doctor();
    expect(code).toBe(1);
    expect(lines.some((l) => /^WARN approver group\s+SAPPROVERS has no members/.test(l))).toBe(true);
    expect(onlyFailure(failed, 'approvers')).toContain('nobody can approve');
  });

  it('LivePerson refuses the credentials (401): people-readable, naming the settings, secret not shown', async () => {
    env.LP_CLIENT_SECRET = 'a-wrong-client-secret';
    const { code, failed, stdout } = await doctor();
    expect(code).toBe(1);
    const line = onlyFailure(failed, 'liveperson');
    // The cause first, then the settings to check, once.
    expect(line).toMatch(
      /^FAIL liveperson\s+LivePerson refused the credentials \(HTTP 401\) → check LP_CLIENT_ID and LP_CLIENT_SECRET/,
    );
    expect(stdout).not.toContain('a-wrong-client-secret');
  });

  it('LivePerson unreachable (nothing listens on the port)', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo; // A TCP listen always yields an AddressInfo.
    await new Promise<void>((resolve) => server.close(() => resolve()));
    env.LP_DOMAIN_API_URL = `http://127.0.0.1:${port}`;
    const { code, failed } = await doctor();
    expect(code).toBe(1);
    const line = onlyFailure(failed, 'liveperson');
    expect(line).toMatch(
      new RegExp(
        `^FAIL liveperson\\s+127\\.0\\.0\\.1:${port} refused the connection \\(Domain API\\) → check the network and LP_DOMAIN_API_URL`,
      ),
    );
  });

  it('a corrupt data file: the store’s message naming it, and the file is left alone', async () => {
    await writeValidData();
    await writeFile(dataFile, '{"version":1,"requ');
    const { code, failed } = await doctor();
    expect(code).toBe(1);
    const line = onlyFailure(failed, 'data');
    expect(line).toContain(`The data file ${dataFile} cannot be used: it is not valid JSON`);
    expect(line).toContain('restore the data folder from your backup');
    expect(await readFile(dataFile, 'utf8')).toBe('{"version":1,"requ');
  });

  it('a data folder others can read: chmod 700', async () => {
    await writeValidData(0o644);
    const { code, failed } = await doctor();
    expect(code).toBe(1);
    const line = onlyFailure(failed, 'data folder mode');
    expect(line).toContain(`${join(dir, 'data')} has mode 0755`);
    expect(line).toContain(`→ chmod 700 ${join(dir, 'data')}`);
  });

  it('a data folder that cannot hold files (a file stands where the folder should be)', async () => {
    const blocker = join(dir, 'not-a-folder');
    await writeFile(blocker, 'x');
    env.DATA_DIR = blocker;
    const { code, failed, lines } = await doctor();
    expect(code).toBe(1);
    const line = onlyFailure(failed, 'data folder');
    expect(line).toContain(`${blocker} is a file`);
    expect(line).toContain('set DATA_DIR');
    expect(lines.some((l) => /^SKIP data\s/.test(l))).toBe(true);
  });

  it('removes its probe file: the data folder holds only what was there', async () => {
    await writeValidData();
    await doctor();
    expect((await readdir(join(dir, 'data'))).filter((f) => f.includes('doctor'))).toEqual([]);
    expect((await stat(dataFile)).mode & 0o777).toBe(0o600);
  });

  it('two configuration problems: two lines, each naming what to set; the checks that need them are skipped', async () => {
    delete env.LP_ACCOUNT_ID;
    env.PRIVACY_CHANNEL_ID = 'general';
    const { code, failed, lines } = await doctor();
    expect(code).toBe(1);
    expect(failed).toHaveLength(2);
    expect(failed[0]).toMatch(
      /^FAIL configuration\s+LP_ACCOUNT_ID is required.* → set LP_ACCOUNT_ID in \.env/,
    );
    expect(failed[1]).toMatch(
      /^FAIL configuration\s+PRIVACY_CHANNEL_ID must be a channel id .* → set PRIVACY_CHANNEL_ID in \.env/,
    );
    for (const name of ['slack token', 'liveperson', 'data']) {
      expect(lines.find((l) => l.startsWith(`SKIP ${name}`))).toContain('fix the configuration first');
    }
    expect(slack.calls).toHaveLength(0);
  });

  it('a Slack-only configuration problem still lets LivePerson and the data file be checked', async () => {
    delete env.SLACK_SIGNING_SECRET;
    const { failed, lines } = await doctor();
    const line = onlyFailure(failed, 'configuration');
    expect(line).toContain('SLACK_SIGNING_SECRET is missing → set it (Basic Information → Signing Secret)');
    expect(lines.some((l) => /^OK {3}liveperson/.test(l))).toBe(true);
    expect(lines.some((l) => /^OK {3}data folder/.test(l))).toBe(true);
  });

  it('--json: every check with name, ok, detail and fix; exit code as for text', async () => {
    env.PRIVACY_CHANNEL_ID = 'CUNKNOWN1';
    const { code, stdout } = await doctor('--json');
    expect(code).toBe(1);
    const parsed = JSON.parse(stdout) as { ok: boolean; checks: CheckResult[] };
    expect(parsed.ok).toBe(false);
    expect(parsed.checks.find((c) => c.name === 'privacy channel')).toMatchObject({
      ok: false,
      detail: 'Slack answered channel_not_found',
      fix: expect.stringContaining('PRIVACY_CHANNEL_ID'),
    });
    expect(parsed.checks.find((c) => c.name === 'slack token')).toMatchObject({ ok: true });
  });

  it('usage: --help exits 0, an unknown option exits 2', async () => {
    expect((await doctor('--help')).code).toBe(0);
    const bad = await doctor('--frobnicate');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Usage: npm run -s doctor');
  });
});

describe('logSelfCheck (start-up)', () => {
  it('logs one self_check line per check: info when OK, warn with the fix when not; no secrets', async () => {
    env.PRIVACY_CHANNEL_ID = 'CUNKNOWN1';
    const results = await runChecks(env);
    const lines: string[] = [];
    logSelfCheck(
      results,
      createLogger((line) => lines.push(line)),
    );
    expect(lines).toHaveLength(results.length);
    const entries = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(entries.every((e) => e.event === 'self_check')).toBe(true);
    expect(entries.find((e) => e.name === 'slack token')).toMatchObject({ level: 'info', ok: true });
    expect(entries.find((e) => e.name === 'privacy channel')).toMatchObject({
      level: 'warn',
      ok: false,
      fix: expect.stringContaining('PRIVACY_CHANNEL_ID'),
    });
    for (const secret of SECRETS) expect(lines.join('\n')).not.toContain(secret);
  });
});
