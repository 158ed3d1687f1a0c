/**
 * Slack mrkdwn rendered as plain text for a terminal (the demo's transcript, command-line output): what a
 * person would read in Slack, without the markup. Pure.
 */

export interface PlainTextOptions {
  /** Display names by user or user-group id: `<@U123>` becomes `@Alice`; unknown ids stay `@U123`. */
  names?: Readonly<Record<string, string>>;
  /** How bold text is shown; default unmarked. A terminal that supports it may pass ANSI bold. */
  bold?: (text: string) => string;
}

const ENTITIES: Record<string, string> = { '&lt;': '<', '&gt;': '>', '&amp;': '&' };

/** One `<…>` token: a mention, a channel, a special mention, a date or a link. */
function token(inner: string, names: Readonly<Record<string, string>>): string {
  const bar = inner.indexOf('|');
  const target = bar >= 0 ? inner.slice(0, bar) : inner;
  const label = bar >= 0 ? inner.slice(bar + 1) : undefined;
  if (target.startsWith('@')) {
    const id = target.slice(1);
    return `@${names[id] ?? label ?? id}`;
  }
  if (target.startsWith('#')) {
    const id = target.slice(1);
    return `#${label ?? names[id] ?? id}`;
  }
  if (target.startsWith('!subteam^')) {
    const id = target.slice('!subteam^'.length);
    return label ?? `@${names[id] ?? id}`;
  }
  if (target.startsWith('!date^')) return label ?? target;
  if (target.startsWith('!')) return `@${target.slice(1)}`; // <!here>, <!channel>, <!everyone>
  return label ?? target.replace(/^mailto:/, ''); // <https://…|text> → text, <https://…> → the URL
}

/** Renders mrkdwn as plain text: mentions as names, links as their text, no `*`, `_`, `~` or backticks. */
export function mrkdwnToText(mrkdwn: string, options: PlainTextOptions = {}): string {
  const names = options.names ?? {};
  const bold = options.bold ?? ((text: string) => text);
  return (
    mrkdwn
      // Code blocks and inline code keep their text as it is (the ids in the approval message).
      .replace(/```\n?([\s\S]*?)\n?```/g, '$1')
      .replace(/`([^`\n]+)`/g, '$1')
      .replace(/<([^<>\n]+)>/g, (_m, inner: string) => token(inner, names))
      // Emphasis only where Slack sees it: the marker next to a word, not inside one (snake_case_names).
      .replace(
        /(^|[\s([{"'])\*(?=\S)([^*\n]*?\S)\*(?=$|[\s)\]}.,:;!?"'…])/gm,
        (_m, before: string, text: string) => `${before}${bold(text)}`,
      )
      .replace(/(^|[\s([{"'])_(?=\S)([^_\n]*?\S)_(?=$|[\s)\]}.,:;!?"'…])/gm, '$1$2')
      .replace(/(^|[\s([{"'])~(?=\S)([^~\n]*?\S)~(?=$|[\s)\]}.,:;!?"'…])/gm, '$1$2')
      .replace(/&(lt|gt|amp);/g, (entity) => ENTITIES[entity] ?? entity)
  );
}
