import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTION, BLOCK, CALLBACK } from '../../src/slack/ids.js';
import { APPROVER, Harness, PRIVACY_CHANNEL, REQUESTER } from '../support/harness.js';
import { blockActionsPayload } from '../support/slack-request.js';

describe('malformed and unknown Slack payloads get a clean answer and never crash the app', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await Harness.start();
  });
  afterAll(async () => {
    await h.close();
  });

  it('an unknown button is acknowledged at once and explained privately', async () => {
    const answer = await h.interaction(
      blockActionsPayload({
        user: APPROVER,
        actionId: 'button_from_an_old_version',
        value: 'x',
        channel: PRIVACY_CHANNEL,
        messageTs: '1.1',
        triggerId: h.slack.issueTrigger(),
      }),
    );
    expect(answer.status).toBe(200);
    const notice = await h.slack.waitFor(() =>
      h.ephemeralsTo(APPROVER).find((t) => /does not know this button/.test(t)),
    );
    expect(notice).toMatch(/Nothing was done/);
  });

  it('a known button with missing fields is acknowledged and does nothing; the app keeps serving', async () => {
    const answer = await h.interaction({
      type: 'block_actions',
      user: { id: APPROVER },
      actions: [{ action_id: ACTION.approve }],
    });
    expect(answer.status).toBe(200);
    expect(h.lp.calls.filter((c) => c.kind === 'create')).toHaveLength(0);
    expect((await h.command(REQUESTER, 'help')).status).toBe(200);
  });

  it.each([
    ['state of the wrong type', { values: { [BLOCK.type]: 5 } }],
    ['no state at all', undefined],
    [
      'a select value of the wrong type and an oversized paste',
      {
        values: {
          [BLOCK.type]: { [ACTION.type]: { selected_option: { value: 12 } } },
          [BLOCK.ids]: { [ACTION.ids]: { value: 'a'.repeat(200_000) } },
        },
      },
    ],
  ])('a request form with %s is refused under a field, and nothing is stored', async (_what, state) => {
    const answer = await h.interaction({
      type: 'view_submission',
      user: { id: REQUESTER },
      view: { callback_id: CALLBACK.requestModal, private_metadata: 'x'.repeat(10_000), state },
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ response_action: 'errors' });
    expect(await h.store.listOpen()).toHaveLength(0);
  });

  it('an unknown form is closed, an unknown shortcut acknowledged', async () => {
    const view = await h.interaction({
      type: 'view_submission',
      user: { id: REQUESTER },
      view: { callback_id: 'someone_elses_modal', state: { values: {} } },
    });
    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({ response_action: 'clear' });
    const shortcut = await h.interaction({
      type: 'shortcut',
      callback_id: 'zzz',
      user: { id: REQUESTER },
      trigger_id: 't',
    });
    expect(shortcut.status).toBe(200);
  });

  it('a 5,000-character command text gets the help, and the app keeps serving', async () => {
    const answer = await h.command(REQUESTER, 'x'.repeat(5_000));
    expect(answer.status).toBe(200);
    expect(JSON.stringify(answer.body)).toMatch(/don't know/);
    expect(JSON.stringify(answer.body).length).toBeLessThan(5_000);
    expect((await h.command(REQUESTER, 'help')).status).toBe(200);
  });
});
