/** The App Home tab: the month's quota, approvals waiting, recent requests with their status. Pure. */
import type { types } from '@slack/bolt';
import { awaitsLivePerson, OVERDUE_AFTER_DAYS } from '../../domain/follow-up.js';
import type { DeletionRequest } from '../../domain/request.js';
import type { QuotaReport } from '../../service/quota-service.js';
import { COMMAND } from '../ids.js';
import { escapeMrkdwn, mention, plural, safeLink, slackDate } from '../format.js';
import { deadlineText, lpStatusInWords, quotaSourcesText } from './lifecycle-messages.js';
import { context, header, section, typeAndCount, type KnownBlock } from './parts.js';

/** Slack refuses a Home view with more than 100 blocks. */
const HOME_MAX_BLOCKS = 100;
export const HOME_MAX_PENDING = 15;
const HOME_MAX_MINE = 10;
const HOME_MAX_EVERYONE = 20;
const BAR_WIDTH = 20;

export interface HomeData {
  quota: QuotaReport;
  /** Every approval waiting, oldest first, with a link to its message when Slack gave one. */
  pending: { request: DeletionRequest; link?: string }[];
  /** The viewer's own requests, newest first. */
  mine: DeletionRequest[];
  /** Everyone's requests, newest first; only for approvers (undefined otherwise). */
  everyone?: DeletionRequest[];
  /** `yyyy-mm-dd` in the team's zone, for GDPR deadline warnings. */
  today: string;
  /** For approvers: Slack messages not delivered yet, and Slack's error codes. */
  undelivered?: { count: number; errors: string[] };
}

/** `▓▓▓▓▓▓░░░░░░░░░░░░░░ 30%` */
export function quotaBar(used: number, limit: number): string {
  const share = limit > 0 ? Math.min(1, used / limit) : 1;
  // Any use shows at least one cell: an empty bar would read as "nothing used".
  const filled = used > 0 ? Math.max(1, Math.round(share * BAR_WIDTH)) : 0;
  return `\`${'▓'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}\` ${Math.round(share * 100)}%`;
}

const STATUS_WORDS: Record<DeletionRequest['status'], string> = {
  pending_approval: 'waiting for approval',
  rejected: 'rejected',
  submitting: 'being submitted',
  submitted: 'submitted',
  failed: 'failed',
  outcome_unknown: 'outcome unknown',
  cancelled: 'cancelled',
  expired: 'expired',
};

/** One line per request: id, status (LivePerson's when known), what, when, GDPR deadline. */
export function requestLine(request: DeletionRequest, today: string, link?: string): string {
  const id = safeLink(link, request.id) ?? `*${request.id}*`;
  const lp =
    request.status === 'submitted' && request.lpRecord?.status
      ? ` (LivePerson: ${lpStatusInWords(request.lpRecord.status)})`
      : '';
  const deadline = deadlineText(request, today);
  const overdue =
    request.overdueFlaggedAt && awaitsLivePerson(request)
      ? `:warning: *not done at LivePerson ${OVERDUE_AFTER_DAYS} days after submission*`
      : undefined;
  return [
    `${id} · ${STATUS_WORDS[request.status]}${lp}`,
    `${typeAndCount(request)} · filed ${slackDate(request.createdAt)} by ${mention(request.requestedBy)}`,
    ...(overdue ? [overdue] : []),
    ...(deadline ? [deadline] : []),
  ].join('\n');
}

function list(
  title: string,
  items: { request: DeletionRequest; link?: string }[],
  max: number,
  today: string,
  empty: string,
): KnownBlock[] {
  const blocks: KnownBlock[] = [{ type: 'divider' }, header(`${title} (${items.length})`)];
  if (items.length === 0) return [...blocks, context(empty)];
  for (const item of items.slice(0, max)) blocks.push(section(requestLine(item.request, today, item.link)));
  if (items.length > max) blocks.push(context(`…and ${plural(items.length - max, 'more')} not shown.`));
  return blocks;
}

export function buildHomeView(data: HomeData): types.HomeView {
  const { quota, today } = data;
  const blocks: KnownBlock[] = [
    header('LivePerson deletions'),
    section(
      `*Quota, ${quota.month}:* ${quotaBar(quota.used, quota.limit)}\n` +
        `${quota.used} of ${quota.limit} used, *${quota.remaining} left*, resets ${slackDate(quota.resetsAt)}.` +
        (quota.pendingApprovals > quota.remaining
          ? `\n:warning: ${plural(quota.pendingApprovals, 'request')} wait for approval: more than what is left.`
          : ''),
    ),
    context(quotaSourcesText(quota)),
    ...(data.undelivered
      ? [
          section(
            `:warning: *${plural(data.undelivered.count, 'Slack message')} could not be delivered yet* ` +
              `(Slack said: ${data.undelivered.errors.map((e) => `\`${escapeMrkdwn(e)}\``).join(', ')}). ` +
              'lp-delete keeps trying; `npm run doctor` shows the fix (e.g. invite the bot to the privacy channel, renew the token).',
          ),
        ]
      : []),
    ...list('Waiting for approval', data.pending, HOME_MAX_PENDING, today, 'Nothing waits for approval.'),
    ...list(
      'Your recent requests',
      data.mine.map((request) => ({ request })),
      HOME_MAX_MINE,
      today,
      `You have not filed any. Use \`${COMMAND}\` to file one.`,
    ),
  ];
  if (data.everyone) {
    blocks.push(
      ...list(
        'Everyone’s recent requests',
        data.everyone.map((request) => ({ request })),
        HOME_MAX_EVERYONE,
        today,
        'None yet.',
      ),
    );
  }
  blocks.push(
    context(`\`${COMMAND} help\` lists every command. \`${COMMAND} status <id>\` asks LivePerson.`),
  );
  // The caps above keep far below Slack's limit; this is the last line of defence.
  return { type: 'home', blocks: blocks.slice(0, HOME_MAX_BLOCKS) };
}
