import { describe, expect, it } from 'vitest';
import { approveAction } from '../../../src/slack/listeners/actions/request-buttons.js';
import { buildActionArguments, listenerContext } from '../../support/listener-args.js';
import { APPROVER, REQUESTER, deliverDue, lpRecord, serviceWorld } from '../../support/service-fixture.js';

/** A request filed and posted for approval; the click comes from its approval message. */
async function posted() {
  const world = serviceWorld();
  const id = await world.file();
  await deliverDue(world);
  const message = (await world.store.get(id))?.approvalMessage;
  if (!message) throw new Error('approval message not posted');
  return { world, id, message };
}

describe('approve action', () => {
  it('acks first, then the service decides and LivePerson is called; nothing told privately', async () => {
    const { world, id, message } = await posted();
    const { args, client, timeline } = buildActionArguments({
      value: id,
      userId: APPROVER,
      channelId: message.channelId,
      messageTs: message.ts,
    });
    world.lp.createAnswer = () => {
      timeline.push({ what: 'api', method: 'liveperson.create', args: id });
      return lpRecord('lp-77', { requestTime: world.clock.now().toISOString() });
    };
    await approveAction(listenerContext(world, client))(args);
    expect(timeline.map((s) => (s.what === 'ack' ? 'ack' : s.method))).toEqual(['ack', 'liveperson.create']);
    expect(await world.store.get(id)).toMatchObject({
      status: 'submitted',
      lpRecord: { requestId: 'lp-77' },
    });
    expect(client.recorded).toEqual([]);
  });

  it('a refusal (own request) is told privately in the channel, after the ack', async () => {
    const { world, id, message } = await posted();
    const { args, client, timeline } = buildActionArguments({
      value: id,
      userId: REQUESTER,
      channelId: message.channelId,
      messageTs: message.ts,
    });
    await approveAction(listenerContext(world, client))(args);
    expect(timeline[0]).toEqual({ what: 'ack', response: undefined });
    expect(client.callsTo('chat.postEphemeral')).toEqual([
      {
        channel: message.channelId,
        user: REQUESTER,
        text: expect.stringContaining('someone else must approve'),
      },
    ]);
    expect(world.lp.created()).toBe(0);
  });

  it('a button on another message than the request’s own is refused (WRONG_MESSAGE)', async () => {
    const { world, id, message } = await posted();
    const { args, client } = buildActionArguments({ value: id, userId: APPROVER, messageTs: '1.000001' });
    await approveAction(listenerContext(world, client))(args);
    expect(client.callsTo('chat.postEphemeral')[0]?.text).toContain('does not belong');
    expect((await world.store.get(id))?.status).toBe('pending_approval');
    expect(message.ts).not.toBe('1.000001');
  });

  it('a click without a request id is acked and does nothing', async () => {
    const { world } = await posted();
    const { args, client, timeline } = buildActionArguments({ userId: APPROVER });
    await approveAction(listenerContext(world, client))(args);
    expect(timeline).toEqual([{ what: 'ack', response: undefined }]);
    expect(world.lp.created()).toBe(0);
  });
});
