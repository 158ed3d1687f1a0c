import type { WebClient } from '@slack/web-api';
import type { Directory } from '../service/ports.js';

export interface DirectoryOptions {
  client: WebClient;
  approverUserIds: readonly string[];
  approverUsergroupId?: string;
  requesterUserIds: readonly string[];
  requesterUsergroupId?: string;
  /** How long a user group's member list is trusted; membership changes show after this. */
  cacheMs?: number;
  now?: () => number;
}

/**
 * Approvers and requesters: configured user ids plus the members of a user group, looked up with
 * `usergroups.users.list` and cached briefly. If a look-up fails and nothing is cached, only the
 * configured ids count: a Slack hiccup must never widen who may approve.
 */
export class SlackDirectory implements Directory {
  private readonly cache = new Map<string, { at: number; users: ReadonlySet<string> }>();

  constructor(private readonly options: DirectoryOptions) {}

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
    const members = usergroup ? await this.groupMembers(usergroup) : new Set<string>();
    return new Set([...ids, ...members]);
  }

  private async groupMembers(usergroup: string): Promise<ReadonlySet<string>> {
    const now = (this.options.now ?? Date.now)();
    const cached = this.cache.get(usergroup);
    if (cached && now - cached.at < (this.options.cacheMs ?? 60_000)) return cached.users;
    try {
      const answer = await this.options.client.usergroups.users.list({ usergroup });
      const users = new Set(answer.users ?? []);
      this.cache.set(usergroup, { at: now, users });
      return users;
    } catch {
      return cached?.users ?? new Set();
    }
  }
}
