import type { webApi } from '@slack/bolt';
import { systemClock } from '../domain/clock.js';
import type { Logger } from '../log.js';
import { checkClock } from './checks/clock.js';
import { checkConfig } from './checks/config.js';
import { checkHistory } from './checks/history.js';
import { checkIntake } from './checks/intake.js';
import { checkLivePerson, type LivePersonCheckDeps } from './checks/liveperson.js';
import { checkSlack } from './checks/slack.js';
import { checkStorage } from './checks/storage.js';
import { skipped, type CheckResult } from './result.js';

/**
 * The set-up self-check behind `npm run doctor` and the start-up log: one result per thing that can be
 * misconfigured, each saying what is wrong and how to fix it. Results never carry tokens, secrets,
 * deletion ids or reasons: only setting names, Slack names and ids, hosts, counts and file paths.
 * Each area's checks live in checks/; this file runs them in order and skips what cannot be known.
 */

export interface DoctorDeps extends LivePersonCheckDeps {
  /** The Slack Web API client; default a WebClient for SLACK_BOT_TOKEN / SLACK_API_URL without retries. */
  slackClient?: webApi.WebClient;
  /** Told what is being waited for (src/cli/progress.ts shows it on a terminal). */
  progress?: { step(label: string, service?: string): void; done(): void };
}

type Env = Record<string, string | undefined>;

export async function runChecks(env: Env, deps: DoctorDeps = {}): Promise<CheckResult[]> {
  // Ended however the checks end: a spinner left running would keep the process alive.
  try {
    return await checksInOrder(env, deps);
  } finally {
    deps.progress?.done();
  }
}

async function checksInOrder(env: Env, deps: DoctorDeps): Promise<CheckResult[]> {
  const { results, config, core } = checkConfig(env);

  deps.progress?.step('Asking Slack', 'Slack');
  if (config) results.push(...(await checkSlack(config, deps.slackClient)), checkIntake(config));
  else results.push(...['slack token', 'privacy channel', 'approvers'].map((name) => skipped(name)));

  if (core) {
    deps.progress?.step('Asking LivePerson', 'LivePerson');
    const liveperson = await checkLivePerson(core, deps);
    results.push(liveperson);
    // Erasing a person reads the history APIs; without them requests by id still work, hence a warning.
    if (liveperson.ok) {
      for (const h of await checkHistory(core, (deps.now ?? systemClock)())) {
        results.push(h.ok ? h : { ...h, ok: true, warning: true });
      }
    }
    deps.progress?.step('Reading the data');
    results.push(...(await checkStorage(core)));
    results.push(await checkClock(core, config?.slack.apiUrl, deps));
  } else results.push(skipped('liveperson'), skipped('data'));
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
