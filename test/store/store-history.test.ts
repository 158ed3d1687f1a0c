import { appendFile, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeletionRequest, RequestStatus } from '../../src/domain/request.js';
import { StoreError } from '../../src/store/json-file-adapter.js';
import { requestsIn, Store, usageIn, type StoreOptions } from '../../src/store/store.js';

const NOW = new Date('2026-11-28T10:00:00.000Z');
const options: StoreOptions = { now: () => NOW, hotMonths: 3 };

function aRequest(id: string, createdAt: string, status: RequestStatus = 'submitted'): DeletionRequest {
  return {
    id,
    accountId: '123',
    type: 'conversation',
    ids: ['0345bf7d-08dc-4e61-8a11-e566e3bcd787'],
    reason: `DSR ${id}`,
    requestedBy: 'U1',
    createdAt,
    status,
    history: [{ at: createdAt, event: 'filed', by: 'U1' }],
  };
}

async function storeError(promise: Promise<unknown>): Promise<StoreError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StoreError);
  return error as StoreError;
}

describe('Store history: journal and monthly archives (real temp files)', () => {
  let dir: string;
  let file: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lp-delete-history-'));
    file = join(dir, 'data', 'lp-delete.json');
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** A store holding one request per given month (UTC), finished unless said otherwise. */
  async function seeded(requests: DeletionRequest[]): Promise<Store> {
    const store = await Store.open(file, options);
    await store.transact((d) => {
      for (const r of requests) d.requests[r.id] = r;
    });
    await store.flush();
    return store;
  }

  it('writes changes after the first as journal lines (0600) and replays them on reopen', async () => {
    const store = await seeded([aRequest('DR-000001', '2026-11-01T00:00:00.000Z', 'pending_approval')]);
    await store.transact((d) => {
      d.requests['DR-000001']!.status = 'submitting';
      usageIn(d, '123', '2026-11').used += 1;
    });
    const journals = (await readdir(join(dir, 'data'))).filter((n) => n.includes('.journal.'));
    expect(journals).toHaveLength(1);
    expect((await stat(join(dir, 'data', journals[0]!))).mode & 0o777).toBe(0o600);
    // The snapshot still holds the first state: the change is only in the journal.
    expect(await readFile(file, 'utf8')).toContain('"pending_approval"');
    const reopened = await Store.open(file, options);
    expect(reopened.getRequest('DR-000001')?.status).toBe('submitting');
    expect(reopened.monthUsage('123', '2026-11')).toEqual({ used: 1 });
  });

  it('ignores a last journal line cut short by a crash (never acknowledged), and refuses a broken one', async () => {
    const store = await seeded([aRequest('DR-000001', '2026-11-01T00:00:00.000Z', 'pending_approval')]);
    await store.transact((d) => void (d.requests['DR-000001']!.status = 'rejected'));
    const journal = join(
      dir,
      'data',
      (await readdir(join(dir, 'data'))).find((n) => n.includes('.journal.'))!,
    );
    await appendFile(journal, '{"seq":3,"requests":{"DR-000001":{"id":"DR-');
    const afterCrash = await Store.open(file, options);
    expect(afterCrash.getRequest('DR-000001')?.status).toBe('rejected');
    await afterCrash.flush();

    const next = `${file}.journal.3`;
    const broken = '{"seq":3,"requests":{"x":{"id":1}}}\n';
    await writeFile(next, broken);
    const error = await storeError(Store.open(file, options));
    expect(error.code).toBe('STORE_UNREADABLE');
    expect(error.message).toContain(next);
    expect(await readFile(next, 'utf8')).toBe(broken);
  });

  it('refuses a journal with a gap, and a journal whose data file is gone', async () => {
    const store = await seeded([aRequest('DR-000001', '2026-11-01T00:00:00.000Z', 'pending_approval')]);
    await store.transact((d) => void (d.requests['DR-000001']!.status = 'rejected'));
    const journal = join(
      dir,
      'data',
      (await readdir(join(dir, 'data'))).find((n) => n.includes('.journal.'))!,
    );
    const line = (await readFile(journal, 'utf8')).replace('"seq":2', '"seq":5');
    await writeFile(journal, line);
    expect((await storeError(Store.open(file, options))).message).toMatch(/missing/);
    await rm(file);
    expect((await storeError(Store.open(file, options))).message).toContain(file);
  });

  it('archives finished requests of months before the hot ones, per month, owner-only, and allRequests reads them back', async () => {
    const store = await seeded([
      aRequest('DR-MAY001', '2026-05-03T00:00:00.000Z'),
      aRequest('DR-MAY002', '2026-05-20T00:00:00.000Z', 'rejected'),
      aRequest('DR-JUN001', '2026-06-10T00:00:00.000Z', 'failed'),
      aRequest('DR-MAR001', '2026-03-01T00:00:00.000Z', 'pending_approval'),
      aRequest('DR-OCT001', '2026-10-01T00:00:00.000Z'),
      aRequest('DR-SEP001', '2026-09-30T00:00:00.000Z'),
      aRequest('DR-AUG001', '2026-08-31T23:59:59.000Z'),
    ]);
    // Hot: Sept–Nov (3 months), and the old request still pending.
    expect(
      store
        .listRequests()
        .map((r) => r.id)
        .sort(),
    ).toEqual(['DR-MAR001', 'DR-OCT001', 'DR-SEP001']);
    expect(store.getRequest('DR-MAY001')).toBeUndefined();
    const archiveDir = `${file}.archive`;
    const archives = (await readdir(archiveDir)).sort();
    expect(archives.map((n) => n.slice(0, 7))).toEqual(['2026-05', '2026-06', '2026-08']);
    expect((await stat(archiveDir)).mode & 0o777).toBe(0o700);
    for (const name of archives) expect((await stat(join(archiveDir, name))).mode & 0o777).toBe(0o600);
    expect(await readFile(file, 'utf8')).not.toContain('DR-MAY001"');

    const all = (await store.allRequests()).map((r) => r.id);
    expect(all.sort()).toEqual(
      ['DR-AUG001', 'DR-JUN001', 'DR-MAR001', 'DR-MAY001', 'DR-MAY002', 'DR-OCT001', 'DR-SEP001'].sort(),
    );
    const reopened = await Store.open(file, options);
    expect((await reopened.allRequests()).find((r) => r.id === 'DR-MAY002')).toMatchObject({
      status: 'rejected',
      reason: 'DSR DR-MAY002',
    });
  });

  it('merges a later round into the month’s archive and removes the superseded file', async () => {
    const store = await seeded([
      aRequest('DR-MAY001', '2026-05-03T00:00:00.000Z'),
      aRequest('DR-MAY002', '2026-05-20T00:00:00.000Z', 'pending_approval'),
    ]);
    expect(store.getRequest('DR-MAY002')?.status).toBe('pending_approval');
    await store.transact((d) => void (d.requests['DR-MAY002']!.status = 'expired'));
    // Archiving is checked hourly; a reopen checks at once.
    await store.flush();
    const reopened = await Store.open(file, options);
    await reopened.flush();
    expect(reopened.listRequests()).toEqual([]);
    expect(await readdir(`${file}.archive`)).toHaveLength(1);
    expect((await reopened.allRequests()).map((r) => r.id).sort()).toEqual(['DR-MAY001', 'DR-MAY002']);
  });

  it('detects a lost archive at start-up and an altered one when it is read, naming the file', async () => {
    await seeded([
      aRequest('DR-MAY001', '2026-05-03T00:00:00.000Z'),
      aRequest('DR-JUN001', '2026-06-03T00:00:00.000Z'),
    ]);
    const [may, june] = (await readdir(`${file}.archive`)).sort().map((n) => join(`${file}.archive`, n));
    const text = await readFile(may!, 'utf8');
    const altered = text.replace('DSR DR-MAY001', 'DSR DR-MAY00X');
    await writeFile(may!, altered);
    const store = await Store.open(file, options);
    const error = await storeError(store.allRequests());
    expect(error.code).toBe('STORE_UNREADABLE');
    expect(error.message).toContain(may!);
    expect(error.message).toMatch(/SHA-256/);
    expect(await readFile(may!, 'utf8')).toBe(altered);

    await writeFile(may!, `${text} `);
    expect((await storeError(Store.open(file, options))).message).toMatch(/size/);
    await writeFile(may!, text);
    await rm(june!);
    const lost = await storeError(Store.open(file, options));
    expect(lost.code).toBe('STORE_UNREADABLE');
    expect(lost.message).toContain(june!);
    expect(lost.message).toMatch(/missing/);
  });

  it('serialises many concurrent transactions: each sees the ones before it, all are kept', async () => {
    const store = await seeded([aRequest('DR-000001', '2026-11-01T00:00:00.000Z', 'pending_approval')]);
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        store.transact((d) => {
          const usage = usageIn(d, '123', '2026-11');
          usage.used += 1;
          const r = d.requests['DR-000001']!;
          if (r.status !== 'pending_approval') return false;
          r.status = 'submitting';
          r.decision = { outcome: 'approved', by: `U${i}`, at: 'now' };
          return true;
        }),
      ),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    const reopened = await Store.open(file, options);
    expect(reopened.monthUsage('123', '2026-11').used).toBe(60);
    expect(reopened.getRequest('DR-000001')?.decision?.by).toBe('U0');
  });

  it('drafts behave like plain data: listing, deleting, and requestsIn sees earlier changes in the batch', async () => {
    const store = await seeded([
      aRequest('DR-000001', '2026-11-01T00:00:00.000Z', 'pending_approval'),
      aRequest('DR-000002', '2026-11-02T00:00:00.000Z', 'pending_approval'),
    ]);
    const first = store.transact((d) => void (d.requests['DR-000001']!.status = 'rejected'));
    const second = store.transact((d) => ({
      pending: requestsIn(d, (r) => r.status === 'pending_approval').map((r) => r.id),
      values: Object.values(d.requests).length,
      has: 'DR-000002' in d.requests,
    }));
    await first;
    expect(await second).toEqual({ pending: ['DR-000002'], values: 2, has: true });
    await store.transact((d) => void delete d.requests['DR-000002']);
    expect(store.listRequests().map((r) => r.id)).toEqual(['DR-000001']);
    expect((await Store.open(file, options)).listRequests().map((r) => r.id)).toEqual(['DR-000001']);
  });

  it('folds a long journal into a new snapshot while writes go on, losing nothing', async () => {
    const store = await Store.open(file, { ...options, compactAfterBytes: 2_000 });
    const writes = Array.from({ length: 40 }, (_, i) =>
      store.transact((d) => {
        const id = `DR-${String(i).padStart(6, '0')}`;
        d.requests[id] = aRequest(id, '2026-11-01T00:00:00.000Z', 'pending_approval');
      }),
    );
    for (const w of writes) await w;
    await store.flush();
    const journals = (await readdir(join(dir, 'data'))).filter((n) => n.includes('.journal.'));
    expect(journals.length).toBeLessThanOrEqual(1);
    expect((await Store.open(file, options)).listRequests()).toHaveLength(40);
  });
});
