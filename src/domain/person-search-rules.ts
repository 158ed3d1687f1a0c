import type { DecideInput, RequestInput } from './decide.js';
import { refuse, type Permission } from './outcome.js';
import type { PersonFindings } from './plan.js';

/**
 * Who may search LivePerson for a person, how often, and which consumers a search's plan files. Pure: the
 * service reads the directory and the store, these decide. (Issue 19: a search is a look-up of anyone's
 * email or name, so it is limited and traced like one.)
 */

/** At most this many searches per person in SEARCH_WINDOW_MS, and one at a time. */
export const SEARCHES_PER_WINDOW = 5;
export const SEARCH_WINDOW_MS = 10 * 60 * 1000;
/**
 * A search still marked running after this long is taken for dead (its process stopped): it no longer
 * holds the searcher back. A search reads at most a few hundred pages; 5 minutes is well past that.
 */
export const SEARCH_RUN_MAX_MS = 5 * 60 * 1000;

/**
 * With a requester allow-list, the people on it (as for filing); without one, approvers only: anyone else
 * in the workspace could otherwise look up anybody's conversations by email or name.
 */
export function canSearchPerson(
  input: RequestInput & Pick<DecideInput, 'approvers'>,
): Permission<'NOT_REQUESTER' | 'SEARCH_NOT_ALLOWED'> {
  if (input.requesters !== null) {
    return input.requesters.has(input.userId) ? { ok: true } : refuse({ code: 'NOT_REQUESTER' });
  }
  if (input.approvers.has(input.userId)) return { ok: true };
  return refuse({ code: 'SEARCH_NOT_ALLOWED', approvers: [...input.approvers] });
}

/** What the rate rule needs of one earlier search of the same person. */
export interface SearchStamp {
  /** ISO. */
  startedAt: string;
  state: 'running' | 'found' | 'failed' | 'filing' | 'filed';
}

/** Whether one more search may start at `now`, given the searcher's earlier ones (any age). */
export function admitSearch(
  earlier: readonly SearchStamp[],
  now: Date,
): Permission<'SEARCH_BUSY' | 'SEARCH_LIMIT'> {
  const at = now.getTime();
  const started = earlier.map((s) => ({ ...s, ms: Date.parse(s.startedAt) }));
  const running = started
    .filter((s) => s.state === 'running' && at - s.ms < SEARCH_RUN_MAX_MS)
    .sort((a, b) => b.ms - a.ms)[0];
  if (running) return refuse({ code: 'SEARCH_BUSY', retryAt: new Date(running.ms + SEARCH_RUN_MAX_MS) });
  const recent = started.filter((s) => at - s.ms < SEARCH_WINDOW_MS).sort((a, b) => a.ms - b.ms);
  const oldest = recent[0];
  if (recent.length >= SEARCHES_PER_WINDOW && oldest) {
    return refuse({
      code: 'SEARCH_LIMIT',
      limit: SEARCHES_PER_WINDOW,
      windowMinutes: SEARCH_WINDOW_MS / 60_000,
      retryAt: new Date(oldest.ms + SEARCH_WINDOW_MS),
    });
  }
  return { ok: true };
}

/** One consumer a search found, with what is theirs (service/person-search.ts's ConsumerMatch fits). */
export interface FoundConsumer {
  consumerId: string;
  channel: 'messaging' | 'chat';
  /** Closed conversations, or for `chat` the visitor's chats (engagement ids). */
  closedConversationIds: readonly string[];
  openConversationIds: readonly string[];
}

export interface SearchFindings extends PersonFindings {
  consumers: readonly FoundConsumer[];
  /** The search may have found different people: each consumer is filed only when chosen. */
  namesakes: boolean;
}

/**
 * What the plan files. One person (no namesakes): everything found, as before. Namesakes: only the chosen
 * consumers, each with their own conversations or chats, and nothing that belongs to no chosen consumer;
 * ids chosen that the search did not find are ignored. Keyword-only mentions stay as found (ticked apart).
 */
export function chooseFindings(found: SearchFindings, chosenConsumerIds: readonly string[]): PersonFindings {
  if (!found.namesakes) return found;
  const picked = chosenConsumers(found, chosenConsumerIds);
  const messaging = picked.filter((c) => c.channel === 'messaging');
  const chats = picked.filter((c) => c.channel === 'chat');
  return {
    consumerIds: picked.map((c) => c.consumerId),
    closedConversationIds: messaging.flatMap((c) => c.closedConversationIds),
    openConversationIds: messaging.flatMap((c) => c.openConversationIds),
    chatEngagementIds: chats.flatMap((c) => c.closedConversationIds),
    keywordOnly: found.keywordOnly,
  };
}

/** How many consumers were chosen among those found (for "2 different consumers match; 1 chosen"). */
export function chosenCount(found: SearchFindings, chosenConsumerIds: readonly string[]): number {
  return chosenConsumers(found, chosenConsumerIds).length;
}

/** The consumers found that were chosen (ids compared in any case, as LivePerson's are lower case). */
function chosenConsumers(found: SearchFindings, chosenConsumerIds: readonly string[]): FoundConsumer[] {
  const chosen = new Set(chosenConsumerIds.map((id) => id.toLowerCase()));
  return found.consumers.filter((c) => chosen.has(c.consumerId.toLowerCase()));
}
