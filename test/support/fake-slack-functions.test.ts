import { webApi } from '@slack/bolt';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeSlack, type FakeSlack } from './fake-slack.js';
import { WORKFLOW_TOKEN_TTL_MS, type FunctionDefinition } from './fake-slack-functions.js';

let fake: FakeSlack | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const STEP: FunctionDefinition = {
  title: 'Step',
  description: 'A step',
  input_parameters: { user: { type: 'slack#/types/user_id', is_required: true } },
  output_parameters: {
    outcome: { type: 'string', is_required: true },
    count: { type: 'integer', is_required: true },
    who: { type: 'slack#/types/user_id' },
  },
};

async function setup(clock: { now: number }) {
  fake = await startFakeSlack({ now: () => clock.now });
  fake.functions.define({ step: STEP });
  const client = (token: string) =>
    new webApi.WebClient(token, {
      slackApiUrl: fake?.url,
      retryConfig: { retries: 0 },
      logLevel: webApi.LogLevel.ERROR,
    });
  return { fake, bot: client(fake.botToken), client };
}

async function slackError(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (error) {
    const data: unknown =
      typeof error === 'object' && error !== null && 'data' in error ? error.data : undefined;
    if (typeof data === 'object' && data !== null && 'error' in data && typeof data.error === 'string') {
      return data.error;
    }
    return String(error);
  }
  throw new Error('expected the call to fail');
}

describe('fake Slack: custom steps as Slack documents them', () => {
  it('refuses unknown outputs, wrong types and missing required ones; completes once', async () => {
    const { fake, bot } = await setup({ now: Date.now() });
    const { executionId, event } = fake.functions.execute('step', { user: 'U0AAA' });
    expect(event).toMatchObject({ type: 'function_executed', function_execution_id: executionId });
    const complete = (outputs: Record<string, unknown>) =>
      bot.functions.completeSuccess({ function_execution_id: executionId, outputs });
    expect(await slackError(complete({ outcome: 'ok', count: 1, extra: 'x' }))).toBe(
      'parameter_validation_failed',
    );
    expect(await slackError(complete({ outcome: 'ok', count: '1' }))).toBe('parameter_validation_failed');
    expect(await slackError(complete({ outcome: 'ok', count: 1.5 }))).toBe('parameter_validation_failed');
    expect(await slackError(complete({ outcome: 'ok', count: 1, who: 'someone' }))).toBe(
      'parameter_validation_failed',
    );
    expect(await slackError(complete({ count: 1 }))).toBe('parameter_validation_failed');
    await complete({ outcome: 'ok', count: 1, who: 'U0BBB' });
    expect(await slackError(complete({ outcome: 'ok', count: 1 }))).toBe('execution_not_in_running_state');
    expect(
      await slackError(bot.functions.completeError({ function_execution_id: executionId, error: 'late' })),
    ).toBe('execution_not_in_running_state');
    expect(
      await slackError(bot.functions.completeError({ function_execution_id: 'Fx0NOPE', error: 'x' })),
    ).toBe('function_execution_not_found');
    expect(fake.functions.completionsOf(executionId)).toEqual([
      expect.objectContaining({ method: 'functions.completeSuccess', token: 'bot' }),
    ]);
  });

  it('takes the workflow token for its own execution for 15 minutes, never for other methods', async () => {
    const clock = { now: 1_800_000_000_000 };
    const { fake, client } = await setup(clock);
    const first = fake.functions.execute('step', { user: 'U0AAA' });
    const second = fake.functions.execute('step', { user: 'U0AAA' });
    const token = String(first.event.bot_access_token);
    const workflow = client(token);
    expect(await slackError(workflow.auth.test())).toBe('invalid_auth');
    expect(
      await slackError(
        workflow.functions.completeError({ function_execution_id: second.executionId, error: 'x' }),
      ),
    ).toBe('access_denied');
    clock.now += WORKFLOW_TOKEN_TTL_MS + 1;
    expect(
      await slackError(
        workflow.functions.completeError({ function_execution_id: first.executionId, error: 'x' }),
      ),
    ).toBe('token_expired');
    expect(fake.functions.completions).toHaveLength(0);
  });

  it('will not run a step whose required inputs are missing', async () => {
    const { fake } = await setup({ now: Date.now() });
    expect(() => fake.functions.execute('step', {})).toThrow(/user: is required/);
  });
});
