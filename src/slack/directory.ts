import type { WebClient } from '@slack/web-api';
import { LRUCache } from 'lru-cache';
import type { SlackConfig } from '../config.js';
import type { Clock } from '../domain/clock.js';
import type { Directory } from '../service/ports.js';

type DirectoryOptions = Pick<
  SlackConfig,
  'approverUserIds' | 'approverUsergroupId' | 'requesterUserIds' | 'requesterUsergroupId'
> & { client: WebClient; now?: Clock };

/**
 * Approvers and requesters: configured user ids plus the members of a user group, looked up with
 * `usergroups.users.list` and trusted for a minute (membership changes show after it). If a look-up fails,
 * the last members read count; with none read, only the configured ids: a Slack hiccup must never widen
 * who may approve.
 */
export class SlackDirectory implements Directory {
  private readonly groups: LRUCache<string, ReadonlySet<string>>;

  constructor(private readonly options: DirectoryOptions) {
    const { client, now } = options;
    this.groups = new LRUCache<string, ReadonlySet<string>>({
      max: 10,
      ttl: 60_000,
      // The clock is read on every look-up, not cached for a moment.
      ttlResolution: 0,
      ...(now ? { perf: { now: () => now().getTime() } } : {}),
      // A failed look-up answers with the stale members, or (none) undefined: never throws.
      allowStaleOnFetchRejection: true,
      fetchMethod: async (usergroup) =>
        new Set((await client.usergroups.users.list({ usergroup })).users ?? []),
    });
  }

  async approvers(): Promise<ReadonlySet<string>> {
    return this.union(this.options.approverUserIds, this.options.approverUsergroupId);
  }

  /** null means anyone may file (no allow-list configured). */
  async requesters(): Promise<ReadonlySet<string> | null> {
    const { requesterUserIds, requesterUsergroupId } = this.options;
    if (requesterUserIds.length === 0 && !requesterUsergroupId) return null;
    return this.union(requesterUserIds, requesterUsergroupId);
  }

  private async union(ids: readonly string[], usergroup: string | undefined): Promise<ReadonlySet<string>> {
    const members = (usergroup && (await this.groups.fetch(usergroup))) || [];
    return new Set([...ids, ...members]);
  }
}
