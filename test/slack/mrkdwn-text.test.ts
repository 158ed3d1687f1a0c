import { describe, expect, it } from 'vitest';
import { escapeMrkdwn, slackDate } from '../../src/slack/format.js';
import { mrkdwnToText } from '../../scripts/mrkdwn-text.js';

describe('mrkdwn as terminal text', () => {
  const names = { UALICE0001: 'Alice', S0APPROVERS: 'privacy-approvers' };

  it('mentions become names, links their text, dates their fallback', () => {
    expect(mrkdwnToText('*Requested by*\n<@UALICE0001> and <@UOTHER>', { names })).toBe(
      'Requested by\n@Alice and @UOTHER',
    );
    expect(mrkdwnToText('<https://x.slack.com/archives/C1/p1|See the approval message>.')).toBe(
      'See the approval message.',
    );
    expect(mrkdwnToText('see <https://example.com/a>')).toBe('see https://example.com/a');
    expect(mrkdwnToText('in <#C123|privacy> for <!subteam^S0APPROVERS>, <!here>', { names })).toBe(
      'in #privacy for @privacy-approvers, @here',
    );
    expect(mrkdwnToText(`until ${slackDate(new Date('2026-12-06T16:32:00Z'))}`)).toBe(
      'until 2026-12-06 16:32 UTC',
    );
  });

  it('emphasis and code lose their markers; bold can be drawn another way', () => {
    expect(mrkdwnToText('Your request *DR-1* was _approved_ ~never~: `abc-123`')).toBe(
      'Your request DR-1 was approved never: abc-123',
    );
    expect(mrkdwnToText('*Type*', { bold: (t) => `[${t}]` })).toBe('[Type]');
    // An ellipsis after the closing marker ends the emphasis as any punctuation does.
    expect(mrkdwnToText('Searching for *jo@example.com*…')).toBe('Searching for jo@example.com…');
    // Not emphasis: markers inside words, a lone star, snake_case names.
    expect(mrkdwnToText('2*3*4 and a * star and LP_CLIENT_ID_X')).toBe(
      '2*3*4 and a * star and LP_CLIENT_ID_X',
    );
  });

  it('escaped text typed by a person comes back exactly as typed, and pings nobody', () => {
    const typed = 'DSR <!channel> & <https://evil|DSR-1>';
    expect(mrkdwnToText(escapeMrkdwn(typed))).toBe(typed);
  });
});
