import { ConfigError, loadConfig, loadCoreConfig, type Config, type CoreConfig } from '../../config.js';
import type { CheckResult } from '../result.js';

const WHERE = 'in .env or the environment (see .env.example)';
const SETTING_NAME = /\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b/g;

/**
 * The configuration as the other checks need it: the whole config when it is valid, else one result per
 * problem and the core settings alone when those are fine.
 */
export function checkConfig(env: Record<string, string | undefined>): {
  results: CheckResult[];
  config?: Config;
  core?: CoreConfig;
} {
  try {
    const config = loadConfig(env);
    return {
      results: [{ name: 'configuration', ok: true, detail: describeConfig(config) }],
      config,
      core: config,
    };
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    const results = err.problems.map((problem): CheckResult => ({
      name: 'configuration',
      ok: false,
      detail: problem,
      fix: configFix(problem),
    }));
    // LivePerson and the data file need only the core settings, which may be fine on their own.
    try {
      return { results, core: loadCoreConfig(env) };
    } catch {
      return { results };
    }
  }
}

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
