import { MAX_IDS_PER_APPROVAL, type DeletionType } from './types.js';
import { INVISIBLE, MAX_IDS_TEXT_LENGTH, parseIdsTexts } from './id-parsing.js';
import { uniqueBy } from './plan.js';

/**
 * Why ids were refused, as a code and the facts the words need: the sentences are written by
 * slack/blocks/id-messages.ts (idErrorText), for the form and for `npm run lp -- create` alike.
 */
export type IdValidationError =
  /** Ticketing deletions are for accounts with LivePerson's legacy ticketing system, and this one has none. */
  | { field: 'type'; code: 'ticketing_disabled' }
  /** Nothing usable was entered (blank, separators or invisible characters only). */
  | { field: 'ids'; code: 'no_ids' }
  /** `invalid`: the ids as typed (trimmed, invisible characters removed), unique, in input order. */
  | { field: 'ids'; code: 'invalid_ids'; type: DeletionType; invalid: string[]; accountId: string }
  /** `count` unique ids, more than the `max` one form (or one CLI request) takes. */
  | { field: 'ids'; code: 'too_many_ids'; count: number; max: number }
  /** The texts are `length` characters long together, more than the `max` read before parsing. */
  | { field: 'ids'; code: 'text_too_long'; length: number; max: number };
export type IdValidation =
  | {
      ok: true;
      /** Normalised, unique, in input order: exactly what is sent to LivePerson. */
      ids: string[];
      duplicatesDropped: number;
      /** What was changed on the way (ticket ids only), said back to the person. */
      changes: TicketChanges;
    }
  | { ok: false; errors: IdValidationError[] };

/** Ticket ids whose LTK prefix or X suffix was removed (counting the ids sent, not duplicates). */
export interface TicketChanges {
  prefixesRemoved: number;
  suffixesRemoved: number;
}

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

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DIGITS = /^\d+$/;
const ALPHANUMERIC = /^[A-Za-z0-9]+$/;
/**
 * An Engagement History `visitorId`, which the deletion API's create page lets a `consumer` request carry
 * (issue 19 files each chat visitor so): letters, digits, `_` and `-`, 10 to 64 of them with at least
 * one letter, as in the page's `ozimnjlwddrzbhnfhjkdao`. Kept as given, case and all. Digits only is an
 * engagement id, hex digits and dashes only a mistyped participantId UUID: never a visitor.
 */
const VISITOR_ID = /^(?=.*[A-Za-z])[A-Za-z0-9_-]{10,64}$/;
const BROKEN_UUID = /^(?=.*-)[0-9a-f-]+$/i;

/** LivePerson shows account ids both plain and with an `le` prefix (`le20762324`); we keep them plain. */
export function normaliseAccountId(accountId: string): string {
  return accountId.trim().replace(/^le/i, '');
}

/** One id after type-specific normalisation, keeping what the person typed for the error. */
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
 * Expected problems are returned as errors that carry the offending ids, never thrown.
 */
export function validateIds(
  type: DeletionType,
  rawIds: readonly string[],
  ctx: IdValidationContext,
): IdValidation {
  if (type === 'ticketing' && !ctx.legacyTicketing) {
    return { ok: false, errors: [{ field: 'type', code: 'ticketing_disabled' }] };
  }
  const accountId = normaliseAccountId(ctx.accountId);
  const candidates = rawIds
    .map((raw) => raw.replace(INVISIBLE, '').trim())
    .filter((raw) => raw !== '')
    .map((raw) => toCandidate(type, raw, accountId));

  const unique = uniqueBy(candidates, (c) => c.id);
  const duplicatesDropped = candidates.length - unique.length;
  if (unique.length === 0) {
    return { ok: false, errors: [{ field: 'ids', code: 'no_ids' }] };
  }

  const errors: IdValidationError[] = [];
  const invalid = unique.filter((c) => !c.valid);
  if (invalid.length > 0) {
    errors.push({ field: 'ids', code: 'invalid_ids', type, invalid: invalid.map((c) => c.raw), accountId });
  }
  const maxIds = ctx.maxIds ?? MAX_IDS_PER_APPROVAL;
  if (unique.length > maxIds) {
    errors.push({ field: 'ids', code: 'too_many_ids', count: unique.length, max: maxIds });
  }
  if (errors.length > 0) return { ok: false, errors };

  return {
    ok: true,
    ids: unique.map((c) => c.id),
    duplicatesDropped,
    changes: {
      prefixesRemoved: unique.filter((c) => c.prefixRemoved).length,
      suffixesRemoved: unique.filter((c) => c.suffixRemoved).length,
    },
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
    return {
      ok: false,
      errors: [{ field: 'ids', code: 'text_too_long', length, max: MAX_IDS_TEXT_LENGTH }],
    };
  }
  return validateIds(type, parseIdsTexts(texts), ctx);
}

function toCandidate(type: DeletionType, raw: string, accountId: string): Candidate {
  switch (type) {
    case 'conversation':
      // UUIDs are case-insensitive; lower case makes duplicates visible and matches LivePerson's output.
      return { raw, id: raw.toLowerCase(), valid: UUID.test(raw) };
    case 'consumer':
      if (UUID.test(raw)) return { raw, id: raw.toLowerCase(), valid: true };
      return { raw, id: raw, valid: VISITOR_ID.test(raw) && !BROKEN_UUID.test(raw) };
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
