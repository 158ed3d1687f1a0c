import type { WebClient } from '@slack/web-api';
import type { Clock } from '../domain/clock.js';
import { todayIn } from '../domain/zoned-time.js';
import { isRequesterDm, type Notice } from '../domain/notices.js';
import type { DeletionRequest } from '../domain/request.js';
import type { DeliveryVerdict, GroupState, MessageRef, NoticeSender, SendAttempt } from '../service/ports.js';
import type { QuotaReport } from '../service/quota-service.js';
import { buildApprovalMessage, buildGroupApprovalMessage } from './blocks/approval-message.js';
import { heldBackClosedMessage } from './blocks/held-back-message.js';
import {
  cancelledMessage,
  expiredMessage,
  quotaAlertMessage,
  reminderMessage,
} from './blocks/lifecycle-messages.js';
import { buildFailureMessage, failurePostWords, requesterOutcomeWords } from './blocks/failure-words.js';
import { filedNotice, requesterOutcomeText } from './blocks/direct-messages.js';
import { completion, type Completion } from '../domain/follow-up.js';
import { completedMessage, completedRequesterMessage, overdueMessage } from './blocks/follow-up-messages.js';
import { buildRecordMessage } from './blocks/record-message.js';
import { verificationMessage, verificationSentence } from './blocks/verification-messages.js';
import { ticketChangeNotes } from './blocks/id-messages.js';
import { section, type SlackMessage } from './blocks/parts.js';
import { escapeMrkdwn, isUserId, mention, slackDate } from './format.js';
import { classifySlackError } from './slack-errors.js';
import {
  claimExpired,
  FIRST_ATTEMPT,
  findPosted,
  noticeMetadata,
  permalinkOf,
  type PostPlace,
} from './notice-lookup.js';

type Message = Pick<SlackMessage, 'text'> & Partial<Pick<SlackMessage, 'blocks'>>;

/** Posts one notice's message: at most once per attempt, after looking for an earlier one if need be. */
type Post = (place: PostPlace, message: Message) => Promise<MessageRef | undefined>;

/** Quota left once this request (or every part of its group) is submitted, as shown to the approver. */
function quotaLeftAfter(requests: readonly DeletionRequest[], quota: QuotaReport): number {
  const stillToCount = requests.filter((r) => r.status === 'pending_approval').length;
  return Math.max(0, quota.remaining - stillToCount);
}

/**
 * What a part of a group (not its lead) leaves to the lead: the decision, reminders and expiry are said
 * once, on the lead's message and thread; its record, failure, cancel and outcome are its own.
 */
function saidByLead(notice: Notice, request: DeletionRequest): boolean {
  if (!request.group || request.group.index === 0) return false;
  if (notice.kind === 'requester_outcome')
    return request.status === 'rejected' || request.status === 'expired';
  return ['decision_note', 'expired_post', 'reminder_post', 'approval_post', 'requester_filed'].includes(
    notice.kind,
  );
}

/**
 * Renders each notice from the request's latest state with the pure builders and sends it through the
 * Web API: the one place that turns notices into Slack calls.
 */
export class SlackNoticeSender implements NoticeSender {
  constructor(
    private readonly client: WebClient,
    private readonly privacyChannelId: string,
    /** What messages depending on the date read: the Cancel button, GDPR deadline warnings. */
    private readonly now: Clock,
    /** The team's zone for calendar dates (QUOTA_TIMEZONE). */
    private readonly timeZone: string,
    /** Approvers mentioned in a residual-erasure alert (APPROVER_USER_IDS). */
    private readonly approvers: readonly string[] = [],
  ) {}

  readonly classify: (error: unknown) => DeliveryVerdict = classifySlackError;

  async send(
    notice: Notice,
    request: DeletionRequest | undefined,
    quota: QuotaReport,
    group?: GroupState,
    attempt: SendAttempt = FIRST_ATTEMPT,
  ): Promise<{ posted?: MessageRef }> {
    const post = this.poster(attempt);
    if (notice.kind === 'quota_alert') {
      // An alert queued last month is still worth telling, with the numbers it was raised for.
      await post({ channel: this.privacyChannelId }, quotaAlertMessage(notice.level, quota));
      return {};
    }
    if (!request) throw Object.assign(new Error('request missing'), { code: 'request_missing' });
    if (saidByLead(notice, request)) return {};
    // Filed through the intake API: the requester is a DSR platform (no Slack user), told by its callback.
    if (!isUserId(request.requestedBy) && isRequesterDm(notice)) return {};
    // A part's messages go in its lead's thread, and its changes re-render the lead's message.
    const thread = request.approvalMessage ?? group?.lead.approvalMessage;
    // Thread messages wait for the approval message (same lane, in order); without it there is no thread.
    const inThread = async (message: Message) =>
      thread ? { posted: await post({ channel: thread.channelId, thread: thread.ts }, message) } : {};
    const dm = async (message: Message) => ({ posted: await post({ user: request.requestedBy }, message) });
    switch (notice.kind) {
      case 'approval_post': {
        const posted = await post(
          { channel: this.privacyChannelId },
          this.approvalMessage(request, quota, group),
        );
        if (!posted) throw new Error('chat.postMessage answered without ts or channel');
        return { posted };
      }
      case 'approval_update': {
        const target = group ? group.lead.approvalMessage : request.approvalMessage;
        if (target) {
          if (!attempt.mayPost()) throw claimExpired();
          await this.client.chat.update({
            channel: target.channelId,
            ts: target.ts,
            ...this.approvalMessage(group?.lead ?? request, quota, group),
          });
        }
        return {};
      }
      case 'held_back_closed':
        return inThread(heldBackClosedMessage(request, notice.conversationIds));
      case 'requester_filed':
        return this.requesterFiled(dm, request, notice.duplicatesDropped, [
          ...(notice.notes ?? []),
          ...(notice.ticketChanges ? ticketChangeNotes(notice.ticketChanges) : []),
        ]);
      case 'record_post':
        return inThread(buildRecordMessage(request, { now: this.now() }));
      case 'record_update':
        if (!attempt.mayPost()) throw claimExpired();
        await this.client.chat.update({
          channel: notice.channelId,
          ts: notice.ts,
          ...buildRecordMessage(request, { now: this.now() }),
        });
        return {};
      case 'failure_post':
        return inThread(buildFailureMessage(request, failurePostWords(notice)));
      case 'decision_note':
        return inThread(decisionNote(request));
      case 'requester_outcome':
        return dm({ text: requesterOutcomeText(request, requesterOutcomeWords(notice)) });
      case 'cancelled_post':
        return inThread(cancelledMessage(request));
      case 'reminder_post': {
        const today = todayIn(this.now(), this.timeZone);
        return inThread(reminderMessage(request, new Date(notice.expiresAt), today));
      }
      case 'expired_post':
        return inThread(expiredMessage(request));
      case 'completed_post':
        return inThread(completedMessage(request, this.completion(request)));
      case 'completed_requester': {
        const verified = notice.verification && verificationSentence(request.type, notice.verification);
        return dm(completedRequesterMessage(request, this.completion(request), verified));
      }
      case 'verification_post': {
        if (!thread) return {};
        const message = verificationMessage(request, notice.result, {
          alert: notice.alert,
          approvers: this.approvers,
        });
        // The alert is also shown in the channel, where the approvers look.
        await post({ channel: thread.channelId, thread: thread.ts, broadcast: notice.alert }, message);
        return {};
      }
      case 'overdue_post':
        return inThread(overdueMessage(request));
    }
  }

  /** When LivePerson finished (the day lp-delete first read DONE) and whether it beat the GDPR deadline. */
  private completion(request: DeletionRequest): Completion {
    return completion(request, this.timeZone) ?? { completedOn: todayIn(this.now(), this.timeZone) };
  }

  private approvalMessage(request: DeletionRequest, quota: QuotaReport, group?: GroupState) {
    const ctx = {
      quotaLeftAfter: quotaLeftAfter(group?.parts ?? [request], quota),
      limit: quota.limit,
      today: todayIn(this.now(), this.timeZone),
    };
    return group ? buildGroupApprovalMessage(group, ctx) : buildApprovalMessage(request, ctx);
  }

  private async requesterFiled(
    dm: (message: Message) => Promise<{ posted?: MessageRef }>,
    request: DeletionRequest,
    duplicatesDropped: number,
    notes: string[],
  ) {
    const permalink = request.approvalMessage && (await permalinkOf(this.client, request.approvalMessage));
    const notice = filedNotice(request, permalink);
    const extra = [
      duplicatesDropped > 0
        ? `${duplicatesDropped} duplicate id${duplicatesDropped === 1 ? ' was' : 's were'} dropped.`
        : '',
      ...notes,
    ].filter(Boolean);
    const text = extra.length > 0 ? `${notice.text}\n${extra.map(escapeMrkdwn).join('\n')}` : notice.text;
    return dm({ text, ...(extra.length === 0 ? { blocks: notice.blocks } : {}) });
  }

  /**
   * The one way a notice posts: after an attempt that may have posted, Slack is asked first (by the
   * notice id in the metadata) and a message found there counts as the post; nothing is posted once the
   * claim may have run out.
   */
  private poster(attempt: SendAttempt): Post {
    return async (place, message) => {
      if (attempt.maybePosted) {
        const found = await findPosted(this.client, place, attempt.noticeId, attempt.queuedAt);
        if (found) return found;
      }
      if (!attempt.mayPost()) throw claimExpired();
      const channel = 'user' in place ? place.user : place.channel;
      const thread = 'thread' in place ? place.thread : undefined;
      const args = {
        channel,
        text: message.text,
        blocks: message.blocks,
        metadata: noticeMetadata(attempt.noticeId),
      };
      const broadcast = 'broadcast' in place && place.broadcast === true;
      const answer = await this.client.chat.postMessage(
        thread && broadcast
          ? { ...args, thread_ts: thread, reply_broadcast: true }
          : thread
            ? { ...args, thread_ts: thread }
            : args,
      );
      return answer.ts ? { channelId: answer.channel ?? channel, ts: answer.ts } : undefined;
    };
  }
}

function decisionNote(request: DeletionRequest): Message {
  const decision = request.decision;
  if (!decision) return { text: 'Decided.' };
  const verb = decision.outcome === 'approved' ? 'Approved' : 'Rejected';
  const reason = decision.reason ? `: ${escapeMrkdwn(decision.reason)}` : '';
  const text = `${verb} by ${mention(decision.by)} ${slackDate(decision.at)}${reason}`;
  return { text, blocks: [section(text)] };
}
