import { join } from 'node:path';
import { idParts, requestId } from '../port.js';
import { listJson } from './layout.js';

/** The highest request number used per month, so a new request takes the next one. */
export class RequestNumbers {
  private readonly last = new Map<string, number>();

  constructor(private readonly folder: string) {}

  /** Notes the number of an id seen (DR-yyyy-mm-nnnn). */
  note(id: string): void {
    const parts = idParts(id);
    if (parts && parts.number > (this.last.get(parts.month) ?? 0)) this.last.set(parts.month, parts.number);
  }

  /** The next id of a month. The caller serialises allocations of one month. */
  async next(month: string): Promise<string> {
    await this.knowNumbers(month);
    const number = (this.last.get(month) ?? 0) + 1;
    this.last.set(month, number);
    return requestId(month, number);
  }

  /** Numbers already used in a month folder not read at start-up (a request filed for an old month). */
  private async knowNumbers(month: string): Promise<void> {
    if (this.last.has(month)) return;
    for (const name of await listJson(join(this.folder, month))) this.note(name.slice(0, -5));
    if (!this.last.has(month)) this.last.set(month, 0);
  }
}
