import { describe, expect, it } from 'vitest';
import { buildRejectModal } from '../../src/slack/blocks/reject-modal.js';
import { ACTION, BLOCK, CALLBACK } from '../../src/slack/ids.js';
import { checkBlockKit } from '../support/block-kit.js';
import { deletionRequest, uuids } from './request-fixture.js';

describe('buildRejectModal', () => {
  it('asks for a required note and says which request it rejects', () => {
    const request = deletionRequest({ ids: uuids(100), reason: 'DSR <!channel> & more' });
    const view = buildRejectModal({ request, privateMetadata: JSON.stringify({ requestId: request.id }) });
    expect(checkBlockKit('modal', view)).toEqual([]);
    expect(view.callback_id).toBe(CALLBACK.rejectModal);
    expect(view.private_metadata).toBe('{"requestId":"DR-7K3QX9"}');

    const json = JSON.stringify(view);
    expect(json).toContain('DR-7K3QX9');
    expect(json).toContain('<@U0REQUEST>');
    expect(json).toContain('100 ids');
    expect(json).toContain('DSR &lt;!channel&gt; &amp; more');
    expect(json).not.toContain('<!channel>');

    const input = view.blocks.find((block) => block.block_id === BLOCK.rejectReason);
    expect(input).toMatchObject({
      type: 'input',
      element: { type: 'plain_text_input', action_id: ACTION.rejectReason, max_length: 500 },
    });
    expect(input).not.toHaveProperty('optional', true);
  });
});
