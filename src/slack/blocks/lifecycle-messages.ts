/** Status, cancel, reminder, expiry and quota messages (issue 5). Pure: the clock comes in as arguments. */
import type { types } from '@slack/bolt';
import { deadlineStatus, isCalendarDate } from '../../domain/gdpr.js';
import { cancelOffered, cancellableUntil, submittedAt } from '../../domain/lifecycle.js';
import type { DeletionRequest } from '../../domain/request.js';
import { describeForPeople } from '../../liveperson/describe-for-people.js';
import { DELETION_GUARANTEE_DAYS, type LpRecord } from '../../domain/types.js';
import { cancelWindowEnds, deletionGuaranteedBy } from '../../domain/dates.js';
import type { QuotaReport } from '../../service/quota-service.js';
import { ACTION, BLOCK, COMMAND } from '../ids.js';
import { calendarDate, escapeMrkdwn, mention, plural, slackDate, truncate } from '../format.js';
import {
  button,
  buttonRow,
  confirmDialog,
  context,
  section,
  statusInWords,
  typeAndCount,
  type KnownBlock,
  type SlackMessage,
} from './parts.js';

const LP_STATUS_WORDS: Record<string, string> = {
  NOT_STARTED: 'not started (LivePerson has not begun deleting yet)',
  IN_PROGRESS: 'in progress (LivePerson is deleting the data)',
  CANCELED: 'cancelled (nothing will be deleted)',
  DONE: 'done (LivePerson reports the data deleted)',
};

/** LivePerson's status in words; a value LivePerson introduced later is shown as it came. */
export function lpStatusInWords(status: string | null | undefined): string {
  if (!status) return 'not reported by LivePerson';
  return LP_STATUS_WORDS[status] ?? `\`${escapeMrkdwn(truncate(status, 60))}\` (as LivePerson sent it)`;
}

/**
 * The GDPR deadline line, with a warning (given `today`) while the request is still open and the deadline
 * near or passed; undefined for requests filed before the date was asked.
 */
export function deadlineText(request: DeletionRequest, today?: string): string | undefined {
  const received = request.subjectRequestedOn;
  if (!received || !isCalendarDate(received)) return undefined;
  const status = deadlineStatus(received, today ?? received);
  const base = `GDPR deadline ${calendarDate(status.deadline)} (request received ${calendarDate(received)})`;
  const open = request.status === 'pending_approval' || request.status === 'submitting';
  if (!open || !today) return base;
  switch (status.urgency) {
    case 'passed':
      return `:rotating_light: ${base}: *passed ${plural(-status.daysLeft, 'day')} ago*`;
    case 'today':
      return `:rotating_light: ${base}: *due today*`;
    case 'near':
      return `:warning: ${base}: *${plural(status.daysLeft, 'day')} left*`;
    default:
      return `${base}: ${plural(status.daysLeft, 'day')} left`;
  }
}

/** The buttons under a thread record: Refresh always, Cancel only while LivePerson's window is open. */
export function recordActions(request: DeletionRequest, now: Date): types.ActionsBlock | undefined {
  if (!request.lpRecord) return undefined;
  const buttons = [button(ACTION.refreshStatus, 'Refresh status', request.id)];
  const until = cancellableUntil(request);
  if (cancelOffered(request, now) && until) {
    buttons.push(
      button(ACTION.cancelDeletion, 'Cancel deletion', request.id, {
        style: 'danger',
        confirm: confirmDialog(
          'Cancel this deletion?',
          `LivePerson will not delete anything for ${request.id} (${plural(request.ids.length, 'id')}). ` +
            'To delete the data later, a new request must be filed and approved, and it uses another unit of the monthly quota.',
          'Cancel the deletion',
          'Keep it',
        ),
      }),
    );
  }
  return buttonRow(BLOCK.recordActions, ...buttons);
}

export interface StatusView {
  /** The local request, when lp-delete filed it. */
  request?: DeletionRequest;
  /** LivePerson's answer: null when it has no such request; undefined when it was not asked. */
  lp?: LpRecord | null;
  /** Why LivePerson could not be asked: the error, described here. */
  lpError?: unknown;
  /** LivePerson request id asked about, when no local request is known. */
  lpRequestId?: string;
  /** LivePerson was not asked again (asked moments ago): when the status shown was read. */
  storedAt?: string;
}

/** The answer to `/lp-delete status <id>` and to Refresh status: live status and the timeline. */
export function statusText(view: StatusView, now: Date, today: string): string {
  const { request, lp } = view;
  const lines: string[] = [];
  const lpId = request?.lpRecord?.requestId ?? view.lpRequestId;
  const title = request
    ? `*${request.id}*${lpId ? ` (LivePerson request ${escapeMrkdwn(lpId)})` : ''}`
    : `*LivePerson request ${escapeMrkdwn(lpId ?? '?')}*`;
  lines.push(request ? `${title}: ${typeAndCount(request)}` : `${title}: not filed through lp-delete`);
  if (view.lpError !== undefined) {
    lines.push(
      `LivePerson status: _unknown right now_ (${escapeMrkdwn(describeForPeople(view.lpError).what)})`,
    );
  } else if (lp === null) lines.push('LivePerson status: _LivePerson has no request with this id_');
  else if (lp) {
    const stored = view.storedAt
      ? ` _(as read ${slackDate(view.storedAt)}; LivePerson is asked at most every 30 seconds per request)_`
      : '';
    lines.push(`LivePerson status: *${lpStatusInWords(lp.status)}*${stored}`);
  }
  if (request) lines.push(`lp-delete: ${statusInWords(request)}`);

  const timeline: string[] = [];
  if (request) {
    timeline.push(`Filed ${slackDate(request.createdAt)} by ${mention(request.requestedBy)}`);
    if (request.decision) {
      const verb = request.decision.outcome === 'approved' ? 'Approved' : 'Rejected';
      timeline.push(`${verb} ${slackDate(request.decision.at)} by ${mention(request.decision.by)}`);
    }
  }
  const submitted = request ? submittedAt(request) : lp?.requestTime ? new Date(lp.requestTime) : undefined;
  if (submitted && !Number.isNaN(submitted.getTime())) {
    timeline.push(`Submitted to LivePerson ${slackDate(submitted)}`);
    const until = request ? cancellableUntil(request) : cancelWindowEnds(submitted);
    const cancelled = request?.status === 'cancelled' || lp?.status === 'CANCELED' || lp?.isCanceled;
    if (cancelled) {
      const by = request?.cancellation ? ` by ${mention(request.cancellation.by)}` : '';
      const at = request?.cancellation?.at ?? lp?.cancelTimestamp;
      timeline.push(`Cancelled${at ? ` ${slackDate(at)}` : ''}${by}: nothing will be deleted`);
    } else if (until) {
      const open = now.getTime() < until.getTime();
      timeline.push(
        open
          ? `Cancellable until ${slackDate(until)}`
          : `Cancel window closed ${slackDate(until)}: the deletion is final`,
      );
      timeline.push(
        `Deletion guaranteed by ${slackDate(deletionGuaranteedBy(submitted))} ` +
          `(${DELETION_GUARANTEE_DAYS} days after the window)`,
      );
    }
  }
  if (request) {
    const deadline = deadlineText(request, today);
    if (deadline) timeline.push(deadline);
  }
  if (timeline.length > 0) lines.push(timeline.map((t) => `• ${t}`).join('\n'));
  return lines.join('\n');
}

/** The thread note once a request was cancelled at LivePerson. */
export function cancelledMessage(request: DeletionRequest): SlackMessage {
  const who = request.cancellation ? ` by ${mention(request.cancellation.by)}` : '';
  const text = `:no_entry_sign: ${request.id} was cancelled at LivePerson${who}. Nothing will be deleted.`;
  return { text, blocks: [section(text)] };
}

/** The thread reminder for an approval nobody decided. */
export function reminderMessage(request: DeletionRequest, expiresAt: Date, today: string): SlackMessage {
  const lines = [
    `:hourglass: *${request.id} still waits for approval* (filed ${slackDate(request.createdAt)} by ${mention(request.requestedBy)}, ${typeAndCount(request)}).`,
    `An approver other than the requester can decide with the buttons above. Undecided, it expires ${slackDate(expiresAt)}.`,
  ];
  const deadline = deadlineText(request, today);
  const blocks: KnownBlock[] = [section(lines.join('\n'))];
  if (deadline) blocks.push(context(deadline));
  return { text: `${request.id} still waits for approval`, blocks };
}

/** The thread note when a request expired undecided. */
export function expiredMessage(request: DeletionRequest): SlackMessage {
  const text =
    `:wastebasket: ${request.id} expired: nobody approved or rejected it in time, so nothing was sent to LivePerson. ` +
    `The requester can file it again with \`${COMMAND}\` if it is still needed.`;
  return { text, blocks: [section(text)] };
}

/** Where the month's count comes from, for the quota report and alerts. */
export function quotaSourcesText(quota: QuotaReport): string {
  const counted = quota.sources?.counted ?? quota.used;
  const lp = quota.sources?.livePerson;
  const lines = [`• lp-delete counted ${plural(counted, 'request')} it approved this month.`];
  if (lp) {
    lines.push(
      `• LivePerson listed ${plural(lp.total, 'request')} for the month (${lp.external} made outside lp-delete), ` +
        `checked ${slackDate(lp.syncedAt)}.`,
    );
  } else {
    lines.push("• LivePerson's own list has not been checked yet this month.");
  }
  lines.push(
    `• Counted against the limit: ${quota.used} (the higher of the two, outside requests included).`,
  );
  return lines.join('\n');
}

/** The answer to `/lp-delete quota`: use, sources, pending approvals against what is left, reset. */
export function quotaReportText(quota: QuotaReport, note?: string): string {
  const head = `*LivePerson deletion quota, ${quota.month}*: ${quota.used} of ${quota.limit} used, ${quota.remaining} left.`;
  const pending =
    quota.pendingApprovals > 0
      ? `${plural(quota.pendingApprovals, 'request')} ${quota.pendingApprovals === 1 ? 'waits' : 'wait'} for approval` +
        (quota.pendingApprovals > quota.remaining
          ? `: *more than the ${quota.remaining} left*, so some will have to wait for the reset.`
          : `, within the ${quota.remaining} left.`)
      : 'No requests wait for approval.';
  const state = quota.spent
    ? `The monthly limit is reached: LivePerson refuses new deletion requests until it resets on ${slackDate(quota.resetsAt)}.`
    : `It resets on ${slackDate(quota.resetsAt)}.`;
  return [head, quotaSourcesText(quota), pending, state, note ? `_${escapeMrkdwn(note)}_` : '']
    .filter(Boolean)
    .join('\n');
}

/** To the privacy channel, once per month per level. */
export function quotaAlertMessage(level: number, quota: QuotaReport): SlackMessage {
  const headline =
    level >= 100
      ? `:octagonal_sign: *The LivePerson deletion quota for ${quota.month} is used up* (${quota.used} of ${quota.limit}). ` +
        `LivePerson refuses new deletion requests until ${slackDate(quota.resetsAt)}.`
      : `:warning: *${level}% of the LivePerson deletion quota for ${quota.month} is used* (${quota.used} of ${quota.limit}, ${quota.remaining} left).`;
  const pending =
    quota.pendingApprovals > 0
      ? `${plural(quota.pendingApprovals, 'request')} still ${quota.pendingApprovals === 1 ? 'waits' : 'wait'} for approval.`
      : '';
  return {
    text:
      level >= 100 ? `LivePerson deletion quota used up` : `${level}% of the LivePerson deletion quota used`,
    blocks: [section([headline, pending].filter(Boolean).join('\n')), context(quotaSourcesText(quota))],
  };
}
