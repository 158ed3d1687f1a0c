/**
 * What an officer typed to find a person, cleaned and classified. The identifier itself is personal
 * data: only its kind may be stored or logged, never the value.
 */

export const IDENTIFIER_KINDS = ['email', 'consumer_id', 'phone', 'name'] as const;
export type IdentifierKind = (typeof IDENTIFIER_KINDS)[number];

/** RFC 5321 caps an address path at 256; 320 leaves room for names and phone formats. */
export const IDENTIFIER_MAX_LENGTH = 320;

export type CleanIdentifier =
  { ok: true; value: string; kind: IdentifierKind } | { ok: false; problem: 'empty' | 'too_long' };

/** A LivePerson consumer id (`participantId`) is a UUID. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Zero-width, bidi and other format characters (Cf), controls (Cc) and unassigned/private marks. */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Co}\p{Cn}\u034F\u115F\u1160\u3164\uFFA0]/gu;

/**
 * NFKC, invisible and control characters removed, white space folded and trimmed. A zero-width space
 * pasted with an address would otherwise search for nobody and answer "nothing to delete".
 */
export function cleanIdentifier(raw: string): CleanIdentifier {
  // White space (tabs, line breaks: controls too) becomes a space first; invisible marks then go without
  // one, so "ada\u200B@example.org" stays one address.
  const value = raw
    .normalize('NFKC')
    .replace(/\p{White_Space}+/gu, ' ')
    .replace(INVISIBLE, '')
    .replace(/ +/gu, ' ')
    .trim();
  if (value === '') return { ok: false, problem: 'empty' };
  if (value.length > IDENTIFIER_MAX_LENGTH) return { ok: false, problem: 'too_long' };
  const kind = identifierKind(value);
  // LivePerson writes consumer ids in lower case; a UUID pasted in upper case is the same id.
  return { ok: true, value: kind === 'consumer_id' ? value.toLowerCase() : value, kind };
}

export function identifierKind(value: string): IdentifierKind {
  if (UUID.test(value)) return 'consumer_id';
  if (isEmail(value)) return 'email';
  if (isPhone(value)) return 'phone';
  return 'name';
}

/** One `@`, a local part and a dotted domain, no white space: linear, one pass each. */
export function isEmail(value: string): boolean {
  const at = value.indexOf('@');
  if (at <= 0 || at !== value.lastIndexOf('@') || /\s/u.test(value)) return false;
  const labels = value.slice(at + 1).split('.');
  return labels.length >= 2 && labels.every((label) => label !== '');
}

/** Digits with the usual separators, an optional leading +, 6 to 15 digits (E.164's maximum). */
export function isPhone(value: string): boolean {
  if (!/^\+?[\d ().-]+$/u.test(value)) return false;
  const digits = value.replace(/\D/gu, '').length;
  return digits >= 6 && digits <= 15;
}
