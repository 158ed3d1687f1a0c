/** Who may approve and who may file: resolved at the moment they act (user groups can change). */
export interface Directory {
  approvers(): Promise<ReadonlySet<string>>;
  /** The requester allow-list; null when none is configured (anyone may file). */
  requesters(): Promise<ReadonlySet<string> | null>;
}

/** A Slack message a click came from (its channel and timestamp). */
export interface MessageRef {
  channelId: string;
  ts: string;
}
