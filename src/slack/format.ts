import dayjs from 'dayjs';
import { isCalendarDate } from '../domain/gdpr.js';

/**
 * mrkdwn helpers. Pure: no Slack client, no clock.
 *
 * Anything a person typed (a reason, an id, a rejection note) reaches Slack through `escapeMrkdwn`, because
 * `&`, `<` and `>` are control characters there: unescaped, `<!channel>` pings a whole channel and
 * `<https://evil|DSR-1>` hides a link behind innocent text.
 */

const MRKDWN_CONTROL = /[&<>]/g;
const ENTITY: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/** Makes text inert in mrkdwn: no pings, no links, no dates. Slack shows it exactly as typed. */
export function escapeMrkdwn(text: string): string {
  return text.replace(MRKDWN_CONTROL, (char) => ENTITY[char] ?? char);
}

/** Slack user ids start with U (or W on Enterprise Grid); anything else must not become a `<@…>` token. */
const USER_ID = /^[UW][A-Z0-9]{2,}$/;

/** A Slack user id (`U…`, `W…`), not a name such as an intake API caller's. */
export function isUserId(text: string): boolean {
  return USER_ID.test(text);
}

/** `<@U123>` for a real-looking user id; any other string is shown escaped, so it cannot ping anyone. */
export function mention(userId: string): string {
  return USER_ID.test(userId) ? `<@${userId}>` : escapeMrkdwn(userId);
}

const DEFAULT_DATE_FORMAT = '{date_short_pretty} at {time}';

/**
 * A `<!date^…>` token: Slack renders it in each reader's own time zone, so a UK approver and a US requester
 * both see "cancellable until" in their local time. The fallback (for clients that cannot render it, and
 * for notifications) is UTC and says so.
 */
export function slackDate(date: Date | string, format: string = DEFAULT_DATE_FORMAT): string {
  const parsed = typeof date === 'string' ? new Date(date) : date;
  const ms = parsed.getTime();
  if (Number.isNaN(ms)) {
    // Never throw while rendering a message: show what we were given, inert.
    return escapeMrkdwn(String(date));
  }
  const unix = Math.floor(ms / 1000);
  const fallback = utcMinute(parsed);
  // `^` separates the token's parts and `|`/`>` end it; a caller-supplied format must not contain them.
  const safeFormat = format.replace(/[\^|<>]/g, '');
  return `<!date^${unix}^${safeFormat}|${fallback}>`;
}

/** `2026-11-30 14:03 UTC`. */
export function utcMinute(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** `2026-02-28` → `28 February 2026`; anything else is shown inert as given. */
export function calendarDate(date: string): string {
  return isCalendarDate(date) ? dayjs(date).format('D MMMM YYYY') : escapeMrkdwn(date);
}

/** Only an https URL (a Slack permalink) becomes a link; anything else could smuggle mrkdwn into the message. */
export function safeLink(url: string | undefined, label: string): string | undefined {
  return url && /^https:\/\/[^\s<>|]+$/.test(url) ? `<${url}|${label}>` : undefined;
}

/**
 * Cuts text to at most `max` characters (UTF-16 code units, which is how Slack counts), ending in `…`
 * when cut. Never splits a surrogate pair, so an emoji is dropped whole rather than turned into garbage.
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 0) return '';
  if (max === 1) return '…';
  let end = max - 1;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}…`;
}

/** `1 id`, `2 ids`, `0 requests`; pass the plural form for irregular words. */
export function plural(n: number, word: string, pluralWord: string = `${word}s`): string {
  return `${n} ${n === 1 ? word : pluralWord}`;
}
