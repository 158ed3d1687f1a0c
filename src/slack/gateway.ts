import type { WebClient } from '@slack/web-api';
import type { DeletionRequest } from '../domain/request.js';
import type { QuotaReport, SlackGateway } from '../service/deletion-service.js';
import { buildApprovalMessage } from './blocks/approval-message.js';
import { buildFailureMessage } from './blocks/failure-message.js';
import { filedNotice, outcomeNotice } from './blocks/notices.js';
import { buildRecordMessage } from './blocks/record-message.js';
import { escapeMrkdwn, mention, slackDate } from './format.js';
import { todayIn } from '../domain/gdpr.js';
import type { MessageRef } from '../service/deletion-service.js';
import {
  cancelledMessage,
  expiredMessage,
  quotaAlertMessage,
  reminderMessage,
} from './blocks/lifecycle-messages.js';

/** What messages depending on the date read: the Cancel button, GDPR deadline warnings. */
export interface GatewayClock {
  now: () => Date;
  /** The team's zone for calendar dates (QUOTA_TIMEZONE). */
  timeZone: string;
}

/** Quota left once this request is submitted, as shown to the approver. */
function quotaLeftAfter(request: DeletionRequest, quota: QuotaReport): number {
  const stillToCount = request.status === 'pending_approval' ? 1 : 0;
  return Math.max(0, quota.remaining - stillToCount);
}

/** The Slack side of the workflow: every post, update and DM, rendered by the pure builders. */
export class WebApiGateway implements SlackGateway {
  /** Set by app.ts to the injected clock; real time by default. */
  clock: GatewayClock = { now: () => new Date(), timeZone: 'UTC' };

  constructor(
    private readonly client: WebClient,
    private readonly privacyChannelId: string,
    /** Told where each approval message landed (the service stores it). */
    private readonly onApprovalPosted: (
      requestId: string,
      at: { channelId: string; ts: string },
    ) => Promise<void>,
    /** Told where each LivePerson record landed, so its Cancel button can be removed when the window closes. */
    private readonly onRecordPosted: (requestId: string, at: MessageRef) => Promise<void> = async () => {},
  ) {}

  async postApprovalRequest(request: DeletionRequest, quota: QuotaReport) {
    const message = buildApprovalMessage(request, {
      quotaLeftAfter: quotaLeftAfter(request, quota),
      limit: quota.limit,
      today: todayIn(this.clock.now(), this.clock.timeZone),
    });
    const answer = await this.client.chat.postMessage({ channel: this.privacyChannelId, ...message });
    if (!answer.ts || !answer.channel) throw new Error('chat.postMessage answered without ts or channel');
    await this.onApprovalPosted(request.id, { channelId: answer.channel, ts: answer.ts });
  }

  async updateApprovalMessage(request: DeletionRequest, quota: QuotaReport) {
    if (!request.approvalMessage) return;
    const message = buildApprovalMessage(request, {
      quotaLeftAfter: quotaLeftAfter(request, quota),
      limit: quota.limit,
      today: todayIn(this.clock.now(), this.clock.timeZone),
    });
    await this.client.chat.update({
      channel: request.approvalMessage.channelId,
      ts: request.approvalMessage.ts,
      ...message,
    });
  }

  async postRecord(request: DeletionRequest) {
    const at = await this.inThread(request, buildRecordMessage(request, { now: this.clock.now() }));
    if (at) await this.onRecordPosted(request.id, at);
  }

  async updateRecordMessage(request: DeletionRequest, at: MessageRef) {
    const message = buildRecordMessage(request, { now: this.clock.now() });
    await this.client.chat.update({ channel: at.channelId, ts: at.ts, ...message });
  }

  async postCancelled(request: DeletionRequest) {
    await this.inThread(request, cancelledMessage(request));
  }

  async postReminder(request: DeletionRequest, expiresAt: Date) {
    const today = todayIn(this.clock.now(), this.clock.timeZone);
    await this.inThread(request, reminderMessage(request, new Date(expiresAt), today));
  }

  async postExpired(request: DeletionRequest) {
    await this.inThread(request, expiredMessage(request));
  }

  async postQuotaAlert(level: number, quota: QuotaReport) {
    await this.client.chat.postMessage({
      channel: this.privacyChannelId,
      ...quotaAlertMessage(level, quota),
    });
  }

  async postFailure(request: DeletionRequest, explanation: { what: string; next: string }) {
    await this.inThread(request, buildFailureMessage(request, explanation));
  }

  async postDecisionNote(request: DeletionRequest) {
    const decision = request.decision;
    if (!decision) return;
    const verb = decision.outcome === 'approved' ? 'Approved' : 'Rejected';
    const reason = decision.reason ? `: ${escapeMrkdwn(decision.reason)}` : '';
    const text = `${verb} by ${mention(decision.by)} ${slackDate(decision.at)}${reason}`;
    await this.inThread(request, { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] });
  }

  async notifyRequesterFiled(request: DeletionRequest, duplicatesDropped: number, notes: string[]) {
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
      blocks: notice.blocks && extra.length === 0 ? notice.blocks : undefined,
    });
  }

  async notifyRequesterOutcome(request: DeletionRequest, explanation?: { what: string; next: string }) {
    const notice = outcomeNotice(request);
    const text = explanation
      ? `${notice.text}\n${escapeMrkdwn(explanation.what)} ${escapeMrkdwn(explanation.next)}`
      : notice.text;
    await this.client.chat.postMessage({ channel: request.requestedBy, text });
  }

  private async inThread(
    request: DeletionRequest,
    message: { text: string; blocks?: unknown[] },
  ): Promise<MessageRef | undefined> {
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

  private async permalink(ref: { channelId: string; ts: string }): Promise<string | undefined> {
    try {
      const answer = await this.client.chat.getPermalink({ channel: ref.channelId, message_ts: ref.ts });
      return answer.permalink;
    } catch {
      return undefined;
    }
  }
}
