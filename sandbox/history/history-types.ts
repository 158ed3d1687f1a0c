import type { SandboxExtension } from '../rtbf/types.js';
import type {
  SeedChatInput,
  SeedConversationInput,
  SeededChat,
  SeededConversation,
  SeedStatus,
} from './history-seed.js';

/** The history stand-in's public shapes: its options, the handle a test holds, recorded calls, injections. */

export type HistoryCallKind = 'mi.search' | 'mi.consumer' | 'mi.byId' | 'eh.search';

export interface HistoryCallRecord {
  kind: HistoryCallKind;
  status: number;
  /** The `source` query parameter, as sent (null when missing). */
  source: string | null;
  offset?: number;
  limit?: number;
}

export interface HistoryInjection {
  kind: HistoryCallKind;
  status: number;
  /** How many matching calls the rule applies to (default 1). */
  times?: number;
}

export interface HistoryStandInOptions {
  accountId: string;
  now?: () => Date;
  /**
   * Sends `info` times as epoch ms only (`startTimeL`, `endTimeL`), without the `startTime` / `endTime`
   * text the examples also carry: the pages list the text as the type, the examples show both.
   */
  epochTimesOnly?: boolean;
}

export interface HistoryStandIn extends SandboxExtension {
  readonly accountId: string;
  readonly conversations: readonly SeededConversation[];
  readonly chats: readonly SeededChat[];
  readonly calls: readonly HistoryCallRecord[];
  addConversation(input: SeedConversationInput): SeededConversation;
  addChat(input: SeedChatInput): SeededChat;
  /** E.g. an open conversation closing later. */
  setStatus(conversationId: string, status: SeedStatus, endTime?: Date): void;
  inject(rule: HistoryInjection): void;
  /** Fault switch: these conversation or engagement ids stay unmasked when their deletion is DONE. */
  leaveUnmasked(ids: readonly string[]): void;
  reset(): void;
}
