import { erasureOpen, type StoredErasure } from '../../src/domain/erasure.js';
import { KeyedMutex } from '../../src/store/lowdb/keyed-mutex.js';
import type { ErasureChange, ErasureStore } from '../../src/store/port.js';

/** Intake erasures in memory, with the stores' rules: copies in and out, changes serialised per id. */
export class MemoryErasures implements ErasureStore {
  private readonly mutex = new KeyedMutex();

  constructor(readonly kept: Map<string, StoredErasure> = new Map()) {}

  change<T>(id: string, change: (current: StoredErasure | undefined) => ErasureChange<T>): Promise<T> {
    return this.mutex.run([`erasure:${id}`], async () => {
      const current = this.kept.get(id);
      const { value, erasure } = change(current ? structuredClone(current) : undefined);
      if (erasure) {
        if (erasure.id !== id) throw new RangeError('change(): the same erasure');
        this.kept.set(id, structuredClone(erasure));
      }
      return value;
    });
  }

  async get(id: string): Promise<StoredErasure | undefined> {
    const erasure = this.kept.get(id);
    return erasure ? structuredClone(erasure) : undefined;
  }

  async listOpen(): Promise<StoredErasure[]> {
    return [...this.kept.values()].filter(erasureOpen).map((e) => structuredClone(e));
  }
}
