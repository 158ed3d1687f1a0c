import { mkdtemp, rm } from 'node:fs/promises';
import { NO_RETRY } from '../../src/liveperson/gateway.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EXIT_API_ERROR, EXIT_OK, EXIT_USAGE, type LpIo } from '../../src/cli/lp-io.js';
import { runLp } from '../../src/cli/lp-main.js';
import { startCliSandbox } from '../../sandbox/cli-sandbox.js';
import { startSandbox } from '../../sandbox/rtbf/start-sandbox.js';
import { SANDBOX_DEFAULT_CREDENTIALS, type Sandbox } from '../../sandbox/rtbf/types.js';
import { openFileStore } from '../../src/store/lowdb/file-store.js';
import { capture } from '../support/capture.js';

const CONVERSATION = '0345bf7d-08dc-4e61-8a11-e566e3bcd787';
const CONSUMER_1 = '5a8c0f3e-2b1d-4c7e-9f60-1d2e3f4a5b6c';
const CONSUMER_2 = 'c7d8e9f0-a1b2-4c3d-8e4f-5a6b7c8d9e0f';
const NOW = new Date('2025-03-10T12:00:00.000Z');
const now = () => NOW;

let sandbox: Sandbox;
let env: Record<string, string | undefined>;
/** `create` records what it files in the app's store (issue 25): a data folder of each test's own. */
let dataDir: string;
beforeEach(async () => {
  sandbox = await startSandbox({ accountId: '20762324', now, monthlyLimit: 3 });
  dataDir = await mkdtemp(join(tmpdir(), 'lp-cli-'));
  env = {
    DATA_DIR: dataDir,
    LP_ACCOUNT_ID: 'le20762324',
    LP_BEARER_TOKEN: SANDBOX_DEFAULT_CREDENTIALS.bearerTokens[0],
    LP_DOMAIN_API_URL: sandbox.url,
    LP_TIMEOUT_MS: '300',
    LP_MONTHLY_LIMIT: '3',
  };
});
afterEach(async () => {
  await sandbox.close();
  await rm(dataDir, { recursive: true, force: true });
});

async function lp(...argv: string[]) {
  return lpWith(undefined, ...argv);
}

/**
 * Runs lp with the given stdin (undefined: none, as under a scheduler), as `npm run lp` does: able to
 * start the stand-in for --sandbox (scripts/lp-sandbox.ts).
 */
async function lpWith(stdin: LpIo['stdin'], ...argv: string[]) {
  const stdout = capture();
  const stderr = capture();
  const io = { env, stdout, stderr, stdin, now, clientDeps: { retry: NO_RETRY } };
  const code = await runLp(argv, io, startCliSandbox);
  return { code, stdout: stdout.text, stderr: stderr.text };
}

/** A terminal on which the person types `typed` (or nothing, when undefined: end of input). */
function terminal(typed?: string): LpIo['stdin'] {
  const stream = Object.assign(new PassThrough(), { isTTY: true });
  stream.end(typed);
  return stream;
}

describe('lp check', () => {
  it('reports hosts, credentials and this month’s count', async () => {
    sandbox.addExternalRequest({ requestTime: '2025-03-02T10:00:00Z' });
    sandbox.addExternalRequest({ requestTime: '2025-02-27T10:00:00Z' });
    const { code, stdout } = await lp('check');
    expect(code).toBe(EXIT_OK);
    const host = new URL(sandbox.url).host;
    expect(stdout).toContain(`rtbf host    ${host}`);
    expect(stdout).toContain('static bearer token');
    expect(stdout).toMatch(/this month\s+1 request filed 2025-03-01\.\.2025-03-10 \(UTC\); threshold 3/);
  });

  it('--json is parseable', async () => {
    const { code, stdout } = await lp('check', '--json');
    expect(code).toBe(EXIT_OK);
    expect(JSON.parse(stdout)).toMatchObject({
      ok: true,
      authKind: 'bearer',
      tokenOk: true,
      month: { fromDate: '2025-03-01', toDate: '2025-03-10', count: 0, limit: 3 },
    });
  });

  it('--sandbox works with no settings at all', async () => {
    env = {};
    const { code, stdout, stderr } = await lp('check', '--sandbox');
    expect(code).toBe(EXIT_OK);
    expect(stderr).toContain('in-process LivePerson sandbox');
    expect(stdout).toContain('OAuth 2.0 client credentials');
    expect(stdout).toContain('ok (Sentinel issued a token)');
  });

  it('--sandbox is a usage error in the built command line, which holds no stand-in', async () => {
    const stdout = capture();
    const stderr = capture();
    const code = await runLp(['check', '--sandbox'], { env: {}, stdout, stderr, now });
    expect(code).toBe(EXIT_USAGE);
    expect(stderr.text).toContain('--sandbox needs the LivePerson stand-in');
    expect(stdout.text).toBe('');
  });
});

describe('lp create, get, list, cancel', () => {
  it('create --conversation prints the record', async () => {
    const { code, stdout } = await lp('create', '--conversation', CONVERSATION, '--yes');
    expect(code).toBe(EXIT_OK);
    expect(stdout).toContain('LivePerson accepted the deletion request.');
    expect(stdout).toMatch(/request id\s+127223/);
    expect(stdout).toContain(`{"conversation":["${CONVERSATION}"]}`);
    expect(sandbox.requests.map((r) => r.ids)).toEqual([[CONVERSATION]]);
  });

  it.each([
    [
      'OAuth 2.0',
      {
        LP_CLIENT_ID: SANDBOX_DEFAULT_CREDENTIALS.oauth2.clientId,
        LP_CLIENT_SECRET: SANDBOX_DEFAULT_CREDENTIALS.oauth2.clientSecret,
      },
    ],
    [
      'OAuth 1.0a',
      {
        LP_APP_KEY: SANDBOX_DEFAULT_CREDENTIALS.oauth1.appKey,
        LP_APP_SECRET: SANDBOX_DEFAULT_CREDENTIALS.oauth1.appSecret,
        LP_ACCESS_TOKEN: SANDBOX_DEFAULT_CREDENTIALS.oauth1.accessToken,
        LP_ACCESS_TOKEN_SECRET: SANDBOX_DEFAULT_CREDENTIALS.oauth1.accessTokenSecret,
      },
    ],
    ['bearer', { LP_BEARER_TOKEN: SANDBOX_DEFAULT_CREDENTIALS.bearerTokens[0] }],
  ])(
    'create --conversation with %s credentials, found through LP_DOMAIN_API_URL, prints the record',
    async (_mode, credentials) => {
      const { LP_BEARER_TOKEN: _bearer, ...rest } = env;
      env = { ...rest, ...credentials };
      const { code, stdout } = await lp('create', '--conversation', CONVERSATION, '--yes');
      expect(code).toBe(EXIT_OK);
      expect(stdout).toMatch(/request id\s+127223/);
      expect(sandbox.requests).toHaveLength(1);
      expect(sandbox.calls.some((c) => c.kind === 'domain')).toBe(true);
    },
  );

  it('create --json, then get, list and cancel it', async () => {
    const created = await lp('create', '--consumer', CONSUMER_1, CONSUMER_2, '--json', '--yes');
    const record = JSON.parse(created.stdout) as { requestId: string; deleteJson: string };
    expect(record.deleteJson).toBe(`{"consumer":["${CONSUMER_1}","${CONSUMER_2}"]}`);

    const got = await lp('get', record.requestId, '--json');
    expect(JSON.parse(got.stdout)).toMatchObject({ requestId: record.requestId, status: 'NOT_STARTED' });

    const listed = await lp('list', '--status', 'not_started', '--from', '2025-03-01');
    expect(listed.stdout).toMatch(new RegExp(`${record.requestId}\\s+NOT_STARTED`));
    expect(listed.stdout).toContain('1 request\n');

    const cancelled = await lp('cancel', record.requestId);
    expect(cancelled.code).toBe(EXIT_OK);
    expect(cancelled.stdout).toMatch(/canceled\s+yes/);
  });

  it('get of an unknown request exits 1', async () => {
    const { code, stderr } = await lp('get', '424242');
    expect(code).toBe(EXIT_API_ERROR);
    expect(stderr).toContain('no deletion request 424242');
  });
});

describe('lp create guards like the Slack form', () => {
  const creates = () => sandbox.calls.filter((c) => c.kind === 'create');

  it.each([
    ['an invalid conversation id', ['--conversation', 'not-a-uuid'], 'not a valid conversation id'],
    ['an engagement id of another account', ['--engagement', '999123456'], 'account id 20762324'],
    ['a ticket without legacy ticketing', ['--ticketing', 'LTK0012345X'], 'LP_LEGACY_TICKETING'],
    [
      'more than 100 different ids',
      [
        '--consumer',
        Array.from(
          { length: 101 },
          (_, i) => `${'0'.repeat(8)}-0000-4000-8000-${String(i).padStart(12, '0')}`,
        ).join(','),
      ],
      'at most 100',
    ],
  ])('%s: exit 2, says why, files nothing and calls nothing', async (_what, args, why) => {
    const { code, stderr, stdout } = await lp('create', ...args, '--yes');
    expect(code).toBe(EXIT_USAGE);
    expect(stderr).toContain(why);
    expect(stderr).toContain('Nothing was filed.');
    expect(stdout).toBe('');
    expect(sandbox.calls).toHaveLength(0);
  });

  it('--json: an invalid id is a parseable refusal', async () => {
    const { code, stdout } = await lp('create', '--conversation', 'nope', '--yes', '--json');
    expect(code).toBe(EXIT_USAGE);
    expect(JSON.parse(stdout)).toMatchObject({ ok: false, error: { code: 'INVALID_IDS' } });
  });

  it('normalises and de-duplicates as the form does, and says so', async () => {
    const pasted = `["${CONVERSATION.toUpperCase()}", "${CONVERSATION}"]`;
    const { code, stderr } = await lp('create', '--conversation', pasted, `${CONSUMER_1},`, '--yes');
    expect(code).toBe(EXIT_OK);
    expect(stderr).toContain('2 unique ids (1 duplicate dropped)');
    expect(sandbox.requests.map((r) => r.ids)).toEqual([[CONVERSATION, CONSUMER_1]]);
  });

  it('engagement ids are checked against the account; ticket ids lose LTK and X, with a note', async () => {
    env = { ...env, LP_LEGACY_TICKETING: 'true' };
    await sandbox.close();
    sandbox = await startSandbox({ accountId: '20762324', now, legacyTicketing: true });
    env = { ...env, LP_DOMAIN_API_URL: sandbox.url };
    expect((await lp('create', '--engagement', '207623244294967296', '--yes')).code).toBe(EXIT_OK);
    const ticket = await lp('create', '--ticketing', 'LTK0012345X', '--yes');
    expect(ticket.code).toBe(EXIT_OK);
    expect(ticket.stderr).toContain('Removed the LTK prefix from 1 ticket id');
    expect(sandbox.requests.map((r) => r.ids)).toEqual([['207623244294967296'], ['0012345']]);
  });

  it('without --yes and without a terminal: shows the plan without ids, exits 2, files nothing', async () => {
    const { code, stderr, stdout } = await lp('create', '--conversation', CONVERSATION);
    expect(code).toBe(EXIT_USAGE);
    expect(stderr).toContain('About to file this deletion request');
    expect(stderr).toContain('1 unique id');
    expect(stderr).not.toContain(CONVERSATION);
    expect(stderr).toContain('Add --yes');
    expect(stderr).toContain('npm run -s lp -- --help');
    expect(stdout).toBe('');
    expect(sandbox.calls).toHaveLength(0);
    expect(sandbox.requests).toHaveLength(0);
  });

  it('--json without --yes off a terminal is a parseable refusal', async () => {
    const { code, stdout } = await lp('create', '--conversation', CONVERSATION, '--json');
    expect(code).toBe(EXIT_USAGE);
    expect(JSON.parse(stdout)).toMatchObject({ ok: false, error: { code: 'CONFIRMATION_REQUIRED' } });
    expect(creates()).toHaveLength(0);
  });

  it('on a terminal: lists the ids, asks, and files once after "yes"', async () => {
    const { code, stderr, stdout } = await lpWith(
      terminal('yes\n'),
      'create',
      '--conversation',
      CONVERSATION,
    );
    expect(code).toBe(EXIT_OK);
    expect(stderr).toContain(CONVERSATION);
    expect(stderr).toContain('Type "yes" to confirm');
    expect(stdout).toContain('LivePerson accepted the deletion request.');
    expect(creates()).toHaveLength(1);
    expect(sandbox.requests).toHaveLength(1);
  });

  it.each([['no\n'], ['\n'], ['yes please\n'], [undefined]])(
    'on a terminal, answering %j files nothing and exits 1',
    async (typed) => {
      const { code, stderr } = await lpWith(terminal(typed), 'create', '--conversation', CONVERSATION);
      expect(code).toBe(EXIT_API_ERROR);
      expect(stderr).toContain('Nothing was filed.');
      expect(sandbox.calls).toHaveLength(0);
    },
  );

  it('--yes on a terminal files without asking', async () => {
    const { code, stderr } = await lpWith(terminal(), 'create', '--conversation', CONVERSATION, '-y');
    expect(code).toBe(EXIT_OK);
    expect(stderr).not.toContain('confirm');
    expect(creates()).toHaveLength(1);
  });
});

describe('failures', () => {
  it('an API error prints what happened and what to do, and exits 1', async () => {
    sandbox.addExternalRequest();
    sandbox.addExternalRequest();
    sandbox.addExternalRequest();
    const { code, stderr } = await lp('create', '--conversation', CONVERSATION, '--yes');
    expect(code).toBe(EXIT_API_ERROR);
    expect(stderr).toContain('monthly threshold');
    expect(stderr).toContain('Next:');
    expect(stderr).toContain('LP_QUOTA_REACHED, HTTP 429');
    expect(stderr).not.toContain(CONVERSATION);
  });

  it('--json errors are parseable', async () => {
    sandbox.inject({ kind: 'create', delayMs: 2000 });
    const { code, stdout } = await lp('create', '--conversation', CONVERSATION, '--json', '--yes');
    expect(code).toBe(EXIT_API_ERROR);
    expect(JSON.parse(stdout)).toMatchObject({ ok: false, error: { code: 'LP_OUTCOME_UNKNOWN' } });
  });

  it('an unknown outcome of create points at lp list, not at Slack', async () => {
    sandbox.inject({ kind: 'create', status: 200, rawBody: '', carryOut: true });
    const { code, stderr } = await lp('create', '--conversation', CONVERSATION, '--yes');
    expect(code).toBe(EXIT_API_ERROR);
    expect(stderr).toContain('may or may not exist');
    expect(stderr).toContain('npm run -s lp -- list --from 2025-03-09');
    expect(stderr).not.toContain('`status`');
    expect(sandbox.requests).toHaveLength(1);
  });

  it('a refused list speaks of the filters, not of ids and deletion types', async () => {
    sandbox.inject({ kind: 'list', status: 400, body: { message: 'Bad date range' } });
    const { code, stderr } = await lp('list', '--from', '2025-03-01');
    expect(code).toBe(EXIT_API_ERROR);
    expect(stderr).toContain('refused the look-up as invalid (“Bad date range”)');
    expect(stderr).toContain('filters');
    expect(stderr).not.toContain('deletion type');
  });

  it('a refused cancel points at lp get for that request', async () => {
    const record = sandbox.addExternalRequest({ requestTime: '2025-03-01T00:00:00Z' });
    const { code, stderr } = await lp('cancel', String(record.requestId));
    expect(code).toBe(EXIT_API_ERROR);
    expect(stderr).toContain(`npm run -s lp -- get ${record.requestId}`);
    expect(stderr).not.toContain('`status`');
  });

  it.each([
    [['create', CONVERSATION]],
    [['create', '--conversation', '--consumer', 'x']],
    [['create', '--conversation']],
    [['get']],
    [['cancel', '1', '2']],
    [['list', '--from', '01.03.2025']],
    [['check', '--status', 'DONE']],
    [['frobnicate']],
    [['list', '--bogus']],
    [[]],
    [['get', 'DR-20250310-0001']],
    [['get', CONVERSATION]],
    [['get', '12 34']],
    [['cancel', 'abc']],
    [['cancel', '../1']],
    [['list', '--status', 'FINISHED']],
    [['list', '--from', '2025-02-30']],
    [['list', '--from', '2025-03-10', '--to', '2025-03-01']],
    [['list', 'extra']],
    [['get', '1', '--yes']],
    [['create', '--conversation']],
    [['create', '--conversation', '']],
  ])('usage error %j exits 2 with one line and a pointer to --help, and calls nothing', async (argv) => {
    const { code, stderr, stdout } = await lp(...argv);
    expect(code).toBe(EXIT_USAGE);
    const lines = stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^lp: \S/);
    expect(lines[1]).toContain('npm run -s lp -- --help');
    expect(stdout).toBe('');
    expect(sandbox.calls).toHaveLength(0);
  });

  it('a request id that is not LivePerson’s is not repeated back', async () => {
    const { stderr } = await lp('get', CONVERSATION);
    expect(stderr).toContain('digits only');
    expect(stderr).not.toContain(CONVERSATION);
  });

  it('--help exits 0 with the usage on stdout', async () => {
    const { code, stdout } = await lp('--help');
    expect(code).toBe(EXIT_OK);
    expect(stdout).toContain('Usage: npm run -s lp');
  });

  it('missing configuration exits 2 and names what to set', async () => {
    env = {};
    const { code, stderr } = await lp('check');
    expect(code).toBe(EXIT_USAGE);
    expect(stderr).toContain('LP_ACCOUNT_ID');
  });
});

describe('lp create is recorded in the app’s store, so reconciliation can account for it (issue 25)', () => {
  const stored = async () => {
    const store = await openFileStore(dataDir, { readOnly: true });
    try {
      return await store.listOpen();
    } finally {
      await store.close();
    }
  };

  it('what LivePerson answered is kept as a request filed by the command line, with its requested_by', async () => {
    const { code } = await lp('create', '--conversation', CONVERSATION, '--yes');
    expect(code).toBe(EXIT_OK);
    const [request, ...more] = await stored();
    expect(more).toHaveLength(0);
    expect(request).toMatchObject({
      origin: 'cli',
      status: 'submitted',
      ids: [CONVERSATION],
      lpRecord: { requestId: String(sandbox.requests[0]?.requestId), requestedBy: 'bearer-user' },
    });
    expect(request?.attempt?.startedAt).toBeDefined();
  });

  it('a lost answer is kept as outcome unknown, for the app to look up; the advice is unchanged', async () => {
    sandbox.inject({ kind: 'create', drop: true });
    const { code, stderr } = await lp('create', '--conversation', CONVERSATION, '--yes');
    expect(code).toBe(EXIT_API_ERROR);
    expect(stderr).toContain('Before filing again');
    const [request] = await stored();
    expect(request).toMatchObject({ origin: 'cli', status: 'outcome_unknown' });
    expect(sandbox.requests).toHaveLength(1);
  });

  it('refused, with nothing filed, while the app holds the data folder', async () => {
    const app = await openFileStore(dataDir);
    try {
      const { code, stderr } = await lp('create', '--conversation', CONVERSATION, '--yes');
      expect(code).toBe(EXIT_API_ERROR);
      expect(stderr).toContain('lp-delete is running on this data folder');
      expect(sandbox.requests).toHaveLength(0);
    } finally {
      await app.close();
    }
  });
});
