import { z } from 'zod';

/** A stored person search (port.ts's StoredPersonSearch) as both stores read it back: checked, never trusted. */
export const SEARCH_TOKEN = /^[0-9a-f]{32}$/;

export const storedSearchSchema = z.object({
  token: z.string().regex(SEARCH_TOKEN),
  userId: z.string(),
  identifierKind: z.enum(['email', 'consumer_id', 'phone', 'name']),
  startedAt: z.string(),
  expiresAt: z.string(),
  state: z.enum(['running', 'found', 'failed', 'filing', 'filed']),
  result: z.unknown().optional(),
  requestId: z.string().optional(),
});
