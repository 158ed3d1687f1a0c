import type { z } from 'zod';
import { coreSchema } from './config/core.js';
import { resolveCredentials, type LivePersonAuth } from './config/credentials.js';
import { ConfigError, issuesToProblems, OUR_WORDS } from './config/messages.js';
import { slackCrossFieldProblems, slackSchema } from './config/slack.js';
import { intakeSchema, type IntakeConfig } from './config/intake.js';

/**
 * Every setting comes from the environment (index.ts loads a local `.env` first). Parsing collects all
 * problems at once so a misconfigured start-up names everything to fix in one message. Each area's
 * schema (src/config/) says what its settings must be; the types below are what those schemas produce.
 */

type CoreSettings = z.output<typeof coreSchema>;
export type LivePersonConfig = CoreSettings['liveperson'] & { auth: LivePersonAuth };
export type CoreConfig = Readonly<Omit<CoreSettings, 'liveperson'> & { liveperson: LivePersonConfig }>;
export type SlackConfig = z.output<typeof slackSchema>;
/** `intake` is present when INTAKE_TOKENS is set (the intake API is on). */
export type Config = CoreConfig & { readonly slack: SlackConfig; readonly intake?: IntakeConfig };

type Env = Record<string, string | undefined>;

/** The LivePerson and store settings: enough for the `lp` command line and the audit tools. */
export function loadCoreConfig(env: Env = process.env): CoreConfig {
  const problems: string[] = [];
  const core = parseCore(env, problems);
  if (problems.length > 0 || !core) throw new ConfigError(problems);
  return core;
}

function parseCore(env: Env, problems: string[]): CoreConfig | undefined {
  const parsed = coreSchema.safeParse(env, OUR_WORDS);
  if (!parsed.success) problems.push(...issuesToProblems(parsed.error));
  const credentials = resolveCredentials(env);
  problems.push(...credentials.problems);
  if (!parsed.success || !credentials.auth) return undefined;
  const { liveperson, ...rest } = parsed.data;
  const { accountId, ...lpRest } = liveperson;
  return Object.freeze({
    liveperson: Object.freeze({ accountId, auth: Object.freeze(credentials.auth), ...lpRest }),
    ...rest,
  });
}

/** Every setting the Slack app needs; throws one ConfigError listing every problem. */
export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];
  const core = parseCore(env, problems);
  const slack = slackSchema.safeParse(env, OUR_WORDS);
  if (!slack.success) problems.push(...issuesToProblems(slack.error));
  problems.push(...slackCrossFieldProblems(env));
  const intake = intakeSchema.safeParse(env, OUR_WORDS);
  if (!intake.success) problems.push(...issuesToProblems(intake.error));
  if (problems.length > 0 || !core || !slack.success || !intake.success) throw new ConfigError(problems);
  return Object.freeze({ ...core, slack: slack.data, ...(intake.data ? { intake: intake.data } : {}) });
}
