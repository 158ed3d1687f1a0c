import { describe, expect, it } from 'vitest';
import type { StoredErasure } from '../../src/domain/erasure.js';
import type { RequestStore } from '../../src/store/port.js';

/**
 * The erasures of the intake API (issue 21), part of the RequestStore contract: every store serialises
 * changes of one id (so one Idempotency-Key creates once and one callback is claimed once), lists the open
 * ones, and keeps them across a restart.
 */
export function describeErasureContract(
  under: () => { store: RequestStore; reopen(): Promise<RequestStore> },
) {
  describe('intake erasures', () => {
    const id = (n: number) => `ER-${n.toString(16).padStart(24, '0')}`;
    const anErasure = (n: number, overrides: Partial<StoredErasure> = {}): StoredErasure => ({
      id: id(n),
      caller: 'OneTrust',
      caseRef: `DSR-${n}`,
      receivedOn: '2026-11-18',
      identifierKind: 'email',
      callbackUrl: 'https://dsr.example.com/hook',
      status: 'searching',
      createdAt: '2026-12-01T10:00:00.000Z',
      updatedAt: '2026-12-01T10:00:00.000Z',
      callbacks: [],
      ...overrides,
    });
    const callback = (seq: number, deliveredAt?: string): StoredErasure['callbacks'][number] => ({
      seq,
      status: 'awaiting_approval',
      body: '{}',
      queuedAt: '2026-12-01T10:01:00.000Z',
      attempts: 0,
      nextAttemptAt: '2026-12-01T10:01:00.000Z',
      ...(deliveredAt ? { deliveredAt } : {}),
    });

    it('creates once under one id however many ask at the same time; reads are copies', async () => {
      const { store } = under();
      const created = await Promise.all(
        Array.from({ length: 5 }, (_, i) =>
          store.erasures.change(id(1), (current) =>
            current ? { value: false } : { value: true, erasure: anErasure(1, { caseRef: `DSR-${i}` }) },
          ),
        ),
      );
      expect(created.filter(Boolean)).toHaveLength(1);
      const read = await store.erasures.get(id(1));
      expect(read?.id).toBe(id(1));
      if (read) read.status = 'failed';
      expect((await store.erasures.get(id(1)))?.status).toBe('searching');
      expect(await store.erasures.get(id(2))).toBeUndefined();
    });

    it('one of two claims of a callback wins', async () => {
      const { store } = under();
      await store.erasures.change(id(3), () => ({
        value: undefined,
        erasure: anErasure(3, { callbacks: [callback(1)] }),
      }));
      const claim = (by: string) =>
        store.erasures.change(id(3), (current) => {
          const owed = current?.callbacks[0];
          if (!current || !owed || owed.claimedBy) return { value: false };
          return {
            value: true,
            erasure: {
              ...current,
              callbacks: [{ ...owed, claimedBy: by, claimedUntil: '2026-12-01T10:02:00.000Z' }],
            },
          };
        });
      const won = await Promise.all([claim('r-1'), claim('r-2'), claim('r-3')]);
      expect(won.filter(Boolean)).toHaveLength(1);
    });

    it('lists the open ones (not final, or a callback owed), also after a restart', async () => {
      const { store } = under();
      const save = (e: StoredErasure) =>
        store.erasures.change(e.id, () => ({ value: undefined, erasure: e }));
      await save(anErasure(4));
      await save(anErasure(5, { status: 'failed', callbacks: [callback(1)] }));
      await save(anErasure(6, { status: 'rejected', callbacks: [callback(1, '2026-12-01T10:02:00.000Z')] }));
      await save(anErasure(7, { status: 'filed' }));
      // Only this test's erasures (a store may keep earlier tests' data).
      const mine = new Set([4, 5, 6, 7].map(id));
      const open = async (s: RequestStore) =>
        (await s.erasures.listOpen())
          .map((e) => e.id)
          .filter((e) => mine.has(e))
          .sort();
      expect(await open(store)).toEqual([id(4), id(5), id(7)]);
      await save(anErasure(7, { status: 'verified' }));
      const again = await under().reopen();
      expect(await open(again)).toEqual([id(4), id(5)]);
      expect((await again.erasures.get(id(6)))?.status).toBe('rejected');
    });
  });
}
