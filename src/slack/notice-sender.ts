import type { WebClient } from '@slack/web-api';
import { todayIn } from '../domain/gdpr.js';
import type { Notice } from '../domain/notices.js';
import type { DeletionRequest } from '../domain/request.js';
import type { MessageRef } from '../service/deletion-service.js';
import type { DeliveryVerdict, NoticeSender } from '../service/notice-delivery.js';
import type { QuotaReport } from '../service/quota-service.js';
import { buildApprovalMessage } from './blocks/approval-message.js';
import { buildFailureMessage } from './blocks/failure-message.js';
import {
  cancelledMessage,
  expiredMessage,
  quotaAlertMessage,
  reminderMessage,
} from './blocks/lifecycle-messages.js';
import { filedNotice, outcomeNotice } from './blocks/notices.js';
import { completion } from '../domain/follow-up.js';
import {
  completedMessage,
  completedRequesterMessage,
  overdueMessage,
  type Completion,
} from './blocks/follow-up-messages.js';
import { buildRecordMessage } from './blocks/record-message.js';
import { escapeMrkdwn, mention, slackDate } from './format.js';
import { classifySlackError } from './slack-errors.js';

/** What messages depending on the date read: the Cancel button, GDPR deadline warnings. */
export interface SenderClock {
  now: () => Date;
  /** The team's zone for calendar dates (QUOTA_TIMEZONE). */
  timeZone: string;
}

interface Message {
  text: string;
  blocks?: unknown[];
}

/** Quota left once this request is submitted, as shown to the approver. */
function quotaLeftAfter(request: DeletionRequest, quota: QuotaReport): number {
  const stillToCount = request.status === 'pending_approval' ? 1 : 0;
  return Math.max(0, quota.remaining - stillToCount);
}

/**
 * Renders each notice from the request's latest state with the pure builders and sends it through the
 * Web API: the one place that turns notices into Slack calls.
 */
export class SlackNoticeSender implements NoticeSender {
  constructor(
    private readonly client: WebClient,
    private readonly privacyChannelId: string,
    private readonly clock: SenderClock,
  ) {}

  classify(error: unknown): DeliveryVerdict {
    return classifySlackError(error);
  }

  async send(
    notice: Notice,
    request: DeletionRequest | undefined,
    quota: QuotaReport,
  ): Promise<{ posted?: MessageRef }> {
    if (notice.kind === 'quota_alert') {
      // An alert queued last month is still worth telling, with the numbers it was raised for.
      await this.client.chat.postMessage({
        channel: this.privacyChannelId,
        ...quotaAlertMessage(notice.level, quota),
      });
      return {};
    }
    if (!request) throw Object.assign(new Error('request missing'), { code: 'request_missing' });
    switch (notice.kind) {
      case 'approval_post': {
        const answer = await this.client.chat.postMessage({
          channel: this.privacyChannelId,
          ...this.approvalMessage(request, quota),
        });
        if (!answer.ts || !answer.channel) throw new Error('chat.postMessage answered without ts or channel');
        return { posted: { channelId: answer.channel, ts: answer.ts } };
      }
      case 'approval_update':
        if (request.approvalMessage) {
          await this.client.chat.update({
            channel: request.approvalMessage.channelId,
            ts: request.approvalMessage.ts,
            ...this.approvalMessage(request, quota),
          });
        }
        return {};
      case 'requester_filed':
        await this.requesterFiled(request, notice.duplicatesDropped, notice.notes);
        return {};
      case 'record_post':
        return {
          posted: await this.inThread(request, buildRecordMessage(request, { now: this.clock.now() })),
        };
      case 'record_update':
        await this.client.chat.update({
          channel: notice.channelId,
          ts: notice.ts,
          ...(buildRecordMessage(request, { now: this.clock.now() }) as Message),
        } as never);
        return {};
      case 'failure_post':
        await this.inThread(request, buildFailureMessage(request, { what: notice.what, next: notice.next }));
        return {};
      case 'decision_note':
        await this.inThread(request, decisionNote(request));
        return {};
      case 'requester_outcome': {
        const base = outcomeNotice(request);
        const text = notice.what
          ? `${base.text}\n${escapeMrkdwn(notice.what)} ${escapeMrkdwn(notice.next ?? '')}`
          : base.text;
        await this.client.chat.postMessage({ channel: request.requestedBy, text });
        return {};
      }
      case 'cancelled_post':
        await this.inThread(request, cancelledMessage(request));
        return {};
      case 'reminder_post': {
        const today = todayIn(this.clock.now(), this.clock.timeZone);
        await this.inThread(request, reminderMessage(request, new Date(notice.expiresAt), today));
        return {};
      }
      case 'expired_post':
        await this.inThread(request, expiredMessage(request));
        return {};
      case 'completed_post':
        await this.inThread(request, completedMessage(request, this.completion(request)));
        return {};
      case 'completed_requester': {
        const message = completedRequesterMessage(request, this.completion(request));
        await this.client.chat.postMessage({
          channel: request.requestedBy,
          text: message.text,
          blocks: message.blocks as never,
        });
        return {};
      }
      case 'overdue_post':
        await this.inThread(request, overdueMessage(request));
        return {};
      default:
        return assertNever(notice);
    }
  }

  /** When LivePerson finished (the day lp-delete first read DONE) and whether it beat the GDPR deadline. */
  private completion(request: DeletionRequest): Completion {
    return (
      completion(request, this.clock.timeZone) ?? {
        completedOn: todayIn(this.clock.now(), this.clock.timeZone),
      }
    );
  }

  private approvalMessage(request: DeletionRequest, quota: QuotaReport) {
    return buildApprovalMessage(request, {
      quotaLeftAfter: quotaLeftAfter(request, quota),
      limit: quota.limit,
      today: todayIn(this.clock.now(), this.clock.timeZone),
    });
  }

  private async requesterFiled(request: DeletionRequest, duplicatesDropped: number, notes: string[]) {
    const permalink = request.approvalMessage ? await this.permalink(request.approvalMessage) : undefined;
    const notice = filedNotice(request, permalink);
    const extra = [
      duplicatesDropped > 0
        ? `${duplicatesDropped} duplicate id${duplicatesDropped === 1 ? ' was' : 's were'} dropped.`
        : '',
      ...notes,
    ].filter(Boolean);
    const text = extra.length > 0 ? `${notice.text}\n${extra.map(escapeMrkdwn).join('\n')}` : notice.text;
    await this.client.chat.postMessage({
      channel: request.requestedBy,
      text,
      blocks: notice.blocks && extra.length === 0 ? (notice.blocks as never) : undefined,
    });
  }

  private async inThread(request: DeletionRequest, message: Message): Promise<MessageRef | undefined> {
    // Thread messages wait for the approval message (same lane, in order); without it there is no thread.
    if (!request.approvalMessage) return undefined;
    const answer = await this.client.chat.postMessage({
      channel: request.approvalMessage.channelId,
      thread_ts: request.approvalMessage.ts,
      text: message.text,
      // Builders return Block Kit objects checked against Slack's limits in their tests.
      blocks: message.blocks as never,
    });
    return answer.ts
      ? { channelId: answer.channel ?? request.approvalMessage.channelId, ts: answer.ts }
      : undefined;
  }

  private async permalink(ref: MessageRef): Promise<string | undefined> {
    try {
      const answer = await this.client.chat.getPermalink({ channel: ref.channelId, message_ts: ref.ts });
      return answer.permalink;
    } catch {
      return undefined;
    }
  }
}

function decisionNote(request: DeletionRequest): Message {
  const decision = request.decision;
  if (!decision) return { text: 'Decided.' };
  const verb = decision.outcome === 'approved' ? 'Approved' : 'Rejected';
  const reason = decision.reason ? `: ${escapeMrkdwn(decision.reason)}` : '';
  const text = `${verb} by ${mention(decision.by)} ${slackDate(decision.at)}${reason}`;
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
}

function assertNever(value: never): never {
  throw new Error(`unknown notice ${JSON.stringify(value)}`);
}
