import { describe, expect, it } from 'vitest';
import { buildRecordMessage } from '../../src/slack/blocks/record-message.js';
import { checkBlockKit } from '../support/block-kit.js';
import { decided, lpRecord, uuids } from './request-fixture.js';

/** The unix seconds in the `<!date^…>` token that follows `label`. */
function dateAfter(json: string, label: string): number {
  const match = new RegExp(`\\*${label}\\*\\\\n<!date\\^(\\d+)\\^`).exec(json);
  if (!match?.[1]) throw new Error(`no date after ${label} in ${json}`);
  return Number(match[1]);
}

describe('buildRecordMessage', () => {
  it('shows LivePerson’s record and the two deadlines as reader-local dates', () => {
    const message = buildRecordMessage(decided('submitted', { ids: uuids(100) }));
    expect(checkBlockKit('message', message)).toEqual([]);
    const json = JSON.stringify(message.blocks);
    expect(json).toContain('*LivePerson request*\\n987654');
    expect(json).toContain('*Site*\\n20762324');
    expect(json).toContain('privacy-bot@example.com');
    expect(json).toContain('Messaging conversation · 100 ids');
    expect(json).toContain('*Cancelled*\\nNo');

    const requestTime = Date.parse('2024-03-01T10:00:00.000Z') / 1000;
    expect(dateAfter(json, 'Request time')).toBe(requestTime);
    expect(dateAfter(json, 'Cancellable until')).toBe(requestTime + 5 * 86_400);
    expect(dateAfter(json, 'Deletion guaranteed by')).toBe(requestTime + 25 * 86_400);
    expect(message.text).toBe('DR-7K3QX9 accepted by LivePerson as request 987654');
  });

  it('escapes what LivePerson sent', () => {
    const message = buildRecordMessage(
      decided('submitted', { lpRecord: lpRecord({ requestedBy: '<!channel>', siteId: 'le<1>' }) }),
    );
    const json = JSON.stringify(message.blocks);
    expect(json).toContain('&lt;!channel&gt;');
    expect(json).toContain('le&lt;1&gt;');
    expect(json).not.toContain('<!channel>');
  });

  it('shows a cancellation', () => {
    const message = buildRecordMessage(
      decided('cancelled', {
        lpRecord: lpRecord({
          isCanceled: true,
          cancelledBy: 'dpo@example.com',
          cancelTimestamp: '2024-03-02T08:00:00Z',
        }),
      }),
    );
    expect(JSON.stringify(message.blocks)).toMatch(
      /\*Cancelled\*\\nYes by dpo@example.com on <!date\^1709366400\^/,
    );
  });

  it('falls back to lp-delete’s submission time when LivePerson sent none, and says so', () => {
    const request = decided('submitted', {
      lpRecord: lpRecord({ requestTime: null, requestedBy: null }),
      history: [{ at: '2024-03-01T10:05:00.000Z', event: 'submitted' }],
    });
    const message = buildRecordMessage(request);
    expect(checkBlockKit('message', message)).toEqual([]);
    const json = JSON.stringify(message.blocks);
    expect(dateAfter(json, 'Cancellable until')).toBe(Date.parse('2024-03-06T10:05:00Z') / 1000);
    expect(json).toContain('LivePerson sent no request time');
    expect(json).toContain('_not given by LivePerson_');
  });
});
