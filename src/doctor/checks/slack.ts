import { webApi } from '@slack/bolt';
import type { Config } from '../../config.js';
import {
  approverShortfall,
  TOO_FEW_APPROVERS_FIX,
  tooFewApproversLine,
} from '../../config/known-settings.js';
import { hostOf, networkCause } from '../network-cause.js';
import { plural, type CheckResult } from '../result.js';

const SKIPPED_TOKEN = 'skipped: fix the Slack token first';
const REINSTALL =
  'click Reinstall to Workspace (OAuth & Permissions), copy the new xoxb-… token into SLACK_BOT_TOKEN';

/** How long the doctor waits for each Slack call. */
const SLACK_TIMEOUT_MS = 10_000;

/** The Slack error code (`invalid_auth`, `channel_not_found`, …) or the cause of no answer, host first. */
function slackErrorOf(err: unknown, slackHost: string): { error?: string; transport?: string } {
  const e = err as { code?: string; data?: { error?: unknown } };
  if (typeof e.data?.error === 'string') return { error: e.data.error };
  if (e.code === webApi.ErrorCode.RateLimitedError)
    return { transport: `${slackHost} is rate limiting this token` };
  return { transport: networkCause(slackHost, err, { timeoutMs: SLACK_TIMEOUT_MS }) };
}

function slackFailure(
  name: string,
  err: unknown,
  fixes: Record<string, string>,
  host = 'slack.com',
): CheckResult {
  const { error, transport } = slackErrorOf(err, host);
  if (transport) {
    return {
      name,
      ok: false,
      detail: transport,
      fix: 'check the network and SLACK_API_URL (if set)',
    };
  }
  const fix =
    (error && fixes[error]) ??
    (error === 'missing_scope'
      ? 'add the missing bot scope under OAuth & Permissions (see manifest.yml) and reinstall the app'
      : 'see https://api.slack.com/methods for what this error means');
  return { name, ok: false, detail: `Slack answered ${error}`, fix };
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
  const results: CheckResult[] = [];
  const tokenResult = await checkToken(slack, host);
  results.push(tokenResult);
  if (!tokenResult.ok) {
    results.push({ name: 'privacy channel', ok: false, skipped: true, detail: SKIPPED_TOKEN });
    // Too few approver ids is known from the settings alone: said even while Slack cannot be asked.
    results.push(
      offlineApprovers(config) ?? { name: 'approvers', ok: false, skipped: true, detail: SKIPPED_TOKEN },
    );
    return results;
  }
  results.push(await checkPrivacyChannel(slack, config.slack.privacyChannelId, host));
  results.push(...(await checkApprovers(slack, config, host)));
  if (config.slack.requesterUsergroupId) {
    results.push(await checkRequesterGroup(slack, config.slack.requesterUsergroupId, host));
  } else if (config.slack.requesterUserIds.length === 0) {
    results.push({
      name: 'requesters',
      ok: true,
      warning: true,
      detail: 'no requester allow-list: anyone in the workspace may file',
      fix: 'list the privacy team in REQUESTER_USER_IDS or REQUESTER_USERGROUP_ID',
    });
  }
  return results;
}

async function checkToken(slack: webApi.WebClient, host: string): Promise<CheckResult> {
  const name = 'slack token';
  try {
    const answer = await slack.auth.test();
    return {
      name,
      ok: true,
      detail: `workspace ${answer.team ?? answer.team_id ?? '?'}, bot user @${answer.user ?? '?'} (${answer.user_id ?? '?'})`,
    };
  } catch (err) {
    return tokenFailure(err, host);
  }
}

/** What a failed auth.test means and how to fix it; start-up prints the same words (src/startup). */
export function tokenFailure(err: unknown, host?: string): CheckResult {
  return slackFailure(
    'slack token',
    err,
    {
      invalid_auth: REINSTALL,
      not_authed: REINSTALL,
      account_inactive: REINSTALL,
      token_revoked: REINSTALL,
      token_expired: REINSTALL,
    },
    host,
  );
}

async function checkPrivacyChannel(
  slack: webApi.WebClient,
  channel: string,
  host: string,
): Promise<CheckResult> {
  const name = 'privacy channel';
  try {
    const answer = await slack.conversations.info({ channel });
    const info = answer.channel;
    const label = info?.name ? `#${info.name} (${channel})` : channel;
    if (info?.is_archived) {
      return {
        name,
        ok: false,
        detail: `${label} is archived`,
        fix: 'unarchive the channel, or set PRIVACY_CHANNEL_ID to an active channel',
      };
    }
    if (!info?.is_member) {
      return {
        name,
        ok: false,
        detail: `the bot is not a member of ${label}, so it cannot post approvals there`,
        fix: `type /invite @LP Delete in ${label}`,
      };
    }
    return { name, ok: true, detail: `${label}: the bot is a member` };
  } catch (err) {
    return slackFailure(
      name,
      err,
      {
        channel_not_found: `check PRIVACY_CHANNEL_ID (${channel}); a private channel needs /invite @LP Delete first`,
        missing_scope:
          'add the channels:read and groups:read bot scopes (OAuth & Permissions) and reinstall the app',
      },
      host,
    );
  }
}

async function groupMembers(
  slack: webApi.WebClient,
  name: string,
  setting: string,
  usergroup: string,
  host: string,
): Promise<{ members: string[] } | { failure: CheckResult }> {
  try {
    const answer = await slack.usergroups.users.list({ usergroup });
    return { members: answer.users ?? [] };
  } catch (err) {
    return {
      failure: slackFailure(
        name,
        err,
        {
          no_such_subteam: `check ${setting} (${usergroup}): the group's id (S…) from Slack, or unset it`,
          subteam_not_found: `check ${setting} (${usergroup}): the group's id (S…) from Slack, or unset it`,
          missing_scope: 'add the usergroups:read bot scope (OAuth & Permissions) and reinstall the app',
        },
        host,
      ),
    };
  }
}

async function checkApprovers(slack: webApi.WebClient, config: Config, host: string): Promise<CheckResult[]> {
  const { approverUserIds, approverUsergroupId } = config.slack;
  const results: CheckResult[] = [];
  const approvers = new Set(approverUserIds);
  if (approverUsergroupId) {
    const name = 'approver group';
    const group = await groupMembers(slack, name, 'APPROVER_USERGROUP_ID', approverUsergroupId, host);
    if ('failure' in group) {
      results.push(group.failure);
      results.push({
        name: 'approvers',
        ok: false,
        skipped: true,
        detail: 'skipped: fix the approver group first',
      });
      return results;
    }
    for (const user of group.members) approvers.add(user);
    results.push(
      group.members.length === 0
        ? {
            name,
            ok: true,
            warning: true,
            detail: `${approverUsergroupId} has no members`,
            fix: 'add the privacy team to the user group in Slack',
          }
        : {
            name,
            ok: true,
            detail: `${approverUsergroupId}: ${plural(group.members.length, 'member')}`,
          },
    );
  }
  const total = approvers.size;
  const sources =
    `${plural(approverUserIds.length, 'user')} in APPROVER_USER_IDS` +
    (approverUsergroupId ? ` and the approver group's members` : '');
  if (total === 0) {
    results.push({
      name: 'approvers',
      ok: false,
      detail: `nobody can approve: 0 approvers in APPROVER_USER_IDS${approverUsergroupId ? ' and the group' : ''}`,
      fix: 'add at least 2 people to APPROVER_USER_IDS or the group',
    });
  } else if (total < 2) {
    results.push(
      offlineApprovers(config) ?? {
        name: 'approvers',
        ok: true,
        warning: true,
        detail: `only 1 approver, with group ${approverUsergroupId ?? ''}: their own requests cannot be approved`,
        fix: 'add a second person to the group or APPROVER_USER_IDS',
      },
    );
  } else {
    results.push({
      name: 'approvers',
      ok: true,
      detail: `${total} approvers in total (from ${sources}); at least 2 are needed for four-eyes approval`,
    });
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
  if (group.members.length === 0) {
    return {
      name,
      ok: true,
      warning: true,
      detail: `${usergroup} has no members: only REQUESTER_USER_IDS may file requests`,
      fix: 'add the people who file requests to the user group in Slack',
    };
  }
  return { name, ok: true, detail: `${usergroup}: ${plural(group.members.length, 'member')}` };
}

/** Fewer than two approver ids and no group: a warning counted from the settings, no Slack needed. */
function offlineApprovers(config: Config): CheckResult | undefined {
  const count = approverShortfall(config.slack);
  if (count === undefined) return undefined;
  return {
    name: 'approvers',
    ok: true,
    warning: true,
    detail: tooFewApproversLine(count),
    fix: TOO_FEW_APPROVERS_FIX,
  };
}
