import type { ViewStateValue } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { ACTION, BLOCK } from '../../../src/slack/ids.js';
import { requestSubmission } from '../../../src/slack/listeners/views/request-submission.js';
import { buildViewArguments, listenerContext } from '../../support/listener-args.js';
import { CONVERSATION, REQUESTER, serviceWorld } from '../../support/service-fixture.js';

/** The request form as Slack sends its state. */
function form(fields: { type?: string; ids?: string; reason?: string; date?: string }) {
  const values: Record<string, Record<string, ViewStateValue>> = {
    [BLOCK.type]: {
      [ACTION.type]: {
        type: 'static_select',
        selected_option: fields.type
          ? { text: { type: 'plain_text', text: fields.type }, value: fields.type }
          : null,
      },
    },
    [BLOCK.ids]: { [ACTION.ids]: { type: 'plain_text_input', value: fields.ids ?? null } },
    [BLOCK.reason]: { [ACTION.reason]: { type: 'plain_text_input', value: fields.reason ?? null } },
    [BLOCK.subjectRequestedOn]: {
      [ACTION.subjectRequestedOn]: { type: 'datepicker', selected_date: fields.date ?? '2026-12-01' },
    },
  };
  return values;
}

const valid = { type: 'conversation', ids: CONVERSATION, reason: 'DSR-7' };

describe('request form submission', () => {
  it('a valid form is stored (approval message and DM owed) and acked plainly', async () => {
    const world = serviceWorld();
    const { args, client, acks } = buildViewArguments({ values: form(valid) });
    await requestSubmission(listenerContext(world, client))(args);
    expect(acks).toEqual([undefined]);
    const [request] = await world.store.listOpen();
    expect(request).toMatchObject({ requestedBy: REQUESTER, reason: 'DSR-7', ids: [CONVERSATION] });
    expect((await world.store.owedNotices()).map((o) => o.notice.kind)).toEqual([
      'approval_post',
      'requester_filed',
    ]);
  });

  it('every problem at once, each under its own field', async () => {
    const world = serviceWorld();
    const { args, client, acks } = buildViewArguments({
      values: form({ type: 'conversation', ids: CONVERSATION, date: '2026-12-24' }),
    });
    await requestSubmission(listenerContext(world, client))(args);
    const [ack] = acks;
    expect(ack?.response_action).toBe('errors');
    expect(ack && 'errors' in ack ? Object.keys(ack.errors).sort() : []).toEqual(
      [BLOCK.reason, BLOCK.subjectRequestedOn].sort(),
    );
  });

  it('someone not on the requester list is refused under the type field', async () => {
    const world = serviceWorld();
    const { args, client, acks } = buildViewArguments({ values: form(valid) });
    await requestSubmission(listenerContext(world, client, { requesters: ['U-SOMEONE-ELSE'] }))(args);
    expect(acks).toEqual([
      { response_action: 'errors', errors: { [BLOCK.type]: expect.stringContaining('requester list') } },
    ]);
    expect(await world.store.months()).toEqual([]);
  });
});
