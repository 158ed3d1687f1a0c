import { describe, expect, it } from 'vitest';
import {
  ID_INPUT_MAX_LENGTH,
  MAX_ERROR_MESSAGE_LENGTH,
  MAX_IDS_TEXT_LENGTH,
  displayId,
  normaliseAccountId,
  parseIdsText,
  parseIdsTexts,
  validateIds,
  validateIdsText,
  type IdValidation,
} from '../../src/domain/ids.js';
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

function errorsOf(result: IdValidation): { field: string; message: string }[] {
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
    expect(result.notes).toEqual([]);
  });

  it('de-duplicates case-insensitively, keeping the first position', () => {
    const result = accepted(validateIds('consumer', [B, A, A.toUpperCase(), ` ${B} `, C], ctx));
    expect(result.ids).toEqual([B, A, C]);
    expect(result.duplicatesDropped).toBe(2);
  });

  it('names the ids that are not UUIDs and explains the format', () => {
    const [error, ...rest] = errorsOf(validateIds('conversation', [A, 'not-a-uuid', `${B}0`, '12345'], ctx));
    expect(rest).toEqual([]);
    expect(error?.field).toBe('ids');
    expect(error?.message).toContain('"not-a-uuid"');
    expect(error?.message).toContain(`"${B}0"`);
    expect(error?.message).toContain('"12345"');
    expect(error?.message).not.toContain(`"${A}"`);
    expect(error?.message).toContain('UUID');
  });

  it('uses the singular for one invalid id', () => {
    const [error] = errorsOf(validateIds('consumer', ['nope'], ctx));
    expect(error?.message).toMatch(/^This is not a valid consumer id: "nope"\./);
  });

  it('rejects UUIDs with braces inside, missing dashes or non-hex digits', () => {
    for (const bad of [A.replace(/-/g, ''), A.replace('3', 'g'), `${A.slice(0, 8)}_${A.slice(9)}`]) {
      expect(validateIds('conversation', [bad], ctx).ok).toBe(false);
    }
  });
});

describe('validateIds: counts', () => {
  it('asks for at least one id when nothing usable was entered', () => {
    expect(errorsOf(validateIds('conversation', [], ctx))).toEqual([
      { field: 'ids', message: 'Enter at least one id.' },
    ]);
    expect(errorsOf(validateIds('conversation', ['  ', '\u200B'], ctx))).toEqual([
      { field: 'ids', message: 'Enter at least one id.' },
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

  it('refuses 251 unique ids, saying how many were given and to split them', () => {
    const [error] = errorsOf(validateIds('conversation', uuids(251), ctx));
    expect(error?.field).toBe('ids');
    expect(error?.message).toContain('251 different ids');
    expect(error?.message).toContain('at most 250');
    expect(error?.message).toMatch(/split/i);
  });

  it('reports both invalid ids and too many ids', () => {
    const errors = errorsOf(validateIds('conversation', [...uuids(260), 'bad'], ctx));
    expect(errors).toHaveLength(2);
    expect(errors.map((e) => e.message).join('\n')).toMatch(/"bad"[\s\S]*261 different ids/);
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

  it('rejects the bare account id, other accounts, letters and UUIDs, naming each', () => {
    const [error] = errorsOf(validateIds('engagement', ['12345678', '99999999123', '12345678abc', A], ctx));
    for (const id of ['12345678', '99999999123', '12345678abc']) expect(error?.message).toContain(`"${id}"`);
    expect(error?.message).toContain(displayId(A));
    expect(error?.message).toContain('account id 12345678');
  });
});

describe('validateIds: ticket ids', () => {
  it('is refused on the type field unless the account has legacy ticketing', () => {
    const [error, ...rest] = errorsOf(validateIds('ticketing', ['123'], ctx));
    expect(rest).toEqual([]);
    expect(error?.field).toBe('type');
    expect(error?.message).toContain('LP_LEGACY_TICKETING');
  });

  it('strips the LTK prefix (any case) and the X suffix, and says so', () => {
    const result = accepted(validateIds('ticketing', ['LTK0012345X', 'ltk777', '4242x', 'AB12'], legacy));
    expect(result.ids).toEqual(['0012345', '777', '4242', 'AB12']);
    expect(result.notes).toEqual([
      'Removed the LTK prefix from 2 ticket ids',
      'Removed the X suffix from 2 ticket ids',
    ]);
  });

  it('treats an id with and without its wrapper as the same ticket', () => {
    const result = accepted(validateIds('ticketing', ['LTK123X', '123'], legacy));
    expect(result.ids).toEqual(['123']);
    expect(result.duplicatesDropped).toBe(1);
    expect(result.notes).toEqual([
      'Removed the LTK prefix from 1 ticket id',
      'Removed the X suffix from 1 ticket id',
    ]);
  });

  it('leaves a trailing X on an alphanumeric id without the LTK prefix', () => {
    expect(accepted(validateIds('ticketing', ['ABX'], legacy)).ids).toEqual(['ABX']);
  });

  it('rejects ticket ids that are not alphanumeric', () => {
    const [error] = errorsOf(validateIds('ticketing', ['12-34', 'LTK'], legacy));
    expect(error?.message).toContain('"12-34"');
    expect(error?.message).not.toContain('"LTK"');
  });
});

describe('error messages are safe to show', () => {
  it('names at most 10 invalid ids and counts the rest', () => {
    const bad = Array.from({ length: 25 }, (_, i) => `bad${i}`);
    const [error] = errorsOf(validateIds('conversation', bad, ctx));
    expect(error?.message).toContain('"bad9"');
    expect(error?.message).not.toContain('"bad10"');
    expect(error?.message).toContain('and 15 more');
  });

  it('shortens long ids and stays under Slack’s 2000 characters even with huge ids', () => {
    const huge = Array.from({ length: 150 }, (_, i) => `${i}${'x'.repeat(10_000)}`);
    const errors = errorsOf(validateIds('conversation', huge, ctx));
    const joined = errors.map((e) => e.message).join('\n');
    expect(joined.length).toBeLessThan(MAX_ERROR_MESSAGE_LENGTH);
    expect(joined).toContain(`"0${'x'.repeat(38)}…"`);
  });

  it('makes control and bidi characters visible instead of passing them through', () => {
    const [error] = errorsOf(validateIds('conversation', ['ab\u0007cd', 'evil\u202Edi'], ctx));
    expect(error?.message).toContain('"ab\\u0007cd"');
    expect(error?.message).not.toMatch(/[\p{Cc}\u202E]/u);
  });

  it('displayId shows bidi overrides and line separators as escapes', () => {
    expect(displayId('evil\u202Edi\u2028x')).toBe('evil\\u202edi\\u2028x');
  });

  it('displayId never splits an emoji (surrogate pair) when shortening', () => {
    const shown = displayId('😀'.repeat(50));
    expect(Array.from(shown)).toHaveLength(40);
    expect(shown.endsWith('😀…')).toBe(true);
  });
});

describe('validateIdsText', () => {
  it('parses and validates both modal inputs', () => {
    const result = accepted(validateIdsText('conversation', [`${A}\n${B}`, `${C}, ${A}`], ctx));
    expect(result.ids).toEqual([A, B, C]);
    expect(result.duplicatesDropped).toBe(1);
  });

  it('refuses a paste longer than MAX_IDS_TEXT_LENGTH with a clear message', () => {
    const [error] = errorsOf(validateIdsText('conversation', ['x'.repeat(MAX_IDS_TEXT_LENGTH + 1)], ctx));
    expect(error?.field).toBe('ids');
    expect(error?.message).toContain('20,001 characters');
  });
});

describe('normaliseAccountId', () => {
  it('removes an le prefix in any case and surrounding space', () => {
    expect(normaliseAccountId(' le20762324 ')).toBe('20762324');
    expect(normaliseAccountId('LE20762324')).toBe('20762324');
    expect(normaliseAccountId('20762324')).toBe('20762324');
  });
});
