import { describe, expect, it } from 'vitest';
import {
  normaliseAccountId,
  validateIds,
  validateIdsText,
  type IdValidation,
  type IdValidationError,
} from '../../src/domain/ids.js';
import {
  ID_INPUT_MAX_LENGTH,
  MAX_IDS_TEXT_LENGTH,
  parseIdsText,
  parseIdsTexts,
} from '../../src/domain/id-parsing.js';
import { MAX_IDS_PER_APPROVAL, MAX_IDS_PER_REQUEST } from '../../src/domain/types.js';

const A = '3f2b9c1e-8a4d-4e6f-9b2a-1c3d5e7f9a0b';
const B = '00000000-1111-2222-3333-444444444444';
const C = 'abcdef01-2345-6789-abcd-ef0123456789';
const ctx = { accountId: '12345678', legacyTicketing: false };
const legacy = { accountId: '12345678', legacyTicketing: true };

/** n distinct, valid, lower-case UUIDs. */
function uuids(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`);
}

function errorsOf(result: IdValidation): IdValidationError[] {
  if (result.ok) throw new Error(`expected errors, got ids ${result.ids.join(',')}`);
  return result.errors;
}

function accepted(result: IdValidation): Extract<IdValidation, { ok: true }> {
  if (!result.ok) throw new Error(`expected ids, got ${JSON.stringify(result.errors)}`);
  return result;
}

describe('parseIdsText', () => {
  it('reads one id per line, with Windows line ends and blank lines', () => {
    expect(parseIdsText(`${A}\r\n\r\n${B}\n  ${C}  \n`)).toEqual([A, B, C]);
  });

  it('reads ids separated by commas, semicolons, spaces and tabs, in any mix', () => {
    expect(parseIdsText(`${A}, ${B};${C}\t${A} ,; ${B}`)).toEqual([A, B, C, A, B]);
  });

  it('reads a pasted JSON array, pretty-printed or not, with a trailing comma', () => {
    expect(parseIdsText(JSON.stringify([A, B]))).toEqual([A, B]);
    expect(parseIdsText(JSON.stringify([A, B, C], null, 2))).toEqual([A, B, C]);
    expect(parseIdsText(`["${A}", "${B}",]`)).toEqual([A, B]);
  });

  it('keeps every digit of a JSON array of numbers (no float rounding of long engagement ids)', () => {
    expect(parseIdsText('[123456789012345678, 9007199254740993]')).toEqual([
      '123456789012345678',
      '9007199254740993',
    ]);
  });

  it('removes quotes around ids, including single and typographic quotes', () => {
    expect(parseIdsText(`'${A}'\n“${B}”\n\`${C}\``)).toEqual([A, B, C]);
  });

  it('strips zero-width characters and BOMs inside and around ids', () => {
    const withZeroWidth = `\uFEFF${A.slice(0, 4)}\u200B${A.slice(4, 10)}\u200C\u200D${A.slice(10)}\u2060`;
    expect(parseIdsText(withZeroWidth)).toEqual([A]);
  });

  it('treats a no-break space as a separator', () => {
    expect(parseIdsText(`${A}\u00A0${B}`)).toEqual([A, B]);
  });

  it('drops control characters', () => {
    expect(parseIdsText(`${A}\u0000\u0007\u001B\n\u007F${B}\u0085${C}`)).toEqual([A, B, C]);
  });

  it('returns nothing for blank or punctuation-only input', () => {
    expect(parseIdsText('')).toEqual([]);
    expect(parseIdsText(' \n\t ,;, ')).toEqual([]);
    expect(parseIdsText('[]')).toEqual([]);
    expect(parseIdsText('[ "", "" ]')).toEqual([]);
  });
});

describe('parseIdsTexts', () => {
  it('concatenates the "ids" and "more ids" inputs and skips missing ones', () => {
    expect(parseIdsTexts([`${A}\n${B}`, undefined, null, '', C])).toEqual([A, B, C]);
  });

  it('lets 100 UUIDs that exceed one Slack input be entered across the two inputs', () => {
    const all = uuids(100);
    const text = all.join('\n');
    expect(text.length).toBeGreaterThan(ID_INPUT_MAX_LENGTH);
    const first = all.slice(0, 50).join('\n');
    const second = all.slice(50).join('\n');
    expect(first.length).toBeLessThanOrEqual(ID_INPUT_MAX_LENGTH);
    expect(second.length).toBeLessThanOrEqual(ID_INPUT_MAX_LENGTH);
    expect(accepted(validateIds('conversation', parseIdsTexts([first, second]), ctx)).ids).toEqual(all);
  });
});

describe('validateIds: conversation and consumer ids', () => {
  it('accepts UUIDs and normalises them to lower case', () => {
    const result = accepted(validateIds('conversation', [A.toUpperCase(), B], ctx));
    expect(result.ids).toEqual([A, B]);
    expect(result.duplicatesDropped).toBe(0);
    expect(result.changes).toEqual({ prefixesRemoved: 0, suffixesRemoved: 0 });
  });

  it('de-duplicates case-insensitively, keeping the first position', () => {
    const result = accepted(validateIds('consumer', [B, A, A.toUpperCase(), ` ${B} `, C], ctx));
    expect(result.ids).toEqual([B, A, C]);
    expect(result.duplicatesDropped).toBe(2);
  });

  it('returns the ids that are not UUIDs, as typed and in order, with the type and account', () => {
    const errors = errorsOf(validateIds('conversation', [A, 'not-a-uuid', `${B}0`, '12345'], ctx));
    expect(errors).toEqual([
      {
        field: 'ids',
        code: 'invalid_ids',
        type: 'conversation',
        invalid: ['not-a-uuid', `${B}0`, '12345'],
        accountId: '12345678',
      },
    ]);
  });

  it('names an invalid id once however often it was given, trimmed but otherwise as typed', () => {
    expect(errorsOf(validateIds('consumer', ['Nope', ' Nope ', '\u200BNope'], ctx))).toEqual([
      { field: 'ids', code: 'invalid_ids', type: 'consumer', invalid: ['Nope'], accountId: '12345678' },
    ]);
  });

  it('takes a chat visitor id as a consumer id, as given, but never a broken UUID', () => {
    const visitor = 'UwYzRjYzJhMzQ0YTRlYzcz';
    expect(accepted(validateIds('consumer', [visitor, 'ozimnjlwddrzbhnfhjkdao', A], ctx)).ids).toEqual([
      visitor,
      'ozimnjlwddrzbhnfhjkdao',
      A,
    ]);
    expect(validateIds('conversation', [visitor], ctx).ok).toBe(false);
    for (const bad of [A.slice(1), `${A}0`, 'short', 'has space in it', '123456789012']) {
      expect(validateIds('consumer', [bad], ctx).ok).toBe(false);
    }
  });

  it('rejects UUIDs with braces inside, missing dashes or non-hex digits', () => {
    for (const bad of [A.replace(/-/g, ''), A.replace('3', 'g'), `${A.slice(0, 8)}_${A.slice(9)}`]) {
      expect(validateIds('conversation', [bad], ctx).ok).toBe(false);
    }
  });
});

describe('validateIds: counts', () => {
  it('asks for at least one id when nothing usable was entered', () => {
    expect(errorsOf(validateIds('conversation', [], ctx))).toEqual([{ field: 'ids', code: 'no_ids' }]);
    expect(errorsOf(validateIds('conversation', ['  ', '\u200B'], ctx))).toEqual([
      { field: 'ids', code: 'no_ids' },
    ]);
  });

  it('accepts exactly 100 unique ids', () => {
    expect(accepted(validateIds('conversation', uuids(100), ctx)).ids).toHaveLength(MAX_IDS_PER_REQUEST);
  });

  it('accepts 100 unique ids even when duplicates bring the list above 100', () => {
    const result = accepted(validateIds('conversation', [...uuids(100), ...uuids(30)], ctx));
    expect(result.ids).toHaveLength(100);
    expect(result.duplicatesDropped).toBe(30);
  });

  it('accepts more than 100 ids (they become several requests under one approval) up to 250', () => {
    expect(accepted(validateIds('conversation', uuids(101), ctx)).ids).toHaveLength(101);
    expect(accepted(validateIds('conversation', uuids(250), ctx)).ids).toHaveLength(MAX_IDS_PER_APPROVAL);
  });

  it('refuses 251 unique ids, saying how many were given and the most taken', () => {
    expect(errorsOf(validateIds('conversation', [...uuids(251), ...uuids(5)], ctx))).toEqual([
      { field: 'ids', code: 'too_many_ids', count: 251, max: MAX_IDS_PER_APPROVAL },
    ]);
  });

  it('counts against the maximum it is given (one LivePerson request for the CLI)', () => {
    expect(
      errorsOf(validateIds('conversation', uuids(101), { ...ctx, maxIds: MAX_IDS_PER_REQUEST })),
    ).toEqual([{ field: 'ids', code: 'too_many_ids', count: 101, max: MAX_IDS_PER_REQUEST }]);
  });

  it('reports both invalid ids and too many ids, invalid first; invalid ids count as given', () => {
    const errors = errorsOf(validateIds('conversation', [...uuids(260), 'bad'], ctx));
    expect(errors).toEqual([
      { field: 'ids', code: 'invalid_ids', type: 'conversation', invalid: ['bad'], accountId: '12345678' },
      { field: 'ids', code: 'too_many_ids', count: 261, max: MAX_IDS_PER_APPROVAL },
    ]);
  });
});

describe('validateIds: engagement ids', () => {
  it('accepts digits that start with the account id and are longer than it', () => {
    expect(accepted(validateIds('engagement', ['123456784294967296', '123456781'], ctx)).ids).toEqual([
      '123456784294967296',
      '123456781',
    ]);
  });

  it('accepts the account id with an le prefix', () => {
    const result = validateIds('engagement', ['123456781'], { ...ctx, accountId: 'LE12345678' });
    expect(accepted(result).ids).toEqual(['123456781']);
  });

  it('rejects the bare account id, other accounts, letters and UUIDs, naming each and the plain account id', () => {
    const result = validateIds('engagement', ['12345678', '99999999123', '12345678abc', A, '123456781'], {
      ...ctx,
      accountId: ' le12345678 ',
    });
    expect(errorsOf(result)).toEqual([
      {
        field: 'ids',
        code: 'invalid_ids',
        type: 'engagement',
        invalid: ['12345678', '99999999123', '12345678abc', A],
        accountId: '12345678',
      },
    ]);
  });
});

describe('validateIds: ticket ids', () => {
  it('is refused on the type field unless the account has legacy ticketing', () => {
    expect(errorsOf(validateIds('ticketing', ['123'], ctx))).toEqual([
      { field: 'type', code: 'ticketing_disabled' },
    ]);
    // Before the ids are looked at: even none at all is refused on the type field.
    expect(errorsOf(validateIds('ticketing', [], ctx))).toEqual([
      { field: 'type', code: 'ticketing_disabled' },
    ]);
  });

  it('strips the LTK prefix (any case) and the X suffix, and says so', () => {
    const result = accepted(validateIds('ticketing', ['LTK0012345X', 'ltk777', '4242x', 'AB12'], legacy));
    expect(result.ids).toEqual(['0012345', '777', '4242', 'AB12']);
    expect(result.changes).toEqual({ prefixesRemoved: 2, suffixesRemoved: 2 });
  });

  it('treats an id with and without its wrapper as the same ticket', () => {
    const result = accepted(validateIds('ticketing', ['LTK123X', '123'], legacy));
    expect(result.ids).toEqual(['123']);
    expect(result.duplicatesDropped).toBe(1);
    expect(result.changes).toEqual({ prefixesRemoved: 1, suffixesRemoved: 1 });
  });

  it('leaves a trailing X on an alphanumeric id without the LTK prefix', () => {
    expect(accepted(validateIds('ticketing', ['ABX'], legacy)).ids).toEqual(['ABX']);
  });

  it('rejects ticket ids that are not alphanumeric', () => {
    expect(errorsOf(validateIds('ticketing', ['12-34', 'LTK', 'LTK5-X'], legacy))).toEqual([
      {
        field: 'ids',
        code: 'invalid_ids',
        type: 'ticketing',
        invalid: ['12-34', 'LTK5-X'],
        accountId: '12345678',
      },
    ]);
  });
});

describe('invalid ids are returned whole: shortening and escaping is for the words', () => {
  it('returns every invalid id, not only the first few', () => {
    const bad = Array.from({ length: 25 }, (_, i) => `bad${i}`);
    const [error] = errorsOf(validateIds('conversation', bad, ctx));
    expect(error).toMatchObject({ code: 'invalid_ids', invalid: bad });
  });

  it('keeps long ids and control characters as typed (invisible format characters such as bidi overrides are dropped)', () => {
    const huge = `0${'x'.repeat(10_000)}`;
    const [error] = errorsOf(validateIds('conversation', [huge, 'ab\u0007cd', 'evil\u202Edi'], ctx));
    expect(error).toMatchObject({ code: 'invalid_ids', invalid: [huge, 'ab\u0007cd', 'evildi'] });
  });
});

describe('validateIdsText', () => {
  it('parses and validates both modal inputs', () => {
    const result = accepted(validateIdsText('conversation', [`${A}\n${B}`, `${C}, ${A}`], ctx));
    expect(result.ids).toEqual([A, B, C]);
    expect(result.duplicatesDropped).toBe(1);
  });

  it('asks for at least one id when both inputs are empty, missing or blank', () => {
    expect(errorsOf(validateIdsText('conversation', [null, undefined], ctx))).toEqual([
      { field: 'ids', code: 'no_ids' },
    ]);
    expect(errorsOf(validateIdsText('conversation', ['', ' \n,; \u200B'], ctx))).toEqual([
      { field: 'ids', code: 'no_ids' },
    ]);
  });

  it('names the bad ids from both inputs, as typed, in order', () => {
    expect(errorsOf(validateIdsText('conversation', [`${A}\nnot-a-uuid`, '12345'], ctx))).toEqual([
      {
        field: 'ids',
        code: 'invalid_ids',
        type: 'conversation',
        invalid: ['not-a-uuid', '12345'],
        accountId: '12345678',
      },
    ]);
  });

  it('counts the unique ids of both inputs against one approval: 251 split over the two are refused', () => {
    const ids = uuids(251);
    const texts = [ids.slice(0, 120).join('\n'), ids.slice(120).join('\n')];
    expect(errorsOf(validateIdsText('conversation', texts, ctx))).toEqual([
      { field: 'ids', code: 'too_many_ids', count: 251, max: MAX_IDS_PER_APPROVAL },
    ]);
  });

  it('refuses a paste longer than MAX_IDS_TEXT_LENGTH, counting both inputs, before parsing it', () => {
    const half = 'x'.repeat(MAX_IDS_TEXT_LENGTH / 2);
    expect(errorsOf(validateIdsText('conversation', [half, `${half}y`], ctx))).toEqual([
      { field: 'ids', code: 'text_too_long', length: MAX_IDS_TEXT_LENGTH + 1, max: MAX_IDS_TEXT_LENGTH },
    ]);
    expect(validateIdsText('conversation', [half, half], ctx)).toMatchObject({
      ok: false,
      errors: [{ code: 'invalid_ids' }],
    });
  });
});

describe('normaliseAccountId', () => {
  it('removes an le prefix in any case and surrounding space', () => {
    expect(normaliseAccountId(' le20762324 ')).toBe('20762324');
    expect(normaliseAccountId('LE20762324')).toBe('20762324');
    expect(normaliseAccountId('20762324')).toBe('20762324');
  });
});
