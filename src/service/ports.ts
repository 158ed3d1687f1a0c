import type { Notice } from '../domain/notices.js';
import type { DeletionRequest } from '../domain/request.js';
import type { Clock } from '../domain/clock.js';
import type { LivePersonClient } from '../liveperson/client.js';
import type { Logger } from '../log.js';
import type { RequestStore } from '../store/port.js';
import type { QuotaReport, QuotaService } from './quota-service.js';

/** What the use cases are built from (wiring.ts makes each once): each one's deps pick what they use. */
export interface UseCaseDeps {
  store: RequestStore;
  lp: LivePersonClient;
  directory: Directory;
  quota: QuotaService;
  now: Clock;
  log: Logger;
}

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

/* What the notice delivery needs of a sender (src/slack/notice-sender.ts implements it). */

/** What a failed delivery calls for. `unknown`: the call may have reached Slack all the same. */
export type DeliveryVerdict =
  /** Slack is down, slow or rate-limiting: try again soon (after `afterMs` when Slack said). */
  | { kind: 'transient'; afterMs?: number; code: string; unknown?: boolean }
  /** Something an admin can fix (token revoked, bot not in the channel…): keep trying, less often. */
  | { kind: 'admin'; code: string; unknown?: boolean }
  /** Slack refused what we sent (invalid blocks, too long): a bug of ours; keep it and say so loudly. */
  | { kind: 'ours'; code: string; detail?: string };

/** A request that is one part of several under one approval: its lead and every part, latest state. */
export interface GroupState {
  lead: DeletionRequest;
  /** Every part, the lead first, in order. */
  parts: DeletionRequest[];
}

/** One attempt at a claimed notice, as the sender needs it. */
export interface SendAttempt {
  /** The notice's id, carried in the message's metadata so that Slack can say whether it arrived. */
  noticeId: string;
  /** When it was queued: its message cannot be older (give or take the clocks). */
  queuedAt: Date;
  /** An earlier attempt may have posted: look for its message before posting. */
  maybePosted: boolean;
  /** False once the claim may run out before a call started now ends: then nothing more is sent. */
  mayPost(): boolean;
}

/** Sends one notice to Slack, rendered from the request's latest state; says where a post landed. */
export interface NoticeSender {
  send(
    notice: Notice,
    request: DeletionRequest | undefined,
    quota: QuotaReport,
    group?: GroupState,
    attempt?: SendAttempt,
  ): Promise<{ posted?: MessageRef }>;
  classify(error: unknown): DeliveryVerdict;
}
