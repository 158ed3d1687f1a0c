import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { z } from 'zod';
import { readDocument, writeFileAtomic } from './atomic-json-file.js';
import type { KeyedMutex } from './keyed-mutex.js';
import { entries } from './layout.js';
import type { WriteHealth } from './write-health.js';

/** What the keepers of a folder of documents (searches, erasures) use of the file store. */
export interface FolderStore {
  health: WriteHealth;
  mutex: KeyedMutex;
  /** Throws when the store may not be written (read-only, closing). */
  writable: () => void;
}

/**
 * A folder of owner-only JSON documents, `<id>.json`, each written atomically like a request's and read
 * through its schema (a file that does not parse is refused, never overwritten). Ids are checked against
 * `id` before they become a path. Person searches and intake erasures are kept this way.
 */
export class JsonFolder<T> {
  private readonly folder: string;

  constructor(
    dataFolder: string,
    private readonly kind: { folder: string; id: RegExp; idRule: string; schema: z.ZodType<T> },
    private readonly health: WriteHealth,
  ) {
    this.folder = join(dataFolder, kind.folder);
  }

  /** The ids of the documents there (none when the folder does not exist yet). */
  async ids(): Promise<string[]> {
    const names = (await entries(this.folder)).map((entry) => entry.name);
    const ids = names.filter((n) => n.endsWith('.json')).map((n) => n.slice(0, -'.json'.length));
    return ids.filter((id) => this.kind.id.test(id));
  }

  read(id: string): Promise<T | undefined> {
    return readDocument(this.file(id), this.kind.schema);
  }

  write(id: string, document: T): Promise<void> {
    return this.health.track(() => writeFileAtomic(this.file(id), JSON.stringify(document)));
  }

  remove(id: string): Promise<void> {
    return rm(this.file(id), { force: true });
  }

  private file(id: string): string {
    if (!this.kind.id.test(id)) throw new RangeError(this.kind.idRule);
    return join(this.folder, `${id}.json`);
  }
}
