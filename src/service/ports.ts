/** Who may approve: resolved at the moment of the click (user groups can change). */
export interface Directory {
  approvers(): Promise<ReadonlySet<string>>;
}

/** A Slack message a click came from (its channel and timestamp). */
export interface MessageRef {
  channelId: string;
  ts: string;
}
