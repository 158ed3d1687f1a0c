import { randomBytes } from 'node:crypto';
import { open, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { webApi } from '@slack/bolt';
import { ConfigError, loadConfig, loadCoreConfig, type Config, type CoreConfig } from '../config.js';
import { createLivePersonClient, type LivePersonClientDeps } from '../liveperson/client.js';
import { describeForPeople, LivePersonError } from '../liveperson/errors.js';
import type { Logger } from '../log.js';
import { StoreError } from '../store/errors.js';
import { openStore } from '../store/open-store.js';
import { checkDatabase } from './checks/database.js';
import { checkHistory } from './checks/history.js';

/**
 * The set-up self-check behind `npm run doctor` and the start-up log: one result per thing that can be
 * misconfigured, each saying what is wrong and how to fix it. Results never carry tokens, secrets,
 * deletion ids or reasons: only setting names, Slack names and ids, hosts, counts and file paths.
 */

export interface CheckResult {
  name: string;
  ok: boolean;
  detail: string;
  fix?: string;
  /** Works, but worth attention (ok stays true): e.g. too few approvers for four-eyes on every request. */
  warning?: boolean;
  /** Not run because an earlier check failed (ok is false: the set-up is not known to work). */
  skipped?: boolean;
}

export interface DoctorDeps {
  /** The Slack Web API client; default a WebClient for SLACK_BOT_TOKEN / SLACK_API_URL without retries. */
  slackClient?: webApi.WebClient;
  /** Extra LivePerson client dependencies; the doctor's default is no read retries, to answer quickly. */
  lpDeps?: LivePersonClientDeps;
  now?: () => Date;
  /** Told what is being waited for (src/cli/progress.ts shows it on a terminal). */
  progress?: { step(label: string, service?: string): void; done(): void };
}

type Env = Record<string, string | undefined>;

const WHERE = 'in .env or the environment (see .env.example)';
const SKIPPED_CONFIG = 'skipped: fix the configuration first';
const SKIPPED_TOKEN = 'skipped: fix the Slack token first';
const SETTING_NAME = /\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b/g;
const REINSTALL =
  'reinstall the app (OAuth & Permissions → Reinstall to Workspace) and copy the Bot User OAuth Token (xoxb-…) into SLACK_BOT_TOKEN';

export async function runChecks(env: Env, deps: DoctorDeps = {}): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  let config: Config | undefined;
  let core: CoreConfig | undefined;
  try {
    config = loadConfig(env);
    core = config;
    results.push({ name: 'configuration', ok: true, detail: describeConfig(config) });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    for (const problem of err.problems) {
      results.push({ name: 'configuration', ok: false, detail: problem, fix: configFix(problem) });
    }
    // LivePerson and the data file need only the core settings, which may be fine on their own.
    try {
      core = loadCoreConfig(env);
    } catch {
      core = undefined;
    }
  }

  deps.progress?.step('Asking Slack', 'Slack');
  if (config) results.push(...(await checkSlack(config, deps.slackClient)));
  else {
    for (const name of ['slack token', 'privacy channel', 'approvers']) {
      results.push({ name, ok: false, skipped: true, detail: SKIPPED_CONFIG });
    }
  }

  if (core) {
    deps.progress?.step('Asking LivePerson', 'LivePerson');
    const liveperson = await checkLivePerson(core, deps);
    results.push(liveperson);
    // Erasing a person reads the history APIs; without them requests by id still work, hence a warning.
    if (liveperson.ok) {
      for (const h of await checkHistory(core, (deps.now ?? (() => new Date()))())) {
        results.push(h.ok ? h : { ...h, ok: true, warning: true });
      }
    }
    deps.progress?.step('Reading the data');
    if (core.databaseUrl) results.push(await databaseResult(core.databaseUrl));
    else results.push(...(await checkDataFolderAndStore(core.dataDir, core.legacyDataFile)));
  } else {
    for (const name of ['liveperson', 'data']) {
      results.push({ name, ok: false, skipped: true, detail: SKIPPED_CONFIG });
    }
  }
  deps.progress?.done();
  return results;
}

/** Logs each result as a `self_check` line (a warning when it failed or needs attention); never secrets. */
export function logSelfCheck(results: readonly CheckResult[], log: Logger): void {
  for (const r of results) {
    if (r.ok && !r.warning) log.info('self_check', { name: r.name, ok: true });
    else {
      log.warn('self_check', {
        name: r.name,
        ok: r.ok,
        ...(r.skipped ? { skipped: true } : {}),
        ...(r.warning ? { warning: true } : {}),
        detail: r.detail,
        fix: r.fix,
      });
    }
  }
}

// --- configuration -------------------------------------------------------------------------------------

function describeConfig(config: Config): string {
  const mode = config.slack.appToken ? 'Socket Mode' : `HTTP mode on port ${config.slack.port}`;
  const auth = { oauth2: 'OAuth 2.0', oauth1: 'OAuth 1.0a', bearer: 'bearer token' }[
    config.liveperson.auth.kind
  ];
  return `${mode}, LivePerson account ${config.liveperson.accountId} with ${auth} credentials`;
}

/** What to set for one ConfigError problem; the problem text itself already says what is wrong. */
export function configFix(problem: string): string {
  const incomplete = /^(.+?) set but (.+?) missing/.exec(problem);
  if (incomplete) return `set ${incomplete[2]}, or remove ${incomplete[1]}, ${WHERE}`;
  const instruction = problem.slice(problem.indexOf(': ') + 2);
  if (problem.includes(': ') && /^(set|keep)\b/.test(instruction)) return `${instruction}, ${WHERE}`;
  const setting = problem.match(SETTING_NAME)?.[0];
  return setting ? `set ${setting} ${WHERE}` : `correct the settings ${WHERE}`;
}

// --- Slack ---------------------------------------------------------------------------------------------

/** The Slack error code (`invalid_auth`, `channel_not_found`, …) or a transport-level description. */
function slackErrorOf(err: unknown): { error?: string; transport?: string } {
  const e = err as { code?: string; data?: { error?: unknown }; statusCode?: number };
  if (typeof e.data?.error === 'string') return { error: e.data.error };
  if (e.code === webApi.ErrorCode.RateLimitedError) return { transport: 'Slack is rate limiting this token' };
  if (e.code === webApi.ErrorCode.HTTPError) return { transport: `Slack answered HTTP ${e.statusCode}` };
  return { transport: 'Slack could not be reached' };
}

function slackFailure(name: string, err: unknown, fixes: Record<string, string>): CheckResult {
  const { error, transport } = slackErrorOf(err);
  if (transport) {
    return {
      name,
      ok: false,
      detail: transport,
      fix: 'check the network (and SLACK_API_URL if set), then run the doctor again',
    };
  }
  const fix =
    (error && fixes[error]) ??
    (error === 'missing_scope'
      ? 'add the missing bot scope under OAuth & Permissions (see manifest.yml) and reinstall the app'
      : 'see https://api.slack.com/methods for what this error means');
  return { name, ok: false, detail: `Slack answered ${error}`, fix };
}

async function checkSlack(config: Config, client?: webApi.WebClient): Promise<CheckResult[]> {
  const slack =
    client ??
    new webApi.WebClient(config.slack.botToken, {
      ...(config.slack.apiUrl ? { slackApiUrl: config.slack.apiUrl.replace(/\/?$/, '/') } : {}),
      retryConfig: { retries: 0 },
      timeout: 10_000,
      // Each failure becomes a result line; the client's own warnings would only repeat it on stderr.
      logLevel: webApi.LogLevel.ERROR,
    });
  const results: CheckResult[] = [];
  const tokenResult = await checkToken(slack);
  results.push(tokenResult);
  if (!tokenResult.ok) {
    for (const name of ['privacy channel', 'approvers']) {
      results.push({ name, ok: false, skipped: true, detail: SKIPPED_TOKEN });
    }
    return results;
  }
  results.push(await checkPrivacyChannel(slack, config.slack.privacyChannelId));
  results.push(...(await checkApprovers(slack, config)));
  if (config.slack.requesterUsergroupId) {
    results.push(await checkRequesterGroup(slack, config.slack.requesterUsergroupId));
  } else if (config.slack.requesterUserIds.length === 0) {
    results.push({
      name: 'requesters',
      ok: true,
      warning: true,
      detail: 'no requester allow-list: anyone in the workspace may file a deletion request',
      fix: 'set REQUESTER_USER_IDS (comma-separated U… ids) and/or REQUESTER_USERGROUP_ID (S…) to the privacy team',
    });
  }
  return results;
}

async function checkToken(slack: webApi.WebClient): Promise<CheckResult> {
  const name = 'slack token';
  try {
    const answer = await slack.auth.test();
    return {
      name,
      ok: true,
      detail: `workspace ${answer.team ?? answer.team_id ?? '?'}, bot user @${answer.user ?? '?'} (${answer.user_id ?? '?'})`,
    };
  } catch (err) {
    return tokenFailure(err);
  }
}

/** What a failed auth.test means and how to fix it; start-up prints the same words (src/startup). */
export function tokenFailure(err: unknown): CheckResult {
  return slackFailure('slack token', err, {
    invalid_auth: `SLACK_BOT_TOKEN is not accepted: ${REINSTALL}`,
    not_authed: `SLACK_BOT_TOKEN is missing: ${REINSTALL}`,
    account_inactive: `the app was uninstalled or its bot deactivated: ${REINSTALL}`,
    token_revoked: `the token was revoked: ${REINSTALL}`,
    token_expired: `the token expired: ${REINSTALL}`,
  });
}

async function checkPrivacyChannel(slack: webApi.WebClient, channel: string): Promise<CheckResult> {
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
    return slackFailure(name, err, {
      channel_not_found: `check PRIVACY_CHANNEL_ID (${channel}): copy the id from the channel's details; for a private channel, first type /invite @LP Delete in it`,
      missing_scope:
        'add the channels:read and groups:read bot scopes (OAuth & Permissions) and reinstall the app',
    });
  }
}

async function groupMembers(
  slack: webApi.WebClient,
  name: string,
  setting: string,
  usergroup: string,
): Promise<{ members: string[] } | { failure: CheckResult }> {
  try {
    const answer = await slack.usergroups.users.list({ usergroup });
    return { members: answer.users ?? [] };
  } catch (err) {
    return {
      failure: slackFailure(name, err, {
        no_such_subteam: `check ${setting} (${usergroup}): copy the user group's id (S…) from its page in Slack, or unset it`,
        subteam_not_found: `check ${setting} (${usergroup}): copy the user group's id (S…) from its page in Slack, or unset it`,
        missing_scope: 'add the usergroups:read bot scope (OAuth & Permissions) and reinstall the app',
      }),
    };
  }
}

async function checkApprovers(slack: webApi.WebClient, config: Config): Promise<CheckResult[]> {
  const { approverUserIds, approverUsergroupId } = config.slack;
  const results: CheckResult[] = [];
  const approvers = new Set(approverUserIds);
  if (approverUsergroupId) {
    const name = 'approver group';
    const group = await groupMembers(slack, name, 'APPROVER_USERGROUP_ID', approverUsergroupId);
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
      detail: `nobody can approve (0 approvers from ${sources})`,
      fix: `add at least 2 people to APPROVER_USER_IDS or the APPROVER_USERGROUP_ID group`,
    });
  } else if (total < 2) {
    results.push({
      name: 'approvers',
      ok: true,
      warning: true,
      detail: `only 1 approver (from ${sources}): at least 2 are needed so that every request, including the approver's own, can get a second person's approval`,
      fix: 'add another approver to APPROVER_USER_IDS or the APPROVER_USERGROUP_ID group',
    });
  } else {
    results.push({
      name: 'approvers',
      ok: true,
      detail: `${total} approvers in total (from ${sources}); at least 2 are needed for four-eyes approval`,
    });
  }
  return results;
}

async function checkRequesterGroup(slack: webApi.WebClient, usergroup: string): Promise<CheckResult> {
  const name = 'requester group';
  const group = await groupMembers(slack, name, 'REQUESTER_USERGROUP_ID', usergroup);
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

// --- LivePerson ----------------------------------------------------------------------------------------

const CREDENTIAL_SETTINGS = {
  oauth2: 'LP_CLIENT_ID and LP_CLIENT_SECRET',
  oauth1: 'LP_APP_KEY, LP_APP_SECRET, LP_ACCESS_TOKEN and LP_ACCESS_TOKEN_SECRET',
  bearer: 'LP_BEARER_TOKEN',
} as const;

/** Which settings decide the outcome of a failed check, so the fix can name them. */
function lpSettingsFor(err: unknown, core: CoreConfig): string {
  const lp = core.liveperson;
  if (!(err instanceof LivePersonError)) return 'the LP_… settings';
  const domainSetting = (host: 'rtbf' | 'sentinel') =>
    (host === 'rtbf' ? lp.rtbfUrl : lp.sentinelUrl)
      ? `LP_${host.toUpperCase()}_URL`
      : 'LP_DOMAIN_API_URL and LP_ACCOUNT_ID';
  if (err.setting) return err.setting;
  switch (err.code) {
    case 'LP_UNAUTHORIZED':
    case 'LP_FORBIDDEN':
      return CREDENTIAL_SETTINGS[lp.auth.kind];
    case 'LP_DOMAIN_LOOKUP_FAILED':
      return 'LP_ACCOUNT_ID and LP_DOMAIN_API_URL';
    case 'LP_NOT_FOUND':
      return 'LP_ACCOUNT_ID';
    default:
      if (err.operation === 'domain') return 'LP_DOMAIN_API_URL';
      if (err.operation === 'token') return domainSetting('sentinel');
      return domainSetting('rtbf');
  }
}

async function checkLivePerson(core: CoreConfig, deps: DoctorDeps): Promise<CheckResult> {
  const name = 'liveperson';
  const client = createLivePersonClient(core.liveperson, {
    retryDelaysMs: [],
    ...(deps.now ? { now: deps.now } : {}),
    ...deps.lpDeps,
  });
  try {
    const check = await client.check();
    const auth = { oauth2: 'OAuth 2.0', oauth1: 'OAuth 1.0a', bearer: 'bearer token' }[check.authKind];
    const sentinel = check.sentinelHost ? `, token from ${check.sentinelHost}` : '';
    return {
      name,
      ok: true,
      detail: `account ${core.liveperson.accountId}: deletion API at ${check.rtbfHost}${sentinel}, ${auth} credentials accepted`,
    };
  } catch (err) {
    const people = describeForPeople(err);
    const cause = err instanceof LivePersonError ? ` (${err.message})` : '';
    return {
      name,
      ok: false,
      detail: `${people.what}${cause}`,
      fix: `${people.next} Settings involved: ${lpSettingsFor(err, core)}.`,
    };
  }
}

// --- data file -----------------------------------------------------------------------------------------

const FILE_MODE = 0o600;

async function modeOf(file: string): Promise<number | undefined> {
  try {
    return (await stat(file)).mode & 0o777;
  } catch {
    return undefined;
  }
}

/** The nearest folder that exists on the way up to `folder` (the app creates the rest on first write). */
async function nearestExisting(folder: string): Promise<{ path: string; isDirectory: boolean }> {
  for (let current = resolve(folder); ; current = dirname(current)) {
    try {
      const info = await stat(current);
      return { path: current, isDirectory: info.isDirectory() };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      // ENOTDIR: something on the way is a file; keep climbing to find it.
      if ((code !== 'ENOENT' && code !== 'ENOTDIR') || dirname(current) === current) throw err;
    }
  }
}

export async function checkDataFolder(dataDir: string): Promise<CheckResult> {
  const name = 'data folder';
  const folder = resolve(dataDir);
  let existing;
  try {
    existing = await nearestExisting(folder);
  } catch (err) {
    return {
      name,
      ok: false,
      detail: `${folder} cannot be examined (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
      fix: `check the permissions on ${folder}, or set DATA_DIR to a folder lp-delete can write`,
    };
  }
  if (!existing.isDirectory) {
    return {
      name,
      ok: false,
      detail: `${existing.path} is a file, so the data cannot be kept in ${folder}`,
      fix: `move ${existing.path} away, or set DATA_DIR to a folder lp-delete can write`,
    };
  }
  // Creating a file is the only reliable test: permission bits do not tell about root, ACLs or read-only mounts.
  const probe = join(existing.path, `.lp-delete-doctor-${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  try {
    const handle = await open(probe, 'wx', FILE_MODE);
    await handle.close();
    await rm(probe, { force: true });
  } catch (err) {
    return {
      name,
      ok: false,
      detail: `cannot create files in ${existing.path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
      fix: `give the user running lp-delete write access to ${existing.path} (it writes each file atomically through a temp file beside it), or set DATA_DIR elsewhere`,
    };
  }
  const created = existing.path === folder ? '' : ` (${folder} will be created at the first write)`;
  return { name, ok: true, detail: `${existing.path} is writable${created}` };
}

async function databaseResult(url: string): Promise<CheckResult> {
  const check = await checkDatabase(url);
  return {
    name: 'database',
    ok: check.status !== 'fail',
    ...(check.status === 'warn' ? { warning: true } : {}),
    detail: check.message,
    ...(check.fix ? { fix: check.fix } : {}),
  };
}

async function checkDataFolderAndStore(dataDir: string, legacyDataFile?: string): Promise<CheckResult[]> {
  const folder = await checkDataFolder(dataDir);
  const results: CheckResult[] = [];
  if (legacyDataFile) {
    results.push({
      name: 'DATA_FILE',
      ok: true,
      warning: true,
      detail:
        'DATA_FILE is still set; lp-delete reads it for one more release (its folder is the data folder)',
      fix: `set DATA_DIR=${dirname(legacyDataFile)} and remove DATA_FILE`,
    });
  }
  if (!folder.ok) {
    return [
      ...results,
      folder,
      { name: 'data', ok: false, skipped: true, detail: 'skipped: fix the data folder first' },
    ];
  }
  results.push(folder);
  // Read-only: no lock and no writes, so the doctor can run beside the app.
  try {
    const store = await openStore(
      { dataDir, ...(legacyDataFile ? { legacyDataFile } : {}) },
      { readOnly: true },
    );
    try {
      const open = await store.listOpen();
      const owed = await store.owedNotices();
      results.push({
        name: 'data',
        ok: true,
        detail: `${dataDir} is valid: ${plural(open.length, 'request')} in play`,
      });
      const stuck = owed.filter((n) => n.attempts > 0);
      if (stuck.length > 0) {
        const errors = [...new Set(stuck.map((n) => n.lastError).filter(Boolean))].join(', ');
        results.push({
          name: 'Slack notices',
          ok: false,
          detail: `${plural(stuck.length, 'Slack message')} could not be delivered yet (Slack said: ${errors || 'no answer'}); lp-delete keeps trying`,
          fix: "fix what Slack reports (token, the bot's membership of the privacy channel, scopes); lp-delete delivers them without a restart",
        });
      } else {
        results.push({
          name: 'Slack notices',
          ok: true,
          detail: owed.length === 0 ? 'none waiting' : `${plural(owed.length, 'message')} on the way`,
        });
      }
    } finally {
      await store.close();
    }
  } catch (err) {
    if (!(err instanceof StoreError)) throw err;
    results.push({
      name: 'data',
      ok: false,
      detail: err.message,
      fix: 'restore the data folder from your backup (README, "Backups"), or set DATA_DIR elsewhere',
    });
  }
  const mode = await modeOf(dataDir);
  if (mode !== undefined && (mode & 0o077) !== 0) {
    results.push({
      name: 'data folder mode',
      ok: false,
      detail: `${dataDir} has mode ${mode.toString(8).padStart(4, '0')}: people other than its owner may read the deletion requests`,
      fix: `chmod 700 ${dataDir}`,
    });
  } else if (mode !== undefined) {
    results.push({ name: 'data folder mode', ok: true, detail: '0700 (owner only)' });
  }
  return results;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
