import { webApi } from '@slack/bolt';
import { afterEach, describe, expect, it } from 'vitest';
import type { StepFacts } from '../../src/domain/workflow-step.js';
import { FUNCTION } from '../../src/slack/ids.js';
import { SlackStepCompleter } from '../../src/slack/step-completer.js';
import { manifestFunctions } from '../support/fake-slack-functions.js';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack.js';

let fake: FakeSlack | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const facts: StepFacts = {
  outcome: 'filed',
  requestIds: ['DR-2026-11-0001'],
  lpRequestIds: ['111'],
  conversations: 3,
  heldBack: 0,
  approver: 'UAPPROVER1',
  caseRef: 'DSR-1',
  decidedOn: '2026-11-20',
};

async function setup() {
  fake = await startFakeSlack();
  const definitions = await manifestFunctions(new URL('../../manifest.yml', import.meta.url));
  fake.functions.define(definitions);
  const client = new webApi.WebClient(fake.botToken, {
    slackApiUrl: fake.url,
    retryConfig: { retries: 0 },
    logLevel: webApi.LogLevel.ERROR,
  });
  const inputs = { identifier: 'a@b.org', case_ref: 'DSR-1', requester: 'UREQUESTER' };
  return { fake, completer: new SlackStepCompleter(client), definitions, inputs };
}

describe('SlackStepCompleter (real WebClient, strict fake Slack)', () => {
  it('completes with the outputs; a second completion counts as already done, not as a failure', async () => {
    const { fake, completer, inputs } = await setup();
    const { executionId } = fake.functions.execute(FUNCTION.erasePerson, inputs);
    expect(await completer.complete(executionId, { kind: 'success', facts })).toBe('completed');
    expect(await completer.complete(executionId, { kind: 'success', facts })).toBe('already_completed');
    expect(fake.functions.completionsOf(executionId)).toEqual([
      expect.objectContaining({ method: 'functions.completeSuccess', token: 'bot' }),
    ]);
  });

  it('outputs Slack refuses (a manifest out of step with the code) still end the step, saying where to look', async () => {
    const { fake, completer, definitions, inputs } = await setup();
    const step = definitions[FUNCTION.erasePerson];
    if (!step) throw new Error('no step in the manifest');
    const { receipt_text: _dropped, ...outputs } = step.output_parameters;
    fake.functions.define({ [FUNCTION.erasePerson]: { ...step, output_parameters: outputs } });
    const { executionId } = fake.functions.execute(FUNCTION.erasePerson, inputs);
    expect(await completer.complete(executionId, { kind: 'success', facts })).toBe('completed');
    const [done] = fake.functions.completionsOf(executionId);
    expect(done).toMatchObject({ method: 'functions.completeError' });
    expect(done?.error).toMatch(/refused the step's outputs.*DR-2026-11-0001/);
  });

  it('a Slack outage is thrown, to be tried again', async () => {
    const { fake, completer, inputs } = await setup();
    const { executionId } = fake.functions.execute(FUNCTION.erasePerson, inputs);
    fake.failNext('functions.completeSuccess', { error: 'internal_error' });
    await expect(completer.complete(executionId, { kind: 'success', facts })).rejects.toThrow();
    expect(fake.functions.completionsOf(executionId)).toHaveLength(0);
  });
});
