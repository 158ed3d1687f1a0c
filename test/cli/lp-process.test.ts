import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox } from '../../sandbox/rtbf/start-sandbox.js';
import { SANDBOX_DEFAULT_CREDENTIALS, type Sandbox } from '../../sandbox/rtbf/types.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const CONVERSATION = '0345bf7d-08dc-4e61-8a11-e566e3bcd787';

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the lp command line from source (tsx), with stdin a pipe: not a terminal. With --sandbox, through
 * scripts/lp.mjs, exactly as `npm run lp` does (which runs it from source with the stand-in); otherwise
 * src/cli/lp.ts, the entry `npm run lp` builds into dist/ (not built here: the build takes minutes).
 */
async function lp(argv: string[], env: Record<string, string> = {}): Promise<Outcome> {
  const entry = argv.includes('--sandbox') ? ['scripts/lp.mjs'] : ['--import', 'tsx', 'src/cli/lp.ts'];
  try {
    const { stdout, stderr } = await run(process.execPath, [...entry, ...argv], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const failed = err as { code?: unknown; stdout?: string; stderr?: string };
    if (typeof failed.code !== 'number') throw err;
    return { code: failed.code, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

describe('npm run lp (the real entry point)', () => {
  it('check --sandbox works with an empty environment, as on a fresh clone', async () => {
    const { code, stdout } = await lp(['check', '--sandbox', '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ ok: true, authKind: 'oauth2', tokenOk: true });
  });

  it('exits 2 on a usage error, with one line and a pointer to --help', async () => {
    const { code, stderr } = await lp(['nonsense']);
    expect(code).toBe(2);
    expect(stderr.trimEnd().split('\n')).toEqual([
      expect.stringContaining('unknown command'),
      expect.stringContaining('npm run -s lp -- --help'),
    ]);
  });
});

describe('npm run lp -- create against a sandbox in this process', () => {
  let sandbox: Sandbox;
  let env: Record<string, string>;
  let dataDir: string;
  beforeAll(async () => {
    sandbox = await startSandbox({ accountId: '20762324' });
    dataDir = await mkdtemp(join(tmpdir(), 'lp-cli-process-'));
    env = {
      DATA_DIR: dataDir,
      LP_ACCOUNT_ID: '20762324',
      LP_BEARER_TOKEN: SANDBOX_DEFAULT_CREDENTIALS.bearerTokens[0] ?? '',
      LP_DOMAIN_API_URL: sandbox.url,
    };
  });
  beforeEach(() => {
    sandbox.reset();
  });
  afterAll(async () => {
    await sandbox.close();
    await rm(dataDir, { recursive: true, force: true });
  });
  const creates = () => sandbox.calls.filter((c) => c.kind === 'create');

  it('an invalid id files nothing (exit 2), even with --yes', async () => {
    const { code, stderr } = await lp(['create', '--conversation', 'not-a-uuid', '--yes'], env);
    expect(code).toBe(2);
    expect(stderr).toContain('not a valid conversation id');
    expect(sandbox.calls).toHaveLength(0);
    expect(sandbox.requests).toHaveLength(0);
  });

  it('without --yes and without a terminal files nothing (exit 2)', async () => {
    const { code, stderr } = await lp(['create', '--conversation', CONVERSATION], env);
    expect(code).toBe(2);
    expect(stderr).toContain('Add --yes');
    expect(creates()).toHaveLength(0);
    expect(sandbox.requests).toHaveLength(0);
  });

  it('with --yes files exactly once', async () => {
    const { code, stdout } = await lp(['create', '--conversation', CONVERSATION, '--yes', '--json'], env);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ deleteJson: `{"conversation":["${CONVERSATION}"]}` });
    expect(creates()).toHaveLength(1);
    expect(sandbox.requests.map((r) => r.ids)).toEqual([[CONVERSATION]]);
  });
});
