import { describe, expect, it } from 'vitest';
import type { Logger } from '../../src/log.js';
import { explainSocketModeFailure, signInToSlack } from '../../src/startup/slack-auth.js';
import { StartupError } from '../../src/startup/startup-error.js';

/** What @slack/web-api throws for an `{ok:false, error}` answer. */
function platformError(error: string): Error {
  return Object.assign(new Error(`An API error occurred: ${error}`), {
    code: 'slack_webapi_platform_error',
    data: { ok: false, error },
  });
}

const log: Logger = { info: () => {}, warn: () => {}, error: () => {} };

/** Signs in against answers given in turn; resolves once one is `undefined` (Slack said ok). */
async function signIn(answers: (Error | undefined)[]) {
  const said: string[] = [];
  let calls = 0;
  const init = async () => {
    const answer = answers[calls++];
    if (answer) throw answer;
  };
  const result = signInToSlack(init, {
    log,
    say: (line) => said.push(line),
    delaysMs: [1],
    sleep: async () => {},
  });
  return { result, said, calls: () => calls };
}

describe('start-up sign-in reads Slack errors with the one classifier', () => {
  it.each(['ratelimited', 'internal_error', 'service_unavailable', 'team_is_restricted'])(
    'waits out %s and signs in once Slack recovers',
    async (error) => {
      const run = await signIn([platformError(error), undefined]);
      await expect(run.result).resolves.toBe(true);
      expect(run.calls()).toBe(2);
      expect(run.said).toEqual([
        `lp-delete is still starting: Slack unreachable (slack.com answered ${error}), retrying in 0 s`,
      ]);
    },
  );

  it.each(['invalid_auth', 'token_revoked', 'missing_scope'])(
    'stops at once on %s: waiting will not change the token',
    async (error) => {
      const run = await signIn([platformError(error), undefined]);
      const refused = await run.result.catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(StartupError);
      expect((refused as StartupError).message).toMatch(/^lp-delete cannot start: .*Fix: /);
      expect(run.calls()).toBe(1);
    },
  );

  it('Socket Mode: a refused app-level token becomes a StartupError with the fix; anything else stays', () => {
    const refused = explainSocketModeFailure(platformError('not_allowed_token_type'));
    expect(refused).toBeInstanceOf(StartupError);
    expect((refused as StartupError).message).toBe(
      'lp-delete cannot start: Slack answered not_allowed_token_type for SLACK_APP_TOKEN. Fix: make an app-level token with connections:write (Basic Information) and turn Socket Mode on.',
    );
    const outage = platformError('service_unavailable');
    expect(explainSocketModeFailure(outage)).toBe(outage);
    const network = new Error('ECONNRESET');
    expect(explainSocketModeFailure(network)).toBe(network);
  });
});
