import { describe, expect, it } from 'vitest';
import { buildApprovalMessage } from '../../src/slack/blocks/approval-message.js';
import { ACTION, BLOCK } from '../../src/slack/ids.js';
import type { DeletionRequest } from '../../src/domain/request.js';
import { checkBlockKit, LIMITS, totalText } from '../support/block-kit.js';
import { decided, deletionRequest, engagementIds, uuids } from './request-fixture.js';

const ctx = { quotaLeftAfter: 41, limit: 100 };

function actions(message: ReturnType<typeof buildApprovalMessage>) {
  return message.blocks.find((block) => block.type === 'actions');
}

describe('buildApprovalMessage', () => {
  it.each([
    ['100 conversation ids (UUIDs)', deletionRequest({ type: 'conversation', ids: uuids(100) })],
    ['100 engagement ids', deletionRequest({ type: 'engagement', ids: engagementIds(100) })],
    ['100 consumer ids', deletionRequest({ type: 'consumer', ids: uuids(100) })],
  ])('fits Slack’s limits with %s and shows every id', (_, request: DeletionRequest) => {
    const message = buildApprovalMessage(request, ctx);
    expect(checkBlockKit('message', message)).toEqual([]);
    expect(message.blocks.length).toBeLessThanOrEqual(LIMITS.messageBlocks);
    expect(totalText(message.blocks)).toBeLessThanOrEqual(LIMITS.messageBlocksTotalText);
    const json = JSON.stringify(message.blocks);
    for (const id of request.ids) expect(json).toContain(`\`${id}\``);
  });

  it('splits 100 UUIDs over several sections, each within 3,000 characters', () => {
    const message = buildApprovalMessage(deletionRequest({ ids: uuids(100) }), ctx);
    const idSections = message.blocks.filter(
      (block) => block.type === 'section' && block.text?.text.includes('5f0c1c2e-'),
    );
    expect(idSections.length).toBeGreaterThanOrEqual(2);
    for (const block of idSections) {
      expect(block.type === 'section' && block.text ? block.text.text.length : 0).toBeLessThanOrEqual(3000);
    }
  });

  it('still fits when ids are absurdly long, saying how many are not shown', () => {
    const ids = Array.from({ length: 100 }, (_, i) => `${i}-${'z'.repeat(300)}`);
    const message = buildApprovalMessage(deletionRequest({ ids }), ctx);
    expect(checkBlockKit('message', message)).toEqual([]);
    expect(JSON.stringify(message.blocks)).toMatch(/more ids, not shown/);
  });

  it('shows who asked, the type, the count, the escaped reason and the quota', () => {
    const request = deletionRequest({
      ids: uuids(12),
      reason: 'DSR-9 <!channel> <@U123> <https://evil.example|x> & co',
    });
    const json = JSON.stringify(buildApprovalMessage(request, ctx).blocks);
    expect(json).toContain('Deletion request DR-7K3QX9');
    expect(json).toContain('<@U0REQUEST>');
    expect(json).toContain('Messaging conversation');
    expect(json).toContain('*Ids*\\n12');
    expect(json).toContain('DSR-9 &lt;!channel&gt; &lt;@U123&gt; &lt;https://evil.example|x&gt; &amp; co');
    expect(json).not.toContain('<!channel>');
    expect(json).not.toContain('<https://evil');
    expect(json).toContain('Quota left after submission: 41 of 100 this month');
  });

  it('has Approve and Reject buttons while pending, with a confirm dialog on Approve', () => {
    const message = buildApprovalMessage(deletionRequest(), ctx);
    expect(actions(message)).toEqual({
      type: 'actions',
      block_id: BLOCK.decision,
      elements: [
        {
          type: 'button',
          action_id: ACTION.approve,
          style: 'primary',
          text: expect.objectContaining({ text: 'Approve' }),
          value: 'DR-7K3QX9',
          confirm: {
            title: expect.objectContaining({ text: 'Approve deletion?' }),
            text: expect.objectContaining({
              text: expect.stringMatching(/LivePerson will delete.*5 days.*irreversible/),
            }),
            confirm: expect.objectContaining({ type: 'plain_text' }),
            deny: expect.objectContaining({ type: 'plain_text' }),
          },
        },
        {
          type: 'button',
          action_id: ACTION.reject,
          style: 'danger',
          text: expect.objectContaining({ text: 'Reject' }),
          value: 'DR-7K3QX9',
        },
      ],
    });
  });

  it.each([
    ['submitting', /Approved by <@U0APPROVER> on <!date\^\d+\^.*Submitting to LivePerson…/s],
    ['submitted', /Approved by <@U0APPROVER>.*Submitted as LivePerson request 987654\./s],
    ['failed', /Approved by <@U0APPROVER>.*Failed/s],
    ['outcome_unknown', /Approved by <@U0APPROVER>.*Outcome unknown/s],
    ['cancelled', /Approved by <@U0APPROVER>.*Cancelled/s],
    ['rejected', /Rejected by <@U0APPROVER> on <!date\^\d+\^[^>]+>: Wrong DSR.*nothing was sent/s],
  ] as const)('once %s: no buttons, the decision and the status in words', (status, expected) => {
    const message = buildApprovalMessage(decided(status), ctx);
    expect(checkBlockKit('message', message)).toEqual([]);
    expect(actions(message)).toBeUndefined();
    const last = message.blocks.at(-1);
    expect(last?.type).toBe('context');
    expect(JSON.stringify(last)).toMatch(expected);
  });

  it('says an expired request expired', () => {
    const message = buildApprovalMessage(deletionRequest({ status: 'expired' }), ctx);
    expect(actions(message)).toBeUndefined();
    expect(JSON.stringify(message.blocks.at(-1))).toContain('Expired without a decision');
  });

  it('escapes the rejection note', () => {
    const request = decided('rejected', {
      decision: { outcome: 'rejected', by: 'U0APPROVER', at: '2024-03-01T09:45:00Z', reason: '<!here> no' },
    });
    const json = JSON.stringify(buildApprovalMessage(request, ctx).blocks);
    expect(json).toContain('&lt;!here&gt; no');
    expect(json).not.toContain('<!here>');
  });

  it('keeps ids and the reason out of the notification text', () => {
    const request = deletionRequest({ ids: uuids(5), reason: 'DSR-SECRET-42' });
    for (const r of [request, decided('submitted', { ids: uuids(5), reason: 'DSR-SECRET-42' })]) {
      const { text } = buildApprovalMessage(r, ctx);
      expect(text).toContain('DR-7K3QX9');
      expect(text).toContain('5 messaging conversation ids');
      expect(text).not.toContain('DSR-SECRET-42');
      for (const id of r.ids) expect(text).not.toContain(id);
    }
  });
});
