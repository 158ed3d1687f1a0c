import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_OK, EXIT_USAGE } from '../../src/cli/lp-io.js';
import { EXIT_FAILED, runStore, type StoreCliDeps } from '../../src/cli/store-main.js';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { CHANNEL_LANE } from '../../src/store/port.js';
import { capture } from '../support/capture.js';
import { createTestDatabase, postgresAvailable, sql, type TestDatabase } from '../support/postgres.js';
import { aRequest } from '../store/contract.js';

const noFolders: StoreCliDeps = {
  openDataFolder: () => Promise.reject(new Error('no data folder in these tests')),
};

async function store(argv: string[], env: Record<string, string | undefined> = {}, deps = noFolders) {
  const stdout = capture();
  const stderr = capture();
  const code = await runStore(argv, { env, stdout, stderr }, deps);
  return { code, stdout: stdout.text, stderr: stderr.text };
}

describe('npm run store: usage', () => {
  it('without a command prints the usage and exits 2; an unknown command too', async () => {
    expect(await store([])).toMatchObject({ code: EXIT_USAGE, stderr: expect.stringContaining('Usage:') });
    expect(await store(['vacuum'])).toMatchObject({
      code: EXIT_USAGE,
      stderr: expect.stringContaining('vacuum'),
    });
  });

  it('migrate needs DATABASE_URL; copy needs --from and --to', async () => {
    expect(await store(['migrate'])).toMatchObject({
      code: EXIT_USAGE,
      stderr: expect.stringContaining('DATABASE_URL'),
    });
    expect(await store(['copy', '--from', 'data'])).toMatchObject({
      code: EXIT_USAGE,
      stderr: expect.stringContaining('--to'),
    });
  });

  it('an unreachable database is one line and exit 1', async () => {
    const result = await store(['migrate'], { DATABASE_URL: 'postgres://lpd:pw@127.0.0.1:1/none' });
    expect(result.code).toBe(EXIT_FAILED);
    expect(result.stderr).toMatch(/^Cannot connect to the database 127\.0\.0\.1:1\/none\./);
    expect(result.stderr).not.toContain('pw');
  });
});

describe.skipIf(!postgresAvailable)('npm run store: migrate and copy (PostgreSQL)', () => {
  let source: TestDatabase;
  let target: TestDatabase;
  beforeAll(async () => {
    [source, target] = [await createTestDatabase(), await createTestDatabase()];
  });
  afterAll(async () => {
    await Promise.all([source.drop(), target.drop()]);
  });

  it('migrate applies the schema once, then has nothing to do', async () => {
    const env = { DATABASE_URL: target.url };
    expect(await store(['migrate'], env)).toMatchObject({
      code: EXIT_OK,
      stdout: expect.stringMatching(/migrated from schema version 0 to \d+/),
    });
    expect(await store(['migrate'], env)).toMatchObject({
      code: EXIT_OK,
      stdout: expect.stringContaining('nothing to do'),
    });
  });

  it('copy moves requests (ids kept), owed notices in order and month state, and verifies the counts', async () => {
    const from: PostgresStore = await PostgresStore.open({ url: source.url });
    const quota = { accountId: '123', month: '2026-12' };
    try {
      const a = await from.create('2026-11', (id) => aRequest(id, { status: 'rejected' }));
      const b = await from.create('2026-12', (id) => aRequest(id), [
        { kind: 'approval_post' },
        { kind: 'requester_filed', duplicatesDropped: 0, notes: [] },
      ]);
      const c = await from.create('2026-12', (id) =>
        aRequest(id, { status: 'submitted', quotaMonth: '2026-12' }),
      );
      const [head] = await from.claimDueNotices(new Date(Date.now() + 1000), 10);
      await from.noticeFailed(head!, { error: 'not_in_channel', retryAt: new Date() });
      await from.updateMonth(quota, (month) => ({
        value: 0,
        state: { ...month, alertsSent: { '80': '2026-12-02T00:00:00.000Z' } },
        notices: [{ kind: 'quota_alert', level: 80, month: '2026-12' }],
      }));

      const result = await store(['copy', '--from', source.url, '--to', target.url]);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(EXIT_OK);
      expect(result.stdout).toContain('Copied 3 requests (2026-11: 1, 2026-12: 2), 3 owed notices');
      expect(result.stdout).toContain('counts verified');

      const to = await PostgresStore.open({ url: target.url });
      try {
        for (const { id } of [a, b, c]) expect(await to.get(id)).toEqual(await from.get(id));
        const strip = (owed: Awaited<ReturnType<PostgresStore['owedNotices']>>) =>
          owed.map(({ seq: _seq, ...rest }) => rest);
        expect(strip(await to.owedNotices())).toEqual(strip(await from.owedNotices()));
        expect((await to.owedNotices()).filter((o) => o.lane === CHANNEL_LANE)).toHaveLength(1);
        expect(await to.usage(quota)).toEqual(await from.usage(quota));
        // Numbering goes on after the copied ids.
        expect((await to.create('2026-12', (id) => aRequest(id))).id).toBe('DR-2026-12-0003');
      } finally {
        await to.close();
      }

      // A second copy into the now non-empty database is refused, nothing copied.
      const again = await store(['copy', '--from', source.url, '--to', target.url]);
      expect(again.code).toBe(EXIT_FAILED);
      expect(again.stderr).toContain('copy only into an empty database');
      expect(await sql(target.url, 'SELECT count(*)::int AS n FROM requests')).toEqual([{ n: 4 }]);
    } finally {
      await from.close();
    }
  });
});
