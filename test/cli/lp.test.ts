import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EXIT_API_ERROR, EXIT_OK, EXIT_USAGE, runLp } from '../../src/cli/lp-main.js';
import { SANDBOX_DEFAULT_CREDENTIALS, startSandbox, type Sandbox } from '../../src/liveperson/sandbox.js';
import { capture } from '../support/capture.js';

const CONVERSATION = '0345bf7d-08dc-4e61-8a11-e566e3bcd787';
const NOW = new Date('2025-03-10T12:00:00.000Z');
const now = () => NOW;

let sandbox: Sandbox;
let env: Record<string, string | undefined>;
beforeEach(async () => {
  sandbox = await startSandbox({ accountId: '20762324', now, monthlyLimit: 3 });
  env = {
    LP_ACCOUNT_ID: 'le20762324',
    LP_BEARER_TOKEN: SANDBOX_DEFAULT_CREDENTIALS.bearerTokens[0],
    LP_DOMAIN_API_URL: sandbox.url,
    LP_TIMEOUT_MS: '300',
    LP_MONTHLY_LIMIT: '3',
  };
});
afterEach(async () => {
  await sandbox.close();
});

async function lp(...argv: string[]) {
  const stdout = capture();
  const stderr = capture();
  const code = await runLp(argv, { env, stdout, stderr, now, clientDeps: { retryDelaysMs: [] } });
  return { code, stdout: stdout.text, stderr: stderr.text };
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
});

describe('lp create, get, list, cancel', () => {
  it('create --conversation prints the record', async () => {
    const { code, stdout } = await lp('create', '--conversation', CONVERSATION);
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
      const { code, stdout } = await lp('create', '--conversation', CONVERSATION);
      expect(code).toBe(EXIT_OK);
      expect(stdout).toMatch(/request id\s+127223/);
      expect(sandbox.requests).toHaveLength(1);
      expect(sandbox.calls.some((c) => c.kind === 'domain')).toBe(true);
    },
  );

  it('create --json, then get, list and cancel it', async () => {
    const created = await lp('create', '--consumer', 'c-1', 'c-2', '--json');
    const record = JSON.parse(created.stdout) as { requestId: string; deleteJson: string };
    expect(record.deleteJson).toBe('{"consumer":["c-1","c-2"]}');

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

describe('failures', () => {
  it('an API error prints what happened and what to do, and exits 1', async () => {
    sandbox.addExternalRequest();
    sandbox.addExternalRequest();
    sandbox.addExternalRequest();
    const { code, stderr } = await lp('create', '--conversation', CONVERSATION);
    expect(code).toBe(EXIT_API_ERROR);
    expect(stderr).toContain('monthly threshold');
    expect(stderr).toContain('Next:');
    expect(stderr).toContain('LP_QUOTA_REACHED, HTTP 429');
    expect(stderr).not.toContain(CONVERSATION);
  });

  it('--json errors are parseable', async () => {
    sandbox.inject({ kind: 'create', delayMs: 2000 });
    const { code, stdout } = await lp('create', '--conversation', CONVERSATION, '--json');
    expect(code).toBe(EXIT_API_ERROR);
    expect(JSON.parse(stdout)).toMatchObject({ ok: false, error: { code: 'LP_OUTCOME_UNKNOWN' } });
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
  ])('usage error %j exits 2 and calls nothing', async (argv) => {
    const { code, stderr } = await lp(...argv);
    expect(code).toBe(EXIT_USAGE);
    expect(stderr).toContain('Usage: npm run lp');
    expect(sandbox.calls).toHaveLength(0);
  });

  it('--help exits 0 with the usage on stdout', async () => {
    const { code, stdout } = await lp('--help');
    expect(code).toBe(EXIT_OK);
    expect(stdout).toContain('Usage: npm run lp');
  });

  it('missing configuration exits 2 and names what to set', async () => {
    env = {};
    const { code, stderr } = await lp('check');
    expect(code).toBe(EXIT_USAGE);
    expect(stderr).toContain('LP_ACCOUNT_ID');
  });
});
