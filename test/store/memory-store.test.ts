import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../support/memory-store.js';
import { aRequest, describeStoreContract } from './contract.js';

describeStoreContract('in memory (service tests)', async () => {
  let current = new MemoryStore();
  return {
    store: current,
    reopen: async () => {
      current = await current.reopen();
      return current;
    },
    cleanup: () => current.close(),
  };
});

describe('the memory store', () => {
  it('a write told to fail rejects with STORE_WRITE_FAILED, changes nothing, and heals on the next', async () => {
    const store = new MemoryStore();
    const { id } = await store.create('2026-12', (i) => aRequest(i));
    store.failWrites(1);
    await expect(
      store.update(id, (r) => ({
        value: 1,
        request: { ...r!, reason: 'changed' },
        notices: [{ kind: 'decision_note' }],
      })),
    ).rejects.toMatchObject({ code: 'STORE_WRITE_FAILED' });
    expect(store.healthy()).toBe(false);
    expect((await store.get(id))?.reason).toBe('DSR-1');
    expect(await store.owedNotices()).toEqual([]);
    await store.update(id, (r) => ({ value: 1, request: { ...r!, reason: 'changed' } }));
    expect(store.healthy()).toBe(true);
  });
});
