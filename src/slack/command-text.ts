import type { DeletionType } from '../domain/types.js';

export type CommandIntent =
  | { kind: 'open' }
  | { kind: 'help' }
  | { kind: 'quota' }
  | { kind: 'status'; ref: string }
  | { kind: 'cancel'; ref: string }
  | { kind: 'prefill'; type: DeletionType; idsText: string }
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

export function parseCommandText(text: string): CommandIntent {
  const trimmed = text.trim();
  if (trimmed === '') return { kind: 'open' };
  const [first = '', ...rest] = trimmed.split(/\s+/);
  const word = first.toLowerCase();
  if (word === 'help' || word === '?') return { kind: 'help' };
  if (word === 'quota') return { kind: 'quota' };
  // `status`/`cancel` take a DR-… id or LivePerson's request number; an empty ref is answered with help.
  if (word === 'status' || word === 'cancel') return { kind: word, ref: rest[0] ?? '' };
  const type = TYPE_ALIASES[word];
  if (type) return { kind: 'prefill', type, idsText: rest.join('\n') };
  return { kind: 'unknown', word: first };
}
