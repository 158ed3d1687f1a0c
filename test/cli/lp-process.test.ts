import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));

describe('npm run lp (the real entry point)', () => {
  it('check --sandbox works with an empty environment, as on a fresh clone', async () => {
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', 'src/cli/lp.ts', 'check', '--sandbox', '--json'],
      { cwd: root, env: { PATH: process.env.PATH ?? '' } },
    );
    expect(JSON.parse(stdout)).toMatchObject({ ok: true, authKind: 'oauth2', tokenOk: true });
  });

  it('exits 2 on a usage error', async () => {
    const err = await run(process.execPath, ['--import', 'tsx', 'src/cli/lp.ts', 'nonsense'], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '' },
    }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 2 });
  });
});
