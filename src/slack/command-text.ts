import { ID_INPUT_MAX_LENGTH } from '../domain/id-parsing.js';
import type { DeletionType } from '../domain/types.js';

export type CommandIntent =
  | { kind: 'open' }
  | { kind: 'help' }
  | { kind: 'quota' }
  | { kind: 'status'; ref: string }
  | { kind: 'cancel'; ref: string }
  | { kind: 'verify'; ref: string }
  | { kind: 'prefill'; type: DeletionType; idsText: string; moreIdsText?: string }
  | { kind: 'person'; identifier: string }
  | { kind: 'unknown'; word: string };

/** Words people type for each deletion type (`/lp-delete conversation …`, `/lp-delete ticket …`). */
const TYPE_ALIASES: Record<string, DeletionType> = {
  conversation: 'conversation',
  conversations: 'conversation',
  messaging: 'conversation',
  conv: 'conversation',
  engagement: 'engagement',
  engagements: 'engagement',
  chat: 'engagement',
  consumer: 'consumer',
  consumers: 'consumer',
  ticket: 'ticketing',
  tickets: 'ticketing',
  ticketing: 'ticketing',
};

/** The word for a type the help names: its first alias (`ticket` is friendlier than `ticketing`). */
export function commandWord(type: DeletionType): string {
  return Object.keys(TYPE_ALIASES).find((word) => TYPE_ALIASES[word] === type) ?? type;
}

/**
 * One id per line, over the form's two id boxes: one box holds at most ID_INPUT_MAX_LENGTH characters
 * (100 UUIDs need 3,700), and a prefill longer than that would be cut.
 */
function splitForInputs(ids: readonly string[]): { idsText: string; moreIdsText?: string } {
  // The first box's length so far, counting a newline before every id but the first.
  let length = -1;
  let i = 0;
  while (i < ids.length && length + 1 + (ids[i]?.length ?? 0) <= ID_INPUT_MAX_LENGTH) {
    length += 1 + (ids[i]?.length ?? 0);
    i += 1;
  }
  const idsText = ids.slice(0, i).join('\n');
  return i < ids.length ? { idsText, moreIdsText: ids.slice(i).join('\n') } : { idsText };
}

export function parseCommandText(text: string): CommandIntent {
  const trimmed = text.trim();
  if (trimmed === '') return { kind: 'open' };
  const [first = '', ...rest] = trimmed.split(/\s+/);
  const word = first.toLowerCase();
  if (word === 'help' || word === '?') return { kind: 'help' };
  if (word === 'quota') return { kind: 'quota' };
  // `status`/`cancel` take a DR-… id or LivePerson's request number; an empty ref is answered with help.
  if (word === 'status' || word === 'cancel' || word === 'verify') return { kind: word, ref: rest[0] ?? '' };
  // Everything after the word, spaces kept: a name is an identifier too.
  if (word === 'person') return { kind: 'person', identifier: trimmed.slice(first.length).trim() };
  const type = TYPE_ALIASES[word];
  if (type) return { kind: 'prefill', type, ...splitForInputs(rest) };
  return { kind: 'unknown', word: first };
}
