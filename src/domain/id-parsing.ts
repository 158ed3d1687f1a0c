/* Pasted text → raw id tokens: what people paste, cleaned of what they cannot see. No validation here. */

/**
 * Slack's plain_text_input accepts at most 3000 characters, but 100 UUIDs one per line take 3,700.
 * The request modal therefore offers two inputs ("ids" and "more ids"); the listener passes both
 * texts to `parseIdsTexts`, which parses each and concatenates the results.
 */
export const ID_INPUT_MAX_LENGTH = 3000;

/**
 * Guard for `validateIdsText`: far above what two Slack inputs can hold, far below anything that
 * makes parsing noticeable. A paste this long is a mistake (a log file, a whole export), and the
 * person is better served by a clear error than by hundreds of "invalid id" complaints.
 */
export const MAX_IDS_TEXT_LENGTH = 20_000;

// Format characters (zero-width space/joiners U+200B-U+200D, word joiner U+2060, BOM U+FEFF, soft
// hyphen, bidi controls) and lone surrogates are invisible in Slack, so people cannot see or remove
// them; they are dropped *inside* a token, not treated as separators ("ab<ZWSP>cd" is "abcd").
export const INVISIBLE = /[\p{Cf}\p{Cs}]/gu;
// NEL (U+0085) is a line break in some exports but not part of JS's \s, so it is made a separator.
const EXTRA_LINE_BREAKS = /\u0085/g;
// Every remaining control character (C0, DEL, C1) is noise from copy and paste.
const CONTROL = /\p{Cc}/gu;
// Whitespace of any kind (including NBSP and U+2028/9), commas and semicolons separate ids.
const SEPARATORS = /[\s,;]+/u;
// Quotes and brackets around an id come from pasted JSON arrays, CSV cells or prose. One character at a
// time: see stripEdgePunctuation for why this is not a `[…]+$` regex.
const EDGE_CHARACTER = /^[\p{Ps}\p{Pe}\p{Pi}\p{Pf}"'`]$/u;

/**
 * Splits pasted text into raw id tokens. Accepts one id per line, ids separated by commas, semicolons,
 * spaces or tabs, or a JSON array of strings or numbers. Never throws and runs in linear time.
 *
 * JSON is deliberately not parsed with `JSON.parse`: numeric engagement ids are longer than 15 digits
 * and would lose precision as JavaScript numbers; tokenising keeps their digits exactly.
 */
export function parseIdsText(text: string): string[] {
  const cleaned = text
    .replace(INVISIBLE, '')
    .replace(EXTRA_LINE_BREAKS, ' ')
    .replace(/[\t\n\v\f\r]/g, ' ')
    .replace(CONTROL, '');
  return cleaned
    .split(SEPARATORS)
    .map((token) => stripEdgePunctuation(token))
    .filter((id) => id !== '');
}

/**
 * Removes quotes and brackets (Unicode open, close, initial and final punctuation, and `"`, `'`, `` ` ``)
 * from both ends of a token, in one pass from each end.
 *
 * Not `token.replace(/^[…]+|[…]+$/gu, '')`: the engine retries the `[…]+$` branch from every position of a
 * punctuation run that does not reach the end, so `a((((…((a` took quadratic time (a 20,000-character
 * token blocked the event loop for about a second).
 */
export function stripEdgePunctuation(token: string): string {
  let start = 0;
  while (start < token.length) {
    const character = String.fromCodePoint(token.codePointAt(start) ?? 0);
    if (!EDGE_CHARACTER.test(character)) break;
    start += character.length;
  }
  let end = token.length;
  while (end > start) {
    const width = endsWithSurrogatePair(token, start, end) ? 2 : 1;
    if (!EDGE_CHARACTER.test(token.slice(end - width, end))) break;
    end -= width;
  }
  return token.slice(start, end);
}

/** True when `text[end - 2]`, `text[end - 1]` form one code point that lies after `start`. */
function endsWithSurrogatePair(text: string, start: number, end: number): boolean {
  if (end - 2 < start) return false;
  const high = text.charCodeAt(end - 2);
  const low = text.charCodeAt(end - 1);
  return high >= 0xd800 && high <= 0xdbff && low >= 0xdc00 && low <= 0xdfff;
}

/** Parses each text (e.g. the modal's "ids" and "more ids" inputs) and concatenates the ids. */
export function parseIdsTexts(texts: readonly (string | undefined | null)[]): string[] {
  return texts.flatMap((text) => (text ? parseIdsText(text) : []));
}
