import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeletionRequest } from '../../src/domain/request.js';
import { StoreError } from '../../src/store/json-file-adapter.js';
import { Store, usageIn } from '../../src/store/store.js';

function aRequest(overrides: Partial<DeletionRequest> = {}): DeletionRequest {
  return {
    id: 'DR-AAAAAA',
    accountId: '123',
    type: 'conversation',
    ids: ['0345bf7d-08dc-4e61-8a11-e566e3bcd787'],
    reason: 'DSR-1',
    requestedBy: 'U1',
    createdAt: '2026-11-28T10:00:00.000Z',
    status: 'pending_approval',
    history: [{ at: '2026-11-28T10:00:00.000Z', event: 'filed', by: 'U1' }],
    ...overrides,
  };
}

describe('Store (real temp files)', () => {
  let dir: string;
  let file: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lp-delete-store-'));
    file = join(dir, 'nested', 'data.json');
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('creates the file on first write, owner-only (0600), and reads it back after a reopen', async () => {
    const store = await Store.open(file);
    await store.transact((d) => {
      d.requests['DR-AAAAAA'] = aRequest();
      usageIn(d, '123', '2026-11').used += 1;
    });
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const reopened = await Store.open(file);
    expect(reopened.getRequest('DR-AAAAAA')?.reason).toBe('DSR-1');
    expect(reopened.monthUsage('123', '2026-11')).toEqual({ used: 1 });
  });

  it('keeps the previous good snapshot as .bak when the journal is folded in, also owner-only', async () => {
    const store = await Store.open(file);
    await store.transact((d) => void (d.requests['DR-AAAAAA'] = aRequest()));
    await store.transact((d) => void (d.requests['DR-BBBBBB'] = aRequest({ id: 'DR-BBBBBB' })));
    await store.flush();
    // A journal longer than the snapshot is folded into a new one; the one before it becomes the backup.
    const reopened = await Store.open(file, { compactAfterBytes: 1 });
    await reopened.transact((d) => void (d.requests['DR-BBBBBB']!.reason = 'DSR-2'));
    await reopened.flush();
    const backup = JSON.parse(await readFile(`${file}.bak`, 'utf8')) as { requests: Record<string, unknown> };
    expect(Object.keys(backup.requests)).toEqual(['DR-AAAAAA']);
    const snapshot = JSON.parse(await readFile(file, 'utf8')) as { requests: Record<string, unknown> };
    expect(Object.keys(snapshot.requests).sort()).toEqual(['DR-AAAAAA', 'DR-BBBBBB']);
    expect((await stat(`${file}.bak`)).mode & 0o777).toBe(0o600);
  });

  it('serialises transactions: concurrent check-and-set lets exactly one win', async () => {
    const store = await Store.open(file);
    await store.transact((d) => void (d.requests['DR-AAAAAA'] = aRequest()));
    const attempts = Array.from({ length: 20 }, (_, i) =>
      store.transact((d) => {
        const r = d.requests['DR-AAAAAA'];
        if (!r || r.status !== 'pending_approval') return false;
        r.status = 'submitting';
        r.decision = { outcome: 'approved', by: `U${i}`, at: 'now' };
        return true;
      }),
    );
    const results = await Promise.all(attempts);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect((await Store.open(file)).getRequest('DR-AAAAAA')?.status).toBe('submitting');
  });

  it('a change that throws leaves memory and disk as they were', async () => {
    const store = await Store.open(file);
    await store.transact((d) => void (d.requests['DR-AAAAAA'] = aRequest()));
    await expect(
      store.transact((d) => {
        d.requests['DR-AAAAAA']!.status = 'rejected';
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(store.getRequest('DR-AAAAAA')?.status).toBe('pending_approval');
    expect((await Store.open(file)).getRequest('DR-AAAAAA')?.status).toBe('pending_approval');
  });

  it.each([
    ['empty', ''],
    ['truncated', '{"version":1,"requests":{"DR-AAAAAA":{"id":"DR-'],
    ['hand-edited into another shape', '{"version":1,"requests":{"x":{"id":1}},"quota":{}}'],
  ])('refuses an %s file with a message naming it, and never overwrites it', async (_label, content) => {
    await writeFile(join(dir, 'data.json'), content);
    const broken = join(dir, 'data.json');
    const error = await Store.open(broken).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).code).toBe('STORE_UNREADABLE');
    expect((error as StoreError).message).toContain(broken);
    expect((error as StoreError).message).toMatch(/has not changed it/);
    expect(await readFile(broken, 'utf8')).toBe(content);
  });

  it('a failed write changes nothing in memory and says what to check', async () => {
    const store = await Store.open(file);
    await store.transact((d) => void (d.requests['DR-AAAAAA'] = aRequest()));
    // Replace the data file's folder by a plain file: any write must fail, even as root.
    await rm(join(dir, 'nested'), { recursive: true });
    await writeFile(join(dir, 'nested'), 'not a folder');
    await expect(
      store.transact((d) => void (d.requests['DR-BBBBBB'] = aRequest({ id: 'DR-BBBBBB' }))),
    ).rejects.toThrow(/Could not write the data file .*Nothing was changed/);
    expect(store.getRequest('DR-BBBBBB')).toBeUndefined();
    expect(store.getRequest('DR-AAAAAA')?.status).toBe('pending_approval');
  });
});
