import { describe, expect, it } from 'vitest';
import { cleanIdentifier, IDENTIFIER_MAX_LENGTH, isEmail } from '../../src/domain/identifier.js';

/** Issue 19: what an officer pastes is cleaned before it is searched, and its kind decides the namesakes. */
describe('cleanIdentifier', () => {
  it('removes zero-width and other invisible characters, so a pasted address still finds the person', () => {
    for (const pasted of [
      'ada.lovelace@\u200Bexample.org',
      '\uFEFFada.lovelace@example.org\u200D',
      'ada.lovelace\u2060@example.org',
      'ada.lovelace@example.org\u0000',
    ]) {
      expect(cleanIdentifier(pasted)).toEqual({ ok: true, value: 'ada.lovelace@example.org', kind: 'email' });
    }
  });

  it('folds tabs and line breaks into one space (a name keeps its words) and applies NFKC', () => {
    expect(cleanIdentifier('  Jo\tSmith\r\n')).toEqual({ ok: true, value: 'Jo Smith', kind: 'name' });
    expect(cleanIdentifier('Ｊｏ　Ｓｍｉｔｈ')).toEqual({ ok: true, value: 'Jo Smith', kind: 'name' });
  });

  it('tells the kinds apart: email, consumer id (lower-cased), phone, name', () => {
    expect(cleanIdentifier('6F9619FF-8B86-D011-B42D-00CF4FC964FF')).toEqual({
      ok: true,
      value: '6f9619ff-8b86-d011-b42d-00cf4fc964ff',
      kind: 'consumer_id',
    });
    expect(cleanIdentifier('+44 20 7946 0958')).toMatchObject({ ok: true, kind: 'phone' });
    expect(cleanIdentifier('Ada Lovelace')).toMatchObject({ ok: true, kind: 'name' });
  });

  it('refuses what is empty once cleaned, and what is longer than 320 characters', () => {
    expect(cleanIdentifier('\u200B \u2060\t')).toEqual({ ok: false, problem: 'empty' });
    expect(cleanIdentifier(`${'a'.repeat(IDENTIFIER_MAX_LENGTH - 12)}@example.org`)).toMatchObject({
      ok: true,
    });
    expect(cleanIdentifier('a'.repeat(IDENTIFIER_MAX_LENGTH + 1))).toEqual({
      ok: false,
      problem: 'too_long',
    });
  });

  it('checks an email in one pass: million-character adversarial inputs are answered (a quadratic check would not finish)', () => {
    const adversarial = `${'a.'.repeat(500_000)}@`;
    expect(isEmail(adversarial)).toBe(false);
    expect(isEmail(`${'a@'.repeat(500_000)}`)).toBe(false);
    expect(cleanIdentifier(`${'\u200B'.repeat(500_000)}x`)).toEqual({ ok: true, value: 'x', kind: 'name' });
  });
});
