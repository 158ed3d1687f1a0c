/**
 * Stand-ins for LivePerson's Messaging Interactions (`msgHist`) and Engagement History
 * (`engHistDomain`) search APIs, as strict as the rtbf sandbox: `source` required, `limit` ≤ 100 (50 by
 * default, the consumer search paged too), never past 10,000, `start` windows of at most 3 months (1 for
 * chats), 13-month retention, ended chats only, unquoted values matched as loose words. Every reading of
 * LivePerson's pages is in README.md beside this file. Tests seed the data; answers carry names, emails,
 * phones and transcripts like LivePerson's do.
 *
 * Two ways to run it: mounted into the rtbf sandbox (`startSandbox({ extensions: [standIn] })`, which
 * then also answers the Domain API for both services and checks credentials its own way), or on its
 * own port with `startHistorySandbox`.
 *
 * This module is the import path the CLI, scripts and tests use; the parts live beside it: one routes
 * file per API (conversation-routes.ts, engagement-routes.ts), the stand-in's state (history-stand-in.ts),
 * its own server (history-standalone.ts), seeding, matching rules and answer shapes.
 */
export { createHistoryStandIn } from './history-stand-in.js';
export { startHistorySandbox } from './history-standalone.js';
export type { HistorySandbox, HistorySandboxOptions } from './history-standalone.js';
export type {
  HistoryCallKind,
  HistoryCallRecord,
  HistoryInjection,
  HistoryStandIn,
  HistoryStandInOptions,
} from './history-types.js';
export type {
  SeedChatInput,
  SeedConsumer,
  SeedConversationInput,
  SeededChat,
  SeededConversation,
} from './history-seed.js';
