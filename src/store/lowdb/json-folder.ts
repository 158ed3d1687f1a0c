import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { z } from 'zod';
import { errorCode } from '../../domain/error-code.js';
import { StoreError } from '../errors.js';
import { parseDocument, writeFileAtomic } from './atomic-json-file.js';
import type { WriteHealth } from './write-health.js';

/**
 * A folder of owner-only JSON documents, `<id>.json`, each written atomically like a request's and read
 * through its schema (a file that does not parse is refused, never overwritten). Ids are checked against
 * `id` before they become a path. Person searches and intake erasures are kept this way.
 */
export class JsonFolder<T> {
  private readonly folder: string;

  constructor(
    dataFolder: string,
    private readonly kind: { folder: string; what: string; id: RegExp; idRule: string; schema: z.ZodType<T> },
    private readonly health: WriteHealth,
  ) {
    this.folder = join(dataFolder, kind.folder);
  }

  /** The ids of the documents there (none when the folder does not exist yet). */
  async ids(): Promise<string[]> {
    let names: string[];
    try {
      names = await readdir(this.folder);
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return [];
      throw error;
    }
    const ids = names.filter((n) => n.endsWith('.json')).map((n) => n.slice(0, -'.json'.length));
    return ids.filter((id) => this.kind.id.test(id));
  }

  async read(id: string): Promise<T | undefined> {
    const file = this.file(id);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return undefined;
      throw new StoreError(
        'STORE_UNREADABLE',
        `The ${this.kind.what} file ${file} could not be read (${errorCode(error)}).`,
      );
    }
    return parseDocument(file, text, this.kind.schema);
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
