import { closest } from 'fastest-levenshtein';
import type { SlackConfig } from '../config.js';
import { coreSchema } from './core.js';
import { CREDENTIAL_VARIABLES } from './credentials.js';
import { slackSchema } from './slack.js';

/**
 * Settings lp-delete reads, taken from the schemas themselves so the list cannot drift from them; and
 * the ones in the environment that look like ours but are not (a plural APPROVER, a transposed letter),
 * each with the known setting nearest to it, so a typo is named instead of silently ignored.
 */
export const KNOWN_SETTINGS: readonly string[] = [
  ...Object.keys(coreSchema.in.shape),
  ...Object.keys(slackSchema.in.shape),
  ...CREDENTIAL_VARIABLES,
].sort();

/** The prefixes a setting of ours starts with; names starting "LP_" + "DELETE_" are test hooks, not settings. */
const OURS = /^(LP_|SLACK_|APPROVER|REQUESTER_)/;
const NOT_OURS = /^LP_(?=DELETE_)/;

export interface UnknownSetting {
  name: string;
  nearest: string;
}

/** Set (non-blank) variables named like ours that lp-delete does not read, in name order. */
export function unknownSettings(env: Record<string, string | undefined>): UnknownSetting[] {
  return Object.keys(env)
    .filter((name) => OURS.test(name) && !NOT_OURS.test(name) && !KNOWN_SETTINGS.includes(name))
    .filter((name) => Boolean(env[name]?.trim()))
    .sort()
    .map((name) => ({ name, nearest: closest(name, KNOWN_SETTINGS) }));
}

/** The one line for an unknown setting, at start-up and in the doctor. */
export function unknownSettingLine(setting: UnknownSetting): string {
  return `${setting.name} is not a setting lp-delete reads; did you mean ${setting.nearest}?`;
}

/** The one line for lp-delete 0.1's DATA_FILE when it is still set, at start-up and in the doctor. */
export function dataFileIgnoredLine(dataDir: string): string {
  return `DATA_FILE is no longer read (it was lp-delete 0.1's data file); the data folder is ${dataDir}`;
}
export const IGNORED_DATA_FILE_FIX = 'remove DATA_FILE; set DATA_DIR if the data folder is elsewhere';

/**
 * Too few approvers for four-eyes on every request, counted from the settings alone (no Slack needed):
 * the number of APPROVER_USER_IDS when no APPROVER_USERGROUP_ID adds members, else undefined (only
 * Slack knows the group's members; the doctor counts them when Slack answers).
 */
export function approverShortfall(
  slack: Pick<SlackConfig, 'approverUserIds' | 'approverUsergroupId'>,
): number | undefined {
  if (slack.approverUsergroupId) return undefined;
  const count = new Set(slack.approverUserIds).size;
  return count < 2 ? count : undefined;
}

/** The one line for fewer than two approvers, at start-up and in the doctor. */
export const TOO_FEW_APPROVERS_FIX = 'add a second U… id to APPROVER_USER_IDS';
export function tooFewApproversLine(count: number): string {
  return `only ${count} approver and no group: nobody can approve an approver's own request`;
}
