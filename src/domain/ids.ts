import { MAX_IDS_PER_APPROVAL, MAX_IDS_PER_REQUEST, type DeletionType } from './types.js';

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

/** Slack rejects a modal field error longer than this. */
export const MAX_ERROR_MESSAGE_LENGTH = 2000;

/** How many invalid ids an error message names before it says "and N more". */
const MAX_NAMED_IDS = 10;
/** How much of each invalid id an error message shows. */
const MAX_SHOWN_ID_LENGTH = 40;

export type IdField = 'type' | 'ids';
export interface IdValidationError {
  field: IdField;
  message: string;
}
export type IdValidation =
  | {
      ok: true;
      /** Normalised, unique, in input order: exactly what is sent to LivePerson. */
      ids: string[];
      duplicatesDropped: number;
      /** What was changed on the way, e.g. 'Removed the LTK prefix from 2 ticket ids'. */
      notes: string[];
    }
  | { ok: false; errors: IdValidationError[] };

export interface IdValidationContext {
  /** LivePerson account (site) id, with or without the `le` prefix. */
  accountId: string;
  /** Only accounts with the legacy ticketing system may file ticketing deletions. */
  legacyTicketing: boolean;
  /**
   * How many ids are taken: MAX_IDS_PER_APPROVAL by default (the form splits more than 100 into several
   * requests); MAX_IDS_PER_REQUEST where the ids go to LivePerson as one request (`npm run lp -- create`).
   */
  maxIds?: number;
}

// ---------------------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------------------

// Format characters (zero-width space/joiners U+200B-U+200D, word joiner U+2060, BOM U+FEFF, soft
// hyphen, bidi controls) and lone surrogates are invisible in Slack, so people cannot see or remove
// them; they are dropped *inside* a token, not treated as separators ("ab<ZWSP>cd" is "abcd").
const INVISIBLE = /[\p{Cf}\p{Cs}]/gu;
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
  const ids: string[] = [];
  for (const token of cleaned.split(SEPARATORS)) {
    const id = stripEdgePunctuation(token);
    if (id !== '') ids.push(id);
  }
  return ids;
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

// ---------------------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------------------

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DIGITS = /^\d+$/;
const ALPHANUMERIC = /^[A-Za-z0-9]+$/;

/** LivePerson shows account ids both plain and with an `le` prefix (`le20762324`); we keep them plain. */
export function normaliseAccountId(accountId: string): string {
  return accountId.trim().replace(/^le/i, '');
}

/** One id after type-specific normalisation, keeping what the person typed for error messages. */
interface Candidate {
  raw: string;
  id: string;
  valid: boolean;
  /** Ticket ids only: what was stripped, reported back as notes. */
  prefixRemoved?: boolean;
  suffixRemoved?: boolean;
}

/**
 * Checks ids for one deletion type and normalises them into exactly what LivePerson is sent.
 * Expected problems are returned as errors that name the offending ids, never thrown.
 */
export function validateIds(
  type: DeletionType,
  rawIds: readonly string[],
  ctx: IdValidationContext,
): IdValidation {
  if (type === 'ticketing' && !ctx.legacyTicketing) {
    return { ok: false, errors: [{ field: 'type', message: TICKETING_DISABLED_MESSAGE }] };
  }
  const accountId = normaliseAccountId(ctx.accountId);
  const candidates = rawIds
    .map((raw) => raw.replace(INVISIBLE, '').trim())
    .filter((raw) => raw !== '')
    .map((raw) => toCandidate(type, raw, accountId));

  const unique = dedupe(candidates);
  const duplicatesDropped = candidates.length - unique.length;
  if (unique.length === 0) {
    return { ok: false, errors: [{ field: 'ids', message: 'Enter at least one id.' }] };
  }

  const errors: IdValidationError[] = [];
  const invalid = unique.filter((c) => !c.valid);
  if (invalid.length > 0) {
    errors.push({ field: 'ids', message: invalidIdsMessage(type, invalid, accountId) });
  }
  const maxIds = ctx.maxIds ?? MAX_IDS_PER_APPROVAL;
  if (unique.length > maxIds) {
    errors.push({ field: 'ids', message: tooManyIdsMessage(unique.length, maxIds) });
  }
  if (errors.length > 0) return { ok: false, errors };

  return {
    ok: true,
    ids: unique.map((c) => c.id),
    duplicatesDropped,
    notes: ticketNotes(unique),
  };
}

/**
 * Parses and validates the texts of the request modal in one step, refusing absurdly long pastes
 * before parsing them (see MAX_IDS_TEXT_LENGTH).
 */
export function validateIdsText(
  type: DeletionType,
  texts: readonly (string | undefined | null)[],
  ctx: IdValidationContext,
): IdValidation {
  const length = texts.reduce((sum, text) => sum + (text?.length ?? 0), 0);
  if (length > MAX_IDS_TEXT_LENGTH) {
    return { ok: false, errors: [{ field: 'ids', message: textTooLongMessage(length) }] };
  }
  return validateIds(type, parseIdsTexts(texts), ctx);
}

function toCandidate(type: DeletionType, raw: string, accountId: string): Candidate {
  switch (type) {
    case 'conversation':
    case 'consumer':
      // UUIDs are case-insensitive; lower case makes duplicates visible and matches LivePerson's output.
      return { raw, id: raw.toLowerCase(), valid: UUID.test(raw) };
    case 'engagement':
      return { raw, id: raw, valid: isEngagementId(raw, accountId) };
    case 'ticketing':
      return toTicketCandidate(raw);
  }
}

/** An engagement id is the account id followed by the chat id, so it is digits and longer than the account id. */
function isEngagementId(id: string, accountId: string): boolean {
  return DIGITS.test(id) && id.length > accountId.length && id.startsWith(accountId);
}

/**
 * LivePerson displays legacy ticket ids as `LTK0012345X` but wants them without the `LTK` prefix and
 * the `X` suffix. The suffix is only stripped when it is clearly the wrapper (after an LTK prefix, or
 * after digits), so an alphanumeric id that happens to end in X is left alone.
 */
function toTicketCandidate(raw: string): Candidate {
  const prefixRemoved = /^LTK./i.test(raw);
  const unprefixed = prefixRemoved ? raw.slice(3) : raw;
  const suffixRemoved = (prefixRemoved || /^\d+X$/i.test(unprefixed)) && /.X$/i.test(unprefixed);
  const id = suffixRemoved ? unprefixed.slice(0, -1) : unprefixed;
  return { raw, id, valid: ALPHANUMERIC.test(id), prefixRemoved, suffixRemoved };
}

function dedupe(candidates: readonly Candidate[]): Candidate[] {
  const seen = new Set<string>();
  return candidates.filter((c) => {
    if (seen.has(c.id)) return false;
    seen.add(c.id);
    return true;
  });
}

/** Notes count the ids actually sent, so a duplicate does not inflate them. */
function ticketNotes(sent: readonly Candidate[]): string[] {
  const prefixes = sent.filter((c) => c.prefixRemoved).length;
  const suffixes = sent.filter((c) => c.suffixRemoved).length;
  const notes: string[] = [];
  if (prefixes > 0) notes.push(`Removed the LTK prefix from ${plural(prefixes, 'ticket id')}`);
  if (suffixes > 0) notes.push(`Removed the X suffix from ${plural(suffixes, 'ticket id')}`);
  return notes;
}

// ---------------------------------------------------------------------------------------------------
// Messages
// ---------------------------------------------------------------------------------------------------

const TICKETING_DISABLED_MESSAGE =
  'Ticket deletions are only for legacy LivePerson accounts with the ticketing system, and this app is not ' +
  'set up for one. Choose another type, or ask an admin to set LP_LEGACY_TICKETING=true if the account has it.';

const TYPE_HINTS: Record<DeletionType, (accountId: string) => string> = {
  conversation: () =>
    'A conversation id is a UUID such as 3f2b9c1e-8a4d-4e6f-9b2a-1c3d5e7f9a0b (8-4-4-4-12 hex digits).',
  consumer: () =>
    'A consumer id is the participantId UUID such as 3f2b9c1e-8a4d-4e6f-9b2a-1c3d5e7f9a0b (8-4-4-4-12 hex digits).',
  engagement: (accountId) =>
    `An engagement id is digits only: the account id ${accountId} followed by the chat id, e.g. ${accountId}4294967296.`,
  ticketing: () => 'A ticket id has letters and digits only; an LTK prefix and X suffix are removed for you.',
};

const TYPE_NOUNS: Record<DeletionType, string> = {
  conversation: 'conversation id',
  consumer: 'consumer id',
  engagement: 'engagement id',
  ticketing: 'ticket id',
};

function invalidIdsMessage(type: DeletionType, invalid: readonly Candidate[], accountId: string): string {
  const named = invalid.slice(0, MAX_NAMED_IDS).map((c) => `"${displayId(c.raw)}"`);
  const rest = invalid.length - named.length;
  const list = rest > 0 ? `${named.join(', ')} and ${rest} more` : named.join(', ');
  const what =
    invalid.length === 1
      ? `This is not a valid ${TYPE_NOUNS[type]}`
      : `These are not valid ${TYPE_NOUNS[type]}s`;
  return clampMessage(
    `${what}: ${list}. ${TYPE_HINTS[type](accountId)} Correct or remove them and try again.`,
  );
}

function tooManyIdsMessage(count: number, max: number): string {
  if (max <= MAX_IDS_PER_REQUEST) {
    return (
      `You entered ${count} different ids, but LivePerson accepts at most ${max} per request. ` +
      `Split them into ${Math.ceil(count / max)} requests of up to ${max} ids each.`
    );
  }
  return (
    `You entered ${count} different ids, but one approval takes at most ${MAX_IDS_PER_APPROVAL} ` +
    `(LivePerson takes ${MAX_IDS_PER_REQUEST} per request; more become several requests under one approval). ` +
    `Split them into ${Math.ceil(count / MAX_IDS_PER_APPROVAL)} approvals of up to ${MAX_IDS_PER_APPROVAL} ids each.`
  );
}

function textTooLongMessage(length: number): string {
  return (
    `The ids text is ${length.toLocaleString('en-US')} characters long; at most ` +
    `${MAX_IDS_TEXT_LENGTH.toLocaleString('en-US')} are read. Paste only the ids, at most ` +
    `${MAX_IDS_PER_APPROVAL} per approval.`
  );
}

/**
 * Makes an id safe to quote back: control and invisible characters become visible `\uXXXX` escapes
 * (so a bidi override cannot reorder the message) and long ids are shortened. Works on code points
 * so a surrogate pair is never cut in half.
 */
export function displayId(raw: string): string {
  const visible = Array.from(raw).map((ch) =>
    /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/u.test(ch)
      ? `\\u${ch.codePointAt(0)?.toString(16).padStart(4, '0')}`
      : ch,
  );
  const text = visible.join('');
  const points = Array.from(text);
  return points.length > MAX_SHOWN_ID_LENGTH ? `${points.slice(0, MAX_SHOWN_ID_LENGTH - 1).join('')}…` : text;
}

/** Last line of defence for Slack's field error limit; the builders above stay far below it. */
function clampMessage(message: string): string {
  return message.length <= MAX_ERROR_MESSAGE_LENGTH
    ? message
    : `${message.slice(0, MAX_ERROR_MESSAGE_LENGTH - 1)}…`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
