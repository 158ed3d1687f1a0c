import { cp, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StoreError } from '../../src/store/errors.js';
import type { LogFields, Logger } from '../../src/log.js';
import { openFileStore, type FileStore } from '../../src/store/lowdb/file-store.js';
import { openStore } from '../../src/store/open-store.js';
import { aRequest, describeStoreContract } from './contract.js';

const open: FileStore[] = [];
const folders: string[] = [];
async function folder(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'lp-delete-store-'));
  folders.push(dir);
  return dir;
}
async function openAt(dir: string, options: Parameters<typeof openFileStore>[1] = {}): Promise<FileStore> {
  const store = await openFileStore(dir, options);
  open.push(store);
  return store;
}
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
  await Promise.all(folders.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

describeStoreContract('lowdb files', async () => {
  const dir = await folder();
  let current = await openAt(dir);
  return {
    store: current,
    reopen: async () => {
      await current.close();
      current = await openAt(dir);
      return current;
    },
    cleanup: async () => {
      await current.close();
    },
  };
});

const MONTH = '2026-12';
const file = (id: string) => (month: string) => aRequest(id, { createdAt: `${month}-01T10:00:00.000Z` });

describe('the lowdb file store', () => {
  it('one app per data folder: a second writer is refused with who holds it; readers work beside it', async () => {
    const dir = await folder();
    const writer = await openAt(dir);
    await writer.create(MONTH, (id) => file(id)(MONTH));
    const second = openFileStore(dir);
    await expect(second).rejects.toBeInstanceOf(StoreError);
    await expect(second).rejects.toThrow(
      /Another lp-delete \(process \d+ on .*\) is using the data folder.*PostgreSQL/s,
    );
    const reader = await openAt(dir, { readOnly: true });
    expect(await reader.listOpen()).toHaveLength(1);
    await expect(reader.create(MONTH, (id) => file(id)(MONTH))).rejects.toThrow(/read only/);
    await writer.close();
    // Released at close: the next app opens it.
    await openAt(dir);
  });

  it('a lock left by a process that is gone is taken over', async () => {
    const dir = await folder();
    await writeFile(
      join(dir, 'lp-delete.lock'),
      JSON.stringify({ pid: 2 ** 22 + 12345, host: (await import('node:os')).hostname(), since: 'x' }),
    );
    const store = await openAt(dir);
    expect(store.healthy()).toBe(true);
  });

  it('files are owner-only; a finished request moves to its month folder, ids carry the month', async () => {
    const dir = await folder();
    const store = await openAt(dir);
    const created = await store.create(MONTH, (id) => file(id)(MONTH));
    expect(created.id).toBe('DR-2026-12-0001');
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    expect((await stat(join(dir, 'open', `${created.id}.json`))).mode & 0o777).toBe(0o600);
    await store.update(created.id, (r) => ({ value: undefined, request: { ...r!, status: 'rejected' } }));
    for (let i = 0; i < 50 && (await readdir(join(dir, 'open'))).length > 0; i += 1) {
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(await readdir(join(dir, '2026-12'))).toEqual([`${created.id}.json`]);
    expect((await store.get(created.id))?.status).toBe('rejected');
    // A later change (a refused click) brings it back to open/ and it settles again.
    await store.update(created.id, (r) => ({
      value: undefined,
      request: { ...r!, history: [...r!.history, { at: 'x', event: 'approval_refused', by: 'U2' }] },
    }));
    expect((await store.get(created.id))?.history).toHaveLength(2);
  });

  it('a disk that fails a write: refused, nothing changed, reported unhealthy, fine again once it works', async () => {
    const dir = await folder();
    const store = await openAt(dir);
    const created = await store.create(MONTH, (id) => file(id)(MONTH));
    // The open/ folder made read-only stands in for a full disk here; the reliability suite fills a real tmpfs.
    const { chmod } = await import('node:fs/promises');
    await chmod(join(dir, 'open'), 0o500);
    const failing = store.update(created.id, (r) => ({ value: 1, request: { ...r!, reason: 'changed' } }));
    if (process.getuid?.() === 0) {
      // root writes anyway: nothing to prove here (the tmpfs test covers it)
      await failing;
    } else {
      await expect(failing).rejects.toMatchObject({ code: 'STORE_WRITE_FAILED' });
      expect(store.healthy()).toBe(false);
      expect((await store.get(created.id))?.reason).toBe('DSR-1');
    }
    await chmod(join(dir, 'open'), 0o700);
    await store.update(created.id, (r) => ({ value: 1, request: { ...r!, reason: 'changed again' } }));
    expect(store.healthy()).toBe(true);
  });

  it('a data file cut short stops start-up naming it, and is never overwritten', async () => {
    const dir = await folder();
    const store = await openAt(dir);
    const created = await store.create(MONTH, (id) => file(id)(MONTH));
    await store.close();
    const path = join(dir, 'open', `${created.id}.json`);
    const text = await readFile(path, 'utf8');
    await writeFile(path, text.slice(0, text.length / 2));
    await expect(openFileStore(dir)).rejects.toThrow(
      new RegExp(`${created.id}\\.json cannot be used: it is not valid JSON`),
    );
    expect(await readFile(path, 'utf8')).toBe(text.slice(0, text.length / 2));
    // The lock was given up: the next start says the same, not "another lp-delete is using it".
    await expect(openFileStore(dir)).rejects.toThrow(new RegExp(`${created.id}\\.json cannot be used`));
  });

  it('a copy of the folder (the documented backup) restores every request', async () => {
    const dir = await folder();
    const store = await openAt(dir);
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1) ids.push((await store.create(MONTH, (id) => file(id)(MONTH))).id);
    await store.update(ids[0]!, (r) => ({ value: undefined, request: { ...r!, status: 'rejected' } }));
    const backup = await folder();
    // What README's backup command does: copy the folder while the app runs (the lock file is skipped on restore).
    await cp(dir, backup, { recursive: true });
    await rm(join(backup, 'lp-delete.lock'), { force: true, recursive: true });
    const restored = await openAt(backup);
    for (const id of ids) expect(await restored.get(id)).toBeDefined();
    expect((await restored.get(ids[0]!))?.status).toBe('rejected');
  });

  it('DATA_FILE still set (lp-delete 0.1): one warning line, and the data folder is used; a reader says nothing', async () => {
    const dir = await folder();
    const warnings: [string, LogFields | undefined][] = [];
    const log: Logger = {
      info: () => {},
      error: () => {},
      warn: (event, fields) => warnings.push([event, fields]),
    };
    const store = await openStore({ dataDir: dir, dataFileIgnored: true }, { log });
    expect(warnings).toEqual([
      [
        'setting_ignored',
        {
          setting: 'DATA_FILE',
          message: `DATA_FILE is no longer read (it was lp-delete 0.1's data file); the data folder is ${dir}`,
        },
      ],
    ]);
    expect(await readdir(dir)).toContain('store.json');
    const reader = await openStore({ dataDir: dir, dataFileIgnored: true }, { log, readOnly: true });
    expect(warnings).toHaveLength(1);
    await Promise.all([reader.close(), store.close()]);
  });

  it('a request from ten years ago is found by its id without reading any other file', async () => {
    const dir = await folder();
    const store = await openAt(dir);
    const old = await store.create('2016-03', (id) => file(id)('2016-03'));
    await store.update(old.id, (r) => ({ value: undefined, request: { ...r!, status: 'expired' } }));
    await store.close();
    const reopened = await openAt(dir);
    expect((await reopened.get(old.id))?.status).toBe('expired');
    expect(await reopened.listMonth('2016-03')).toHaveLength(1);
  });
});
