import { z } from 'zod';
import { IDENTIFIER_KINDS } from '../domain/identifier.js';

/* The stored shapes both stores read back through a schema (checked, never trusted), and their types. */

export const SEARCH_TOKEN = /^[0-9a-f]{32}$/;

/**
 * A person search as kept: who ran it, what kind of identifier (never the identifier), its state and,
 * once found, its findings (ids, dates and counts: the service's PersonSearchResult, opaque here). Kept
 * until `expiresAt`, then purged.
 */
export const storedSearchSchema = z.object({
  /** Random, 32 hex digits: the view carries it. */
  token: z.string().regex(SEARCH_TOKEN),
  userId: z.string(),
  identifierKind: z.enum(IDENTIFIER_KINDS),
  /** ISO. */
  startedAt: z.string(),
  /** ISO. */
  expiresAt: z.string(),
  state: z.enum(['running', 'found', 'failed', 'filing', 'filed']),
  result: z.unknown().optional(),
  /** The lead request it was filed as (state 'filed'). */
  requestId: z.string().optional(),
});
export type StoredPersonSearch = z.infer<typeof storedSearchSchema>;

/** The part of a month's usage that is not derived from requests. */
export const monthStateSchema = z.object({
  livePerson: z
    .object({ total: z.number().int().min(0), external: z.number().int().min(0), syncedAt: z.string() })
    .optional(),
  alertsSent: z.record(z.string(), z.string()),
});
export type MonthState = z.infer<typeof monthStateSchema>;
