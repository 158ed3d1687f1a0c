import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runBackup } from '../../src/cli/backup-main.js';
import { ACTION } from '../../src/slack/ids.js';
import { APPROVER, Harness } from '../support/harness.js';
import { cliIo } from '../support/capture.js';

describe('npm run backup', () => {
  let h: Harness | undefined;
  const folders: string[] = [];
  afterEach(async () => {
    await h?.close();
    h = undefined;
    await Promise.all(folders.splice(0).map((f) => rm(f, { recursive: true, force: true })));
  });

  it('copies the data folder while the app runs; the copy restores with every request present', async () => {
    h = await Harness.start();
    const filed: { requestId: string; ts: string }[] = [];
    for (let i = 0; i < 4; i += 1) {
      filed.push(await h.fileRequest({ type: 'conversation', idsText: randomUUID(), reason: `DSR-BK${i}` }));
    }
    await h.click(APPROVER, ACTION.approve, filed[0]!.requestId, filed[0]!.ts);
    await h.slack.waitFor(async () =>
      (await h!.store.get(filed[0]!.requestId))?.status === 'submitted' ? true : undefined,
    );
    const dest = join(await mkdtemp(join(tmpdir(), 'lp-delete-bk-')), 'copy');
    folders.push(dest);
    const run = cliIo({ DATA_DIR: h.dataDir });
    expect(await runBackup([dest], run.io)).toBe(0);
    expect(run.out()).toMatch(/4 requests, all readable/);

    // Restore exactly as the output says: stop, use the copy as DATA_DIR, start.
    await h.stopApp();
    h.envOverrides = { DATA_DIR: dest };
    await h.startApp();
    for (const f of filed) expect(await h.store.get(f.requestId)).toBeDefined();
    expect((await h.store.get(filed[0]!.requestId))?.status).toBe('submitted');
  });

  it('refuses a destination inside the data folder, a non-empty one, and PostgreSQL setups, saying what to do', async () => {
    const data = await mkdtemp(join(tmpdir(), 'lp-delete-bk-data-'));
    folders.push(data);
    const inside = cliIo({ DATA_DIR: data });
    expect(await runBackup([join(data, 'copy')], inside.io)).toBe(2);
    expect(inside.err()).toMatch(/outside the data folder/);
    const busy = cliIo({ DATA_DIR: join(data, 'x') });
    expect(await runBackup([tmpdir()], busy.io)).toBeGreaterThan(0);
    const pg = cliIo({ DATA_DIR: data, DATABASE_URL: 'postgres://u@h/db' });
    expect(await runBackup(['/tmp/somewhere'], pg.io)).toBe(2);
    expect(pg.err()).toMatch(/pg_dump/);
    const none = cliIo({});
    expect(await runBackup([], none.io)).toBe(2);
    expect(none.err()).toMatch(/give one destination folder/);
  });
});
