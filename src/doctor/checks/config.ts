import { loadConfig, loadCoreConfig, type Config, type CoreConfig } from '../../config.js';
import { ConfigError } from '../../config/messages.js';
import { unknownSettings } from '../../config/known-settings.js';
import { AUTH_KINDS, failed, passed, warned, type CheckResult } from '../result.js';

const NAME = 'configuration';
const WHERE = 'in .env';
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
  // Settings named like ours that lp-delete does not read: a typo leaves the real one unset.
  const unknown = unknownSettings(env).map((setting) =>
    warned(
      NAME,
      `${setting.name} is not a setting lp-delete reads`,
      `did you mean ${setting.nearest}? Rename it`,
    ),
  );
  try {
    const config = loadConfig(env);
    return {
      results: [passed(NAME, describeConfig(config)), ...unknown],
      config,
      core: config,
    };
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    const results = [
      ...unknown,
      ...err.problems.map((problem) => {
        const { detail, fix } = splitProblem(problem);
        return failed(NAME, detail, fix);
      }),
    ];
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
  const auth = AUTH_KINDS[config.liveperson.auth.kind];
  return `${mode}, LivePerson account ${config.liveperson.accountId} with ${auth} credentials`;
}

/**
 * One ConfigError problem as what is wrong and what to set, each said once: a problem that carries its
 * own instruction ("…: set it to the Bot User OAuth Token") keeps the cause as the detail and the
 * instruction as the fix. Where to set it (.env or the environment) is said once, in the summary.
 */
function splitProblem(problem: string): { detail: string; fix: string } {
  const incomplete = /^(.+?) set but (.+?) missing/.exec(problem);
  if (incomplete) return { detail: problem, fix: `set ${incomplete[2]}, or remove ${incomplete[1]}` };
  const colon = problem.indexOf(': ');
  const instruction = problem.slice(colon + 2);
  if (colon > 0 && /^(set|keep)\b/.test(instruction)) {
    return { detail: problem.slice(0, colon), fix: instruction };
  }
  const setting = problem.match(SETTING_NAME)?.[0];
  return { detail: problem, fix: setting ? `set ${setting} ${WHERE}` : `correct the settings ${WHERE}` };
}
