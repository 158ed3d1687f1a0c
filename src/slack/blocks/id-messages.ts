import type { IdValidationError, TicketChanges } from '../../domain/ids.js';
import { MAX_IDS_PER_APPROVAL, MAX_IDS_PER_REQUEST, type DeletionType } from '../../domain/types.js';
import { plural, truncate } from '../format.js';

/*
 * What the person is told about the ids they gave: every word of id validation lives here; the domain
 * (domain/ids.ts) only says which problem and its facts. Plain text, no mrkdwn: it is shown under a
 * modal field and written to the terminal by `npm run lp -- create`.
 */

/** Slack rejects a modal field error longer than this. */
export const MAX_ERROR_MESSAGE_LENGTH = 2000;

/** How many invalid ids an error message names before it says "and N more". */
const MAX_NAMED_IDS = 10;
/** How much of each invalid id an error message shows. */
const MAX_SHOWN_ID_LENGTH = 40;

const TICKETING_DISABLED =
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

/** One id validation error in words, at most MAX_ERROR_MESSAGE_LENGTH characters. */
export function idErrorText(error: IdValidationError): string {
  // Last line of defence for Slack's field error limit; the texts below stay far below it.
  return truncate(words(error), MAX_ERROR_MESSAGE_LENGTH);
}

function words(error: IdValidationError): string {
  switch (error.code) {
    case 'ticketing_disabled':
      return TICKETING_DISABLED;
    case 'no_ids':
      return 'Enter at least one id.';
    case 'invalid_ids':
      return invalidIdsText(error.type, error.invalid, error.accountId);
    case 'too_many_ids':
      return tooManyIdsText(error.count, error.max);
    case 'text_too_long':
      return textTooLongText(error.length, error.max);
  }
}

function invalidIdsText(type: DeletionType, invalid: readonly string[], accountId: string): string {
  const named = invalid.slice(0, MAX_NAMED_IDS).map((raw) => `"${displayId(raw)}"`);
  const rest = invalid.length - named.length;
  const list = rest > 0 ? `${named.join(', ')} and ${rest} more` : named.join(', ');
  const what =
    invalid.length === 1
      ? `This is not a valid ${TYPE_NOUNS[type]}`
      : `These are not valid ${TYPE_NOUNS[type]}s`;
  return `${what}: ${list}. ${TYPE_HINTS[type](accountId)} Correct or remove them and try again.`;
}

function tooManyIdsText(count: number, max: number): string {
  if (max <= MAX_IDS_PER_REQUEST) {
    return (
      `You entered ${count} different ids, but LivePerson accepts at most ${max} per request. ` +
      `Split them into ${Math.ceil(count / max)} requests of up to ${max} ids each.`
    );
  }
  return (
    `You entered ${count} different ids, but one approval takes at most ${max} ` +
    `(LivePerson takes ${MAX_IDS_PER_REQUEST} per request; more become several requests under one approval). ` +
    `Split them into ${Math.ceil(count / max)} approvals of up to ${max} ids each.`
  );
}

function textTooLongText(length: number, max: number): string {
  return (
    `The ids text is ${length.toLocaleString('en-US')} characters long; at most ` +
    `${max.toLocaleString('en-US')} are read. Paste only the ids, at most ` +
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

/** What the form changed on the way, said back to the person: one line per kind of change. */
export function ticketChangeNotes(changes: TicketChanges): string[] {
  const notes: string[] = [];
  if (changes.prefixesRemoved > 0)
    notes.push(`Removed the LTK prefix from ${plural(changes.prefixesRemoved, 'ticket id')}`);
  if (changes.suffixesRemoved > 0)
    notes.push(`Removed the X suffix from ${plural(changes.suffixesRemoved, 'ticket id')}`);
  return notes;
}
