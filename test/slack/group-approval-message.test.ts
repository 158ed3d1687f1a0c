import { describe, expect, it } from 'vitest';
import { splitIds } from '../../src/domain/plan.js';
import type { DeletionRequest } from '../../src/domain/request.js';
import { buildGroupApprovalMessage } from '../../src/slack/blocks/approval-message.js';
import { ACTION } from '../../src/slack/ids.js';
import { checkBlockKit, LIMITS, totalText } from '../support/block-kit.js';
import { deletionRequest, engagementIds, uuids } from './request-fixture.js';

const ctx = { quotaLeftAfter: 40, limit: 100 };

/** A lead and its parts, as DeletionService.filePlan stores them. */
function group(
  chunks: { type: DeletionRequest['type']; ids: string[] }[],
  lead: Partial<DeletionRequest> = {},
): { lead: DeletionRequest; parts: DeletionRequest[] } {
  const ids = chunks.map((_, i) => `DR-2026-11-${String(i + 1).padStart(4, '0')}`);
  const parts = chunks.map((chunk, i) =>
    deletionRequest({
      id: ids[i],
      type: chunk.type,
      ids: chunk.ids,
      group: { id: ids[0] ?? '', index: i, size: chunks.length },
    }),
  );
  const first = parts[0];
  if (!first) throw new Error('no parts');
  parts[0] = {
    ...first,
    subject: 'ada.lovelace@example.org',
    ...lead,
    group: {
      id: first.id,
      index: 0,
      size: chunks.length,
      members: ids,
      summary: {
        consumerIds: 1,
        closedConversations: 12,
        openHeldBack: 2,
        chats: 0,
        tickets: 0,
        keywordTicked: 0,
        requests: chunks.length,
      },
      heldBack: ['a', 'b'],
      ...lead.group,
    },
  };
  return { lead: parts[0], parts };
}

describe('buildGroupApprovalMessage', () => {
  it('250 engagement ids in three requests: fits Slack and shows every id, the plan line and one Approve', () => {
    const all = engagementIds(250);
    const message = buildGroupApprovalMessage(
      group(splitIds(all).map((ids) => ({ type: 'engagement' as const, ids }))),
      ctx,
    );
    expect(checkBlockKit('message', message)).toEqual([]);
    expect(totalText(message.blocks)).toBeLessThanOrEqual(LIMITS.messageBlocksTotalText);
    const json = JSON.stringify(message.blocks);
    for (const id of all) expect(json).toContain(id);
    expect(json).toContain(
      '1 consumer id, 12 closed conversations (2 open held back) → 3 LivePerson requests',
    );
    expect(json).toContain('2 open conversations held back');
    expect(json.split(ACTION.approve)).toHaveLength(2);
    expect(message.text).not.toContain(all[0]);
  });

  it('ids typed into the form: their type and count, not a person’s plan line; the identifier is never shown', () => {
    const message = buildGroupApprovalMessage(
      group(
        splitIds(engagementIds(150)).map((ids) => ({ type: 'engagement' as const, ids })),
        {
          subject: undefined,
          group: {
            id: 'DR-2026-11-0001',
            index: 0,
            size: 2,
            summary: {
              consumerIds: 0,
              closedConversations: 0,
              openHeldBack: 0,
              chats: 150,
              tickets: 0,
              keywordTicked: 0,
              requests: 2,
            },
          },
        },
      ),
      ctx,
    );
    const json = JSON.stringify(message);
    expect(json).toContain('Chat engagement · 150 ids in 2 LivePerson requests');
    expect(json).not.toMatch(/\d+ closed conversation/);
    const person = JSON.stringify(
      buildGroupApprovalMessage(
        group([
          { type: 'consumer', ids: uuids(1) },
          { type: 'conversation', ids: uuids(2) },
        ]),
        ctx,
      ),
    );
    expect(person).not.toContain('ada.lovelace@example.org');
  });

  it('stays within Slack’s limits at the worst: 250 UUIDs and a reason that escapes five-fold', () => {
    const message = buildGroupApprovalMessage(
      group(
        splitIds(uuids(250)).map((ids) => ({ type: 'conversation' as const, ids })),
        {
          reason: '&'.repeat(500),
        },
      ),
      ctx,
    );
    expect(checkBlockKit('message', message)).toEqual([]);
    expect(totalText(message.blocks)).toBeLessThanOrEqual(LIMITS.messageBlocksTotalText);
  });

  it('60 requests still fit in 50 blocks: parts past the budget are named without their ids', () => {
    const message = buildGroupApprovalMessage(
      group(splitIds(uuids(6000)).map((ids) => ({ type: 'conversation' as const, ids }))),
      ctx,
    );
    expect(checkBlockKit('message', message)).toEqual([]);
    expect(JSON.stringify(message.blocks)).toMatch(
      /\d+ more requests\* \(DR-2026-11-\d{4} to DR-2026-11-0060/,
    );
  });

  it('once decided: no buttons, the decision, and each part’s own status', () => {
    const { lead, parts } = group([
      { type: 'consumer', ids: uuids(1) },
      { type: 'conversation', ids: uuids(4) },
    ]);
    const decision = { outcome: 'approved' as const, by: 'UAPPROVER1', at: '2026-11-20T12:00:00.000Z' };
    const decided = parts.map((p, i) => ({
      ...p,
      decision,
      status: i === 0 ? ('submitted' as const) : ('failed' as const),
    }));
    const message = buildGroupApprovalMessage({ lead: { ...lead, ...decided[0]! }, parts: decided }, ctx);
    const json = JSON.stringify(message.blocks);
    expect(json).not.toContain(ACTION.approve);
    expect(json).toContain('Approved by <@UAPPROVER1>');
    expect(json).toContain('Failed: LivePerson did not accept it');
  });
});
