import type { Config } from '../config.js';
import {
  approverShortfall,
  TOO_FEW_APPROVERS_FIX,
  tooFewApproversLine,
  unknownSettingLine,
  unknownSettings,
} from '../config/known-settings.js';
import { checkLivePerson } from '../doctor/checks/liveperson.js';
import type { CheckResult } from '../doctor/result.js';
import { startupWarning } from '../doctor/words.js';
import type { Logger } from '../log.js';

/**
 * What start-up tells a person without stopping: settings it does not know, fewer than two approvers,
 * LivePerson not answering. Each is one plain line (`say`, stderr) and one JSON log line; none needs Slack.
 */

interface Out {
  log: Logger;
  say: (line: string) => void;
}

/** LP_*, SLACK_*, APPROVER* settings lp-delete does not read, each with the nearest one it does. */
export function warnAboutSettings(env: Record<string, string | undefined>, { log, say }: Out): void {
  for (const setting of unknownSettings(env)) {
    log.warn('unknown_setting', { name: setting.name, nearest: setting.nearest });
    say(`lp-delete: ${unknownSettingLine(setting)}`);
  }
}

/** Fewer than two approvers: an approver's own request could never be approved. Counted offline. */
export function warnAboutApprovers(config: Config, { log, say }: Out): void {
  const count = approverShortfall(config.slack);
  if (count === undefined) return;
  log.warn('too_few_approvers', { approvers: count });
  say(startupWarning(tooFewApproversLine(count), TOO_FEW_APPROVERS_FIX));
}

/**
 * With an approver group, only Slack knows how many approvers there are: the self-check's count, once
 * Slack answered, said as a plain line too when it is short of two.
 */
export function sayGroupApprovers(
  results: readonly CheckResult[],
  config: Config,
  { say }: Pick<Out, 'say'>,
): void {
  if (!config.slack.approverUsergroupId) return;
  const approvers = results.find((r) => r.name === 'approvers');
  if (!approvers || approvers.skipped || (approvers.ok && !approvers.warning)) return;
  say(startupWarning(approvers.detail, approvers.fix));
}

/**
 * Asks LivePerson once at start-up (the doctor's check: domain look-up and a token) and says so when it
 * cannot be used, with the cause first. Start-up carries on: requests can be filed and approved in Slack
 * while LivePerson is away; sending them waits for it.
 */
export async function reportLivePersonReachability(config: Config, { log, say }: Out): Promise<void> {
  try {
    const result = await checkLivePerson(config, {});
    if (result.ok) return;
    log.warn('liveperson_unreachable', { detail: result.detail });
    say(startupWarning(`LivePerson cannot be used yet: ${result.detail}`, result.fix));
  } catch (error) {
    log.warn('liveperson_check_failed', { name: error instanceof Error ? error.name : 'unknown' });
  }
}
