import { describe, expect, it } from 'vitest';
import { escapeMrkdwn, mention, plural, slackDate, truncate } from '../../src/slack/format.js';

describe('escapeMrkdwn', () => {
  it('makes pings, mentions, user groups and links inert', () => {
    const reason = 'DSR <!channel> for <@U123> & <!subteam^S1> see <https://evil.example|DSR-1> <!here>';
    const escaped = escapeMrkdwn(reason);
    expect(escaped).toBe(
      'DSR &lt;!channel&gt; for &lt;@U123&gt; &amp; &lt;!subteam^S1&gt; see &lt;https://evil.example|DSR-1&gt; &lt;!here&gt;',
    );
    expect(escaped).not.toMatch(/[<>]/);
  });

  it('escapes & first so existing entities are not half-decoded', () => {
    expect(escapeMrkdwn('&lt;!channel&gt;')).toBe('&amp;lt;!channel&amp;gt;');
  });

  it('leaves ordinary text alone', () => {
    expect(escapeMrkdwn('Ticket 42 – *urgent* `code`')).toBe('Ticket 42 – *urgent* `code`');
  });
});

describe('mention', () => {
  it('mentions a real-looking user id', () => {
    expect(mention('U0123ABC')).toBe('<@U0123ABC>');
    expect(mention('W0123ABC')).toBe('<@W0123ABC>');
  });

  it('escapes anything else instead of building a token', () => {
    expect(mention('U1><!channel')).toBe('U1&gt;&lt;!channel');
    expect(mention('C0123')).toBe('C0123');
    expect(mention('')).toBe('');
  });
});

describe('slackDate', () => {
  it('builds a date token Slack renders in the reader’s time zone, with a UTC fallback', () => {
    expect(slackDate('2024-03-06T10:00:00.000Z')).toBe(
      '<!date^1709719200^{date_short_pretty} at {time}|2024-03-06 10:00 UTC>',
    );
  });

  it('accepts a Date and a custom format', () => {
    expect(slackDate(new Date(Date.UTC(2024, 0, 31, 23, 59, 30)), '{date_long}')).toBe(
      '<!date^1706745570^{date_long}|2024-01-31 23:59 UTC>',
    );
  });

  it('strips characters that would end the token from the format', () => {
    expect(slackDate('2024-03-06T10:00:00Z', '{date}|<!channel>^')).toBe(
      '<!date^1709719200^{date}!channel|2024-03-06 10:00 UTC>',
    );
  });

  it('shows an unparseable date as inert text rather than throwing', () => {
    expect(slackDate('not a date <!here>')).toBe('not a date &lt;!here&gt;');
  });
});

describe('truncate', () => {
  it('keeps text that fits', () => {
    expect(truncate('abc', 3)).toBe('abc');
  });

  it('cuts to exactly max characters, ending with an ellipsis', () => {
    const cut = truncate('abcdefgh', 5);
    expect(cut).toBe('abcd…');
    expect(cut).toHaveLength(5);
  });

  it('never splits an emoji into half a surrogate pair', () => {
    const cut = truncate('ab😀cd', 4);
    expect(cut).toBe('ab…');
    expect(cut.length).toBeLessThanOrEqual(4);
  });

  it('handles tiny limits', () => {
    expect(truncate('abc', 1)).toBe('…');
    expect(truncate('abc', 0)).toBe('');
  });
});

describe('plural', () => {
  it('uses the singular only for one', () => {
    expect(plural(1, 'id')).toBe('1 id');
    expect(plural(0, 'id')).toBe('0 ids');
    expect(plural(100, 'id')).toBe('100 ids');
    expect(plural(2, 'entry', 'entries')).toBe('2 entries');
  });
});
