import { webApi } from '@slack/bolt';
import type { Config } from '../../config.js';
import {
  approverShortfall,
  TOO_FEW_APPROVERS_FIX,
  tooFewApproversLine,
} from '../../config/known-settings.js';
import { plural } from '../../slack/format.js';
import { slackPlatformError } from '../../slack/slack-errors.js';
import { hostOf, networkCause } from '../network-cause.js';
import { failed, passed, skipped, warned, type CheckResult } from '../result.js';

const SKIPPED_TOKEN = 'skipped: fix the Slack token first';
const REINSTALL =
  'click Reinstall to Workspace (OAuth & Permissions), copy the new xoxb-… token into SLACK_BOT_TOKEN';

/** How long the doctor waits for each Slack call. */
const SLACK_TIMEOUT_MS = 10_000;

/**
 * The Slack error code (`invalid_auth`, `channel_not_found`, …) or the cause of no answer, host first: DNS,
 * refused, TLS, timeout, an HTTP status. Start-up's sign-in words its retries with it too.
 */
export function slackErrorOf(
  err: unknown,
  slackHost: string,
  timeoutMs = SLACK_TIMEOUT_MS,
): { error?: string; transport?: string } {
  const error = slackPlatformError(err);
  if (error !== undefined) return { error };
  if ((err as { code?: unknown } | undefined)?.code === webApi.ErrorCode.RateLimitedError)
    return { transport: `${slackHost} is rate limiting this token` };
  return { transport: networkCause(slackHost, err, { timeoutMs }) };
}

function slackFailure(
  name: string,
  err: unknown,
  fixes: Record<string, string>,
  host = 'slack.com',
): ReturnType<typeof failed> {
  const { error, transport } = slackErrorOf(err, host);
  if (transport) return failed(name, transport, 'check the network and SLACK_API_URL (if set)');
  const fix =
    (error && fixes[error]) ??
    (error === 'missing_scope'
      ? 'add the missing bot scope under OAuth & Permissions (see manifest.yml) and reinstall the app'
      : 'see https://api.slack.com/methods for what this error means');
  return failed(name, `Slack answered ${error}`, fix);
}

/** Runs one Slack call; a failure becomes the check's result, worded by `fixes` for Slack's error codes. */
async function askSlack<T>(
  name: string,
  host: string,
  fixes: Record<string, string>,
  call: () => Promise<T>,
): Promise<{ answer: T } | { failure: CheckResult }> {
  try {
    return { answer: await call() };
  } catch (err) {
    return { failure: slackFailure(name, err, fixes, host) };
  }
}

export async function checkSlack(config: Config, client?: webApi.WebClient): Promise<CheckResult[]> {
  const host = hostOf(config.slack.apiUrl ?? 'https://slack.com/api/');
  const slack =
    client ??
    new webApi.WebClient(config.slack.botToken, {
      ...(config.slack.apiUrl ? { slackApiUrl: config.slack.apiUrl.replace(/\/?$/, '/') } : {}),
      retryConfig: { retries: 0 },
      timeout: SLACK_TIMEOUT_MS,
      // Each failure becomes a result line; the client's own warnings would only repeat it on stderr.
      logLevel: webApi.LogLevel.ERROR,
    });
  const token = await askSlack('slack token', host, TOKEN_FIXES, () => slack.auth.test());
  if ('failure' in token) {
    // Too few approver ids is known from the settings alone: said even while Slack cannot be asked.
    return [
      token.failure,
      skipped('privacy channel', SKIPPED_TOKEN),
      offlineApprovers(config) ?? skipped('approvers', SKIPPED_TOKEN),
    ];
  }
  const { team, team_id, user, user_id } = token.answer;
  const results = [
    passed(
      'slack token',
      `workspace ${team ?? team_id ?? '?'}, bot user @${user ?? '?'} (${user_id ?? '?'})`,
    ),
    await checkPrivacyChannel(slack, config.slack.privacyChannelId, host),
    ...(await checkApprovers(slack, config, host)),
  ];
  if (config.slack.requesterUsergroupId) {
    results.push(await checkRequesterGroup(slack, config.slack.requesterUsergroupId, host));
  } else if (config.slack.requesterUserIds.length === 0) {
    results.push(
      warned(
        'requesters',
        'no requester allow-list: anyone in the workspace may file',
        'list the privacy team in REQUESTER_USER_IDS or REQUESTER_USERGROUP_ID',
      ),
    );
  }
  return results;
}

const TOKEN_FIXES = Object.fromEntries(
  ['invalid_auth', 'not_authed', 'account_inactive', 'token_revoked', 'token_expired'].map((e) => [
    e,
    REINSTALL,
  ]),
);

/** What a failed auth.test means and how to fix it; start-up prints the same words (src/startup). */
export function tokenFailure(err: unknown, host?: string): ReturnType<typeof failed> {
  return slackFailure('slack token', err, TOKEN_FIXES, host);
}

async function checkPrivacyChannel(
  slack: webApi.WebClient,
  channel: string,
  host: string,
): Promise<CheckResult> {
  const name = 'privacy channel';
  const asked = await askSlack(
    name,
    host,
    {
      channel_not_found: `check PRIVACY_CHANNEL_ID (${channel}); a private channel needs /invite @LP Delete first`,
      missing_scope:
        'add the channels:read and groups:read bot scopes (OAuth & Permissions) and reinstall the app',
    },
    () => slack.conversations.info({ channel }),
  );
  if ('failure' in asked) return asked.failure;
  const info = asked.answer.channel;
  const label = info?.name ? `#${info.name} (${channel})` : channel;
  if (info?.is_archived) {
    return failed(
      name,
      `${label} is archived`,
      'unarchive the channel, or set PRIVACY_CHANNEL_ID to an active channel',
    );
  }
  if (!info?.is_member) {
    return failed(
      name,
      `the bot is not a member of ${label}, so it cannot post approvals there`,
      `type /invite @LP Delete in ${label}`,
    );
  }
  return passed(name, `${label}: the bot is a member`);
}

async function groupMembers(
  slack: webApi.WebClient,
  name: string,
  setting: string,
  usergroup: string,
  host: string,
): Promise<{ answer: string[] } | { failure: CheckResult }> {
  const notFound = `check ${setting} (${usergroup}): the group's id (S…) from Slack, or unset it`;
  const asked = await askSlack(
    name,
    host,
    {
      no_such_subteam: notFound,
      subteam_not_found: notFound,
      missing_scope: 'add the usergroups:read bot scope (OAuth & Permissions) and reinstall the app',
    },
    () => slack.usergroups.users.list({ usergroup }),
  );
  return 'failure' in asked ? asked : { answer: asked.answer.users ?? [] };
}

async function checkApprovers(slack: webApi.WebClient, config: Config, host: string): Promise<CheckResult[]> {
  const { approverUserIds, approverUsergroupId } = config.slack;
  const results: CheckResult[] = [];
  const approvers = new Set(approverUserIds);
  if (approverUsergroupId) {
    const name = 'approver group';
    const group = await groupMembers(slack, name, 'APPROVER_USERGROUP_ID', approverUsergroupId, host);
    if ('failure' in group) {
      return [group.failure, skipped('approvers', 'skipped: fix the approver group first')];
    }
    for (const user of group.answer) approvers.add(user);
    results.push(
      group.answer.length === 0
        ? warned(
            name,
            `${approverUsergroupId} has no members`,
            'add the privacy team to the user group in Slack',
          )
        : passed(name, `${approverUsergroupId}: ${plural(group.answer.length, 'member')}`),
    );
  }
  const total = approvers.size;
  const sources =
    `${plural(approverUserIds.length, 'user')} in APPROVER_USER_IDS` +
    (approverUsergroupId ? ` and the approver group's members` : '');
  if (total === 0) {
    results.push(
      failed(
        'approvers',
        `nobody can approve: 0 approvers in APPROVER_USER_IDS${approverUsergroupId ? ' and the group' : ''}`,
        'add at least 2 people to APPROVER_USER_IDS or the group',
      ),
    );
  } else if (total < 2) {
    results.push(
      offlineApprovers(config) ??
        warned(
          'approvers',
          `only 1 approver, with group ${approverUsergroupId ?? ''}: their own requests cannot be approved`,
          'add a second person to the group or APPROVER_USER_IDS',
        ),
    );
  } else {
    results.push(
      passed(
        'approvers',
        `${total} approvers in total (from ${sources}); at least 2 are needed for four-eyes approval`,
      ),
    );
  }
  return results;
}

async function checkRequesterGroup(
  slack: webApi.WebClient,
  usergroup: string,
  host: string,
): Promise<CheckResult> {
  const name = 'requester group';
  const group = await groupMembers(slack, name, 'REQUESTER_USERGROUP_ID', usergroup, host);
  if ('failure' in group) return group.failure;
  if (group.answer.length === 0) {
    return warned(
      name,
      `${usergroup} has no members: only REQUESTER_USER_IDS may file requests`,
      'add the people who file requests to the user group in Slack',
    );
  }
  return passed(name, `${usergroup}: ${plural(group.answer.length, 'member')}`);
}

/** Fewer than two approver ids and no group: a warning counted from the settings, no Slack needed. */
function offlineApprovers(config: Config): CheckResult | undefined {
  const count = approverShortfall(config.slack);
  return count === undefined
    ? undefined
    : warned('approvers', tooFewApproversLine(count), TOO_FEW_APPROVERS_FIX);
}
