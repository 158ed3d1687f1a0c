import { describe, expect, it } from 'vitest';
import { buildRequestModal } from '../../src/slack/blocks/request-modal.js';
import { ACTION, BLOCK, CALLBACK } from '../../src/slack/ids.js';
import { checkBlockKit } from '../support/block-kit.js';
import { uuids } from './request-fixture.js';

type Json = Record<string, unknown>;

/** The input block with `blockId`, as plain JSON (the view is data Slack receives). */
function input(view: unknown, blockId: string): Json {
  const blocks = (JSON.parse(JSON.stringify(view)) as { blocks: Json[] }).blocks;
  const block = blocks.find((b) => b.block_id === blockId);
  if (!block) throw new Error(`no block ${blockId}`);
  return block;
}

function element(view: unknown, blockId: string): Json {
  return input(view, blockId).element as Json;
}

describe('buildRequestModal', () => {
  it('is a valid modal with the shared callback, block and action ids', () => {
    const view = buildRequestModal({ legacyTicketing: false });
    expect(checkBlockKit('modal', view)).toEqual([]);
    expect(view.callback_id).toBe(CALLBACK.requestModal);
    expect(view.title.text).toBe('LivePerson deletion');
    expect(view.submit?.text).toBe('Send for approval');
    expect(view.close?.text).toBe('Cancel');
    expect(element(view, BLOCK.type).action_id).toBe(ACTION.type);
    expect(element(view, BLOCK.ids).action_id).toBe(ACTION.ids);
    expect(element(view, BLOCK.moreIds).action_id).toBe(ACTION.moreIds);
    expect(element(view, BLOCK.reason).action_id).toBe(ACTION.reason);
  });

  it('explains closed conversations, second approver and the cancel window', () => {
    const text = JSON.stringify(buildRequestModal({ legacyTicketing: false }).blocks[0]);
    expect(text).toContain('closed');
    expect(text).toContain('second person');
    expect(text).toContain('5 days');
  });

  it('offers ticketing only to legacy accounts, and "A person" (a search) to everyone', () => {
    const values = (legacyTicketing: boolean) =>
      (element(buildRequestModal({ legacyTicketing }), BLOCK.type).options as { value: string }[]).map(
        (o) => o.value,
      );
    expect(values(false)).toEqual(['conversation', 'engagement', 'consumer', 'person']);
    expect(values(true)).toEqual(['conversation', 'engagement', 'consumer', 'ticketing', 'person']);
  });

  it('requires ids and reason, not the overflow box', () => {
    const view = buildRequestModal({ legacyTicketing: false });
    expect(input(view, BLOCK.ids).optional).toBe(false);
    expect(input(view, BLOCK.reason).optional).toBe(false);
    expect(input(view, BLOCK.moreIds).optional).toBe(true);
    expect(element(view, BLOCK.ids)).toMatchObject({ multiline: true, max_length: 3000 });
    expect(element(view, BLOCK.reason)).toMatchObject({ max_length: 500 });
    expect(JSON.stringify(input(view, BLOCK.ids).hint)).toContain('JSON array');
  });

  it('pre-fills, cutting text to each input’s max_length so Slack still accepts the view', () => {
    const ids = uuids(100);
    const idsText = ids.join('\n'); // 3,699 characters: more than one input takes.
    const view = buildRequestModal({
      legacyTicketing: true,
      prefill: { type: 'ticketing', idsText, moreIdsText: idsText, reason: 'x'.repeat(900) },
      privateMetadata: JSON.stringify({ channel: 'C0PRIVACY' }),
    });
    expect(checkBlockKit('modal', view)).toEqual([]);
    expect(element(view, BLOCK.type).initial_option).toMatchObject({ value: 'ticketing' });
    expect((element(view, BLOCK.ids).initial_value as string).length).toBe(3000);
    expect((element(view, BLOCK.reason).initial_value as string).length).toBe(500);
    expect(view.private_metadata).toBe('{"channel":"C0PRIVACY"}');
  });

  it('drops a pre-filled type the account cannot use instead of breaking the view', () => {
    const view = buildRequestModal({ legacyTicketing: false, prefill: { type: 'ticketing' } });
    expect(checkBlockKit('modal', view)).toEqual([]);
    expect(element(view, BLOCK.type).initial_option).toBeUndefined();
  });

  it('leaves empty pre-fills out', () => {
    const view = buildRequestModal({ legacyTicketing: false, prefill: { idsText: '' } });
    expect(element(view, BLOCK.ids).initial_value).toBeUndefined();
    expect(view.private_metadata).toBeUndefined();
  });
});
