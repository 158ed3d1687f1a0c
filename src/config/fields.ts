import { checkLivePersonUrl } from '../liveperson/transport.js';
import { z } from 'zod';

/** The value kinds settings are made of; each area's schema (core.ts, slack.ts) picks from these. */

export const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
export const optionalString = z.preprocess(blankToUndefined, z.string().trim().optional());
// Case-insensitive: TRUE, True and true all mean the same (as do yes/no and 1/0).
export const boolish = z.preprocess(
  (v) => (typeof v === 'string' ? blankToUndefined(v.trim().toLowerCase()) : v),
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'must be true or false' })
    .optional()
    .transform((v) => v === 'true' || v === '1' || v === 'yes'),
);
export const positiveInt = (fallback: number) =>
  z.preprocess(
    blankToUndefined,
    z.coerce
      .number({ error: 'must be a whole number' })
      .int({ error: 'must be a whole number' })
      .positive({ error: 'must be greater than 0' })
      .default(fallback),
  );
const httpUrl = z
  .string()
  .trim()
  .refine((v) => /^https?:\/\/[^\s/]+/.test(v), { error: 'must be an http:// or https:// URL' })
  .transform((v) => v.replace(/\/+$/, ''));
export const optionalUrl = z.preprocess(blankToUndefined, httpUrl.optional());

/**
 * LivePerson URLs carry credentials and deletion ids: https only, except a loopback host (the sandbox,
 * a local proxy). One rule, src/liveperson/transport.ts, which the LivePerson client applies when it calls.
 */
export const secureUrl = httpUrl.refine((v) => checkLivePersonUrl(v, 'url') === null, {
  error: 'must be an https:// URL (plain http:// only for localhost or 127.0.0.1)',
});
export const optionalSecureUrl = z.preprocess(blankToUndefined, secureUrl.optional());
export const timeZone = z.preprocess(
  blankToUndefined,
  z
    .string()
    .default('UTC')
    .refine(
      (tz) => {
        try {
          new Intl.DateTimeFormat('en-US', { timeZone: tz });
          return true;
        } catch {
          return false;
        }
      },
      { error: 'must be an IANA time zone name such as UTC or Europe/Berlin' },
    ),
);
// Slack ids are upper case and Slack accepts c0123abcd for C0123ABCD, so a lower-case copy is normalised.
// Only values with a digit: real ids have them, and "general" is a channel name, not the id G-ENERAL.
const upperCaseId = (s: string) => (/\d/.test(s) ? s.toUpperCase() : s);
export const upperCase = (v: unknown) =>
  typeof v === 'string' ? blankToUndefined(v.trim().replace(/[^\s,]+/g, upperCaseId)) : v;
const idList = (pattern: RegExp, what: string) =>
  z.preprocess(
    upperCase,
    z
      .string()
      .optional()
      .transform((v) => (v ?? '').split(/[\s,]+/).filter(Boolean))
      .refine((ids) => ids.every((id) => pattern.test(id)), {
        error: `must be a comma-separated list of ${what}`,
      }),
  );
export const slackUserIds = idList(/^[UW][A-Z0-9]+$/, 'Slack user ids (U…)');
export const usergroupId = z.preprocess(
  upperCase,
  z
    .string()
    .regex(/^S[A-Z0-9]+$/, { error: 'must be a Slack user group id such as S0123ABCD' })
    .optional(),
);

/**
 * Keys a config built elsewhere (a test, the lp command line) may leave out. The values are kept as
 * parsed; only the derived type marks them optional.
 */
export function mayBeAbsent<T extends object>(values: T): Partial<T> {
  return values;
}
