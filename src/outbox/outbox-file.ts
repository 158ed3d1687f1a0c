import { constants as fsConstants } from 'node:fs';
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Adapter } from 'lowdb';
import type { z } from 'zod';
import { StoreError } from '../store/json-file-adapter.js';

/**
 * The outbox's lowdb adapter: a small JSON file, validated on read (a broken file stops start-up and is
 * left as it is), written atomically (temp file, fsync, rename) with mode 0600.
 */
export class OutboxFile<T> implements Adapter<T> {
  constructor(
    readonly file: string,
    private readonly schema: z.ZodType<T>,
  ) {}

  async read(): Promise<T | null> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw this.unreadable(`it could not be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw this.unreadable('it is empty or not valid JSON');
    }
    const parsed = this.schema.safeParse(json);
    if (!parsed.success) throw this.unreadable('its content does not match what lp-delete writes');
    return parsed.data;
  }

  async write(data: T): Promise<void> {
    const tmp = `${this.file}.${process.pid}.tmp`;
    await mkdir(dirname(this.file), { recursive: true, mode: 0o700 });
    const handle = await open(tmp, fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_TRUNC, 0o600);
    try {
      await handle.writeFile(JSON.stringify(data));
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, this.file);
  }

  private unreadable(why: string): StoreError {
    return new StoreError(
      'STORE_UNREADABLE',
      `The Slack outbox file ${this.file} cannot be used: ${why}. lp-delete has not changed it. It holds only ` +
        'Slack messages still to be delivered (no personal data): move it away to start without them, and ' +
        'check the approval threads of recent requests by hand.',
    );
  }
}
