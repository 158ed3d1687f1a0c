import { ERASURE_ID, erasureOpen, storedErasureSchema, type StoredErasure } from '../../domain/erasure.js';
import type { ErasureChange, ErasureStore } from '../port.js';
import { JsonFolder, type FolderStore } from './json-folder.js';

/*
 * Intake erasures in the data folder: erasures/<id>.json, one owner-only file each, written atomically
 * like a request's. This process owns the folder, so the ids of the open ones are kept in memory (read at
 * start-up) for the sweep and the callback delivery.
 */

const ERASURES = {
  folder: 'erasures',
  id: ERASURE_ID,
  idRule: 'an erasure id is ER- and 24 hex digits',
  schema: storedErasureSchema,
};

export class ErasureFiles implements ErasureStore {
  private readonly open = new Set<string>();
  private readonly files: JsonFolder<StoredErasure>;

  constructor(
    dataFolder: string,
    private readonly store: FolderStore,
  ) {
    this.files = new JsonFolder(dataFolder, ERASURES, store.health);
  }

  /** Reads which erasures are open. A file that does not parse stops the start: a platform waits for it. */
  async load(): Promise<void> {
    for (const id of await this.files.ids()) {
      const erasure = await this.files.read(id);
      if (erasure && erasureOpen(erasure)) this.open.add(id);
    }
  }

  change<T>(id: string, change: (current: StoredErasure | undefined) => ErasureChange<T>): Promise<T> {
    this.store.writable();
    return this.store.mutex.run([`erasure:${id}`], async () => {
      const current = await this.files.read(id);
      const { value, erasure } = change(current);
      if (erasure) {
        if (erasure.id !== id) throw new RangeError('change(): the same erasure');
        await this.files.write(id, erasure);
        if (erasureOpen(erasure)) this.open.add(id);
        else this.open.delete(id);
      }
      return value;
    });
  }

  get(id: string): Promise<StoredErasure | undefined> {
    return ERASURE_ID.test(id) ? this.files.read(id) : Promise.resolve(undefined);
  }

  async listOpen(): Promise<StoredErasure[]> {
    const all = await Promise.all([...this.open].map((id) => this.files.read(id)));
    return all.filter((e): e is StoredErasure => e !== undefined);
  }
}
