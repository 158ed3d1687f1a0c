import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AUDIT_COLUMNS } from '../../src/audit/export.js';
import { runAudit } from '../../src/cli/audit-main.js';
import { quotaMonth } from '../../src/domain/quota.js';
import { openFileStore } from '../../src/store/lowdb/file-store.js';
import { cliIo } from '../support/capture.js';

describe('npm run audit on a fresh install', () => {
  let dir = '';
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('without --month exports the current month in QUOTA_TIMEZONE', async () => {
    dir = await mkdtemp(join(tmpdir(), 'lp-audit-defaults-'));
    const file = dir;
    const store = await openFileStore(file);
    await store.close();
    // 23:30 UTC on 30 November is already December in Berlin.
    const at = new Date('2026-11-30T23:30:00Z');
    const utc = cliIo({ DATA_DIR: file }, at);
    expect(await runAudit(['--format', 'json'], utc.io)).toBe(0);
    expect(JSON.parse(utc.out())).toMatchObject({ month: '2026-11', count: 0, requests: [] });
    const berlin = cliIo({ DATA_DIR: file, QUOTA_TIMEZONE: 'Europe/Berlin' }, at);
    expect(await runAudit(['--format', 'json'], berlin.io)).toBe(0);
    expect(JSON.parse(berlin.out())).toMatchObject({ month: '2026-12' });
    expect(quotaMonth(new Date('2027-01-01T00:00:00Z'), 'UTC')).toBe('2027-01');
  });

  it('prints an empty export, not a failure, when nothing has been filed yet (no data folder)', async () => {
    dir = await mkdtemp(join(tmpdir(), 'lp-audit-defaults-'));
    const missing = join(dir, 'never-created');
    const csv = cliIo({ DATA_DIR: missing });
    expect(await runAudit([], csv.io)).toBe(0);
    expect(csv.out()).toBe(`${AUDIT_COLUMNS.join(',')}\r\n`);
    expect(csv.err()).toContain(`No data folder at ${missing} yet`);
    expect(csv.err()).toContain('set DATA_DIR');

    const json = cliIo({ DATA_DIR: missing });
    expect(await runAudit(['--format', 'json', '--month', '2026-02'], json.io)).toBe(0);
    expect(JSON.parse(json.out())).toEqual({ month: '2026-02', count: 0, requests: [] });
  });

  it('still refuses a malformed month', async () => {
    const bad = cliIo({ DATA_DIR: '/nonexistent/x' });
    expect(await runAudit(['--month', 'November'], bad.io)).toBe(2);
    expect(bad.err()).toMatch(/--month must be a month such as/);
  });
});
