import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { HOUR_MS } from '../domain/durations.js';
import { cleanIdentifier, IDENTIFIER_MAX_LENGTH, type IdentifierKind } from '../domain/identifier.js';
import { refuse, type Outcome, type Refusal } from '../domain/outcome.js';
import { admitSearch, canSearchPerson, type SearchFindings } from '../domain/person-search-rules.js';
import type { Permission } from '../domain/outcome.js';
import type { RequestStore } from '../store/port.js';
import type { StoredPersonSearch } from '../store/schemas.js';
import type { PersonSearchResult } from './person-search-result.js';
import type { UseCaseDeps } from './ports.js';

/**
 * A person search's life in the store (issue 19): started by someone allowed to (a search looks up anyone's
 * conversations by email or name), at most 5 per person per 10 minutes and one at a time, counted in the
 * store so the limit holds across replicas (rate-limit.ts's limiter is per process: a second replica would
 * double it); its findings kept there until it is filed (from any replica) or
 * expires; claimed once, by the person who searched. Never the identifier: only its kind.
 */

/** A search is kept this long for its result view to be sent for approval. */
export const SEARCH_TTL_MS = HOUR_MS;
/** At most this many searches are kept (the sweep purges the oldest past it). */
export const SEARCHES_KEPT = 1000;

export interface StartedSearch {
  token: string;
  /** The cleaned identifier: for this search only, never stored or logged. */
  identifier: string;
  kind: IdentifierKind;
}

type SearchStartDeps = Pick<UseCaseDeps, 'store' | 'directory' | 'now' | 'log'>;

/** Cleans the identifier, checks who may search and how often, and records the search as running. */
export async function startSearch(
  deps: SearchStartDeps,
  userId: string,
  raw: string,
  /** A caller of the intake API: its token is its permission; the limits still apply. */
  tokenHolder = false,
): Promise<Outcome<{ search: StartedSearch }>> {
  const cleaned = cleanIdentifier(raw);
  if (!cleaned.ok)
    return refuse({ code: 'IDENTIFIER_INVALID', problem: cleaned.problem, max: IDENTIFIER_MAX_LENGTH });
  const allowed = tokenHolder
    ? ({ ok: true } as const)
    : canSearchPerson({
        userId,
        requesters: await deps.directory.requesters(),
        approvers: await deps.directory.approvers(),
      });
  if (!allowed.ok) {
    deps.log.info('person_search_refused', { user: userId, code: allowed.code });
    return allowed;
  }
  const now = deps.now();
  const token = randomBytes(16).toString('hex');
  const admitted = await deps.store.searches.start<Permission>(userId, (earlier) => {
    const verdict = admitSearch(earlier, now);
    if (!verdict.ok) return { value: verdict };
    const search: StoredPersonSearch = {
      token,
      userId,
      identifierKind: cleaned.kind,
      startedAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + SEARCH_TTL_MS).toISOString(),
      state: 'running',
    };
    return { value: verdict, search };
  });
  if (!admitted.ok) {
    deps.log.info('person_search_refused', { user: userId, code: admitted.code });
    return admitted;
  }
  // Who searched and for what kind of identifier: never the identifier itself.
  deps.log.info('person_search_started', { user: userId, identifierKind: cleaned.kind });
  return { ok: true, search: { token, identifier: cleaned.value, kind: cleaned.kind } };
}

const ids = z.array(z.string());
/** The stored findings, read back from a file or a row: checked, never trusted. */
const findingsSchema = z.object({
  consumers: z.array(
    z.object({
      consumerId: z.string(),
      channel: z.enum(['messaging', 'chat']),
      closedConversationIds: ids,
      openConversationIds: ids,
    }),
  ),
  namesakes: z.boolean(),
  closedConversationIds: ids,
  openConversationIds: ids,
  consumerIds: ids,
  chatEngagementIds: ids,
  keywordOnly: z.array(z.object({ conversationId: z.string(), status: z.enum(['OPEN', 'CLOSE']) })),
});

/** What filing needs of a search's result: the consumers and the ids (zod drops dates and the rest). */
export function findingsOf(result: PersonSearchResult): SearchFindings {
  return findingsSchema.parse(result);
}

/** Records how the search ended: its findings, or that it failed (it then holds nobody back). */
export async function finishSearch(
  store: RequestStore,
  token: string,
  result: PersonSearchResult | undefined,
): Promise<void> {
  await store.searches.change(token, (current) =>
    current?.state === 'running'
      ? {
          value: undefined,
          search: result
            ? { ...current, state: 'found', result: findingsOf(result) }
            : { ...current, state: 'failed' },
        }
      : { value: undefined },
  );
}

export interface ClaimedSearch {
  kind: IdentifierKind;
  findings: SearchFindings;
}

/**
 * Takes the search for filing, in one change: only its searcher, only once. A second submission (a double
 * click, a replayed request, another replica) finds it taken and files nothing.
 */
export async function claimSearch(
  store: RequestStore,
  token: string,
  userId: string,
  now: Date,
): Promise<Outcome<{ claimed: ClaimedSearch }>> {
  return store.searches.change(
    token,
    (current): { value: Outcome<{ claimed: ClaimedSearch }>; search?: StoredPersonSearch } => {
      if (!current || Date.parse(current.expiresAt) <= now.getTime())
        return { value: refuse({ code: 'SEARCH_GONE' }) };
      if (current.userId !== userId) return { value: refuse({ code: 'SEARCH_NOT_YOURS' }) };
      if (current.state === 'filing' || current.state === 'filed') {
        return { value: refuse({ code: 'SEARCH_USED', filing: current.state === 'filing' }) };
      }
      const findings = findingsSchema.safeParse(current.result);
      if (current.state !== 'found' || !findings.success) return { value: refuse({ code: 'SEARCH_GONE' }) };
      return {
        value: { ok: true, claimed: { kind: current.identifierKind, findings: findings.data } },
        search: { ...current, state: 'filing' },
      };
    },
  );
}

/** After filing: `requestId` when it was filed (its findings are dropped), or given back to try again. */
export async function settleSearch(
  store: RequestStore,
  token: string,
  filed: { requestId: string } | Refusal,
): Promise<void> {
  await store.searches.change(token, (current) => {
    if (current?.state !== 'filing') return { value: undefined };
    if ('requestId' in filed) {
      const { result: _dropped, ...rest } = current;
      return { value: undefined, search: { ...rest, state: 'filed', requestId: filed.requestId } };
    }
    return { value: undefined, search: { ...current, state: 'found' } };
  });
}
