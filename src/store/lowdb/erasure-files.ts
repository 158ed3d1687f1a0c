import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { errorCode } from '../../domain/error-code.js';
import { ERASURE_ID, erasureOpen, storedErasureSchema, type StoredErasure } from '../../domain/erasure.js';
import { StoreError } from '../errors.js';
import type { ErasureChange, ErasureStore } from '../port.js';
import { parseDocument, writeFileAtomic } from './atomic-json-file.js';
import type { KeyedMutex } from './keyed-mutex.js';
import type { WriteHealth } from './write-health.js';

/*
 * Intake erasures in the data folder: erasures/<id>.json, one owner-only file each, written atomically
 * like a request's. This process owns the folder, so the ids of the open ones are kept in memory (read at
 * start-up) for the sweep and the callback delivery.
 */

export const ERASURES_FOLDER = 'erasures';

export class ErasureFiles implements ErasureStore {
  private readonly open = new Set<string>();
  private readonly folder: string;

  constructor(
    dataFolder: string,
    private readonly mutex: KeyedMutex,
    private readonly health: WriteHealth,
    /** Throws when the store may not be written (read-only, closing). */
    private readonly writable: () => void,
  ) {
    this.folder = join(dataFolder, ERASURES_FOLDER);
  }

  /** Reads which erasures are open. A file that does not parse stops the start: a platform waits for it. */
  async load(): Promise<void> {
    let names: string[];
    try {
      names = await readdir(this.folder);
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return;
      throw error;
    }
    for (const name of names) {
      const id = name.replace(/\.json$/, '');
      if (!name.endsWith('.json') || !ERASURE_ID.test(id)) continue;
      const erasure = await this.read(id);
      if (erasure && erasureOpen(erasure)) this.open.add(id);
    }
  }

  change<T>(id: string, change: (current: StoredErasure | undefined) => ErasureChange<T>): Promise<T> {
    this.writable();
    return this.mutex.run([`erasure:${id}`], async () => {
      const current = await this.read(id);
      const { value, erasure } = change(current);
      if (erasure) {
        if (erasure.id !== id) throw new RangeError('change(): the same erasure');
        await this.health.track(() => writeFileAtomic(this.file(id), JSON.stringify(erasure)));
        if (erasureOpen(erasure)) this.open.add(id);
        else this.open.delete(id);
      }
      return value;
    });
  }

  get(id: string): Promise<StoredErasure | undefined> {
    return ERASURE_ID.test(id) ? this.read(id) : Promise.resolve(undefined);
  }

  async listOpen(): Promise<StoredErasure[]> {
    const all = await Promise.all([...this.open].map((id) => this.read(id)));
    return all.filter((e): e is StoredErasure => e !== undefined);
  }

  private file(id: string): string {
    if (!ERASURE_ID.test(id)) throw new RangeError('an erasure id is ER- and 24 hex digits');
    return join(this.folder, `${id}.json`);
  }

  private async read(id: string): Promise<StoredErasure | undefined> {
    const file = this.file(id);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return undefined;
      throw new StoreError(
        'STORE_UNREADABLE',
        `The erasure file ${file} could not be read (${errorCode(error)}).`,
      );
    }
    const parsed: StoredErasure = parseDocument(file, text, storedErasureSchema);
    return parsed;
  }
}
