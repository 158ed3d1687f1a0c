import { join } from 'node:path';
import { Low } from 'lowdb';
import type { QueuedNotice } from '../../domain/notices.js';
import type { QuotaKey } from '../port.js';
import type { MonthState } from '../schemas.js';
import { AtomicJsonFile } from './atomic-json-file.js';
import { MONTHS_FILE, monthsDocSchema, type MonthsDoc } from './layout.js';
import type { WriteHealth } from './write-health.js';

/**
 * months.json: per account and month, LivePerson's count at the last sync and the quota alerts sent, and
 * the notices about no single request (the channel's lane). Callers serialise its changes.
 */
export class MonthsFile {
  private constructor(
    private readonly db: Low<MonthsDoc>,
    private readonly health: WriteHealth,
  ) {}

  static async open(folder: string, health: WriteHealth): Promise<MonthsFile> {
    const empty: MonthsDoc = { version: 1, accounts: {}, notices: [], nextSeq: 1 };
    const db = new Low(new AtomicJsonFile(join(folder, MONTHS_FILE), monthsDocSchema), empty);
    await db.read();
    return new MonthsFile(db, health);
  }

  /** The channel's notices, oldest first (not a copy: read, do not change). */
  get notices(): readonly QueuedNotice[] {
    return this.db.data.notices;
  }

  state(key: QuotaKey): MonthState {
    return this.db.data.accounts[key.accountId]?.[key.month] ?? { alertsSent: {} };
  }

  /** A copy of the document, to change and `write`. */
  draft(): MonthsDoc {
    return structuredClone(this.db.data);
  }

  /** Replaces the channel's notices with `change(notices)`. */
  async changeNotices(change: (notices: QueuedNotice[]) => QueuedNotice[]): Promise<void> {
    const next = this.draft();
    next.notices = change(next.notices);
    await this.write(next);
  }

  async write(next: MonthsDoc): Promise<void> {
    await this.health.track(() => this.db.adapter.write(next));
    this.db.data = next;
  }
}
