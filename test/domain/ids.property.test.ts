import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MAX_IDS_TEXT_LENGTH,
  parseIdsText,
  parseIdsTexts,
  validateIds,
  validateIdsText,
} from '../../src/domain/ids.js';
import { DELETION_TYPES, MAX_IDS_PER_APPROVAL } from '../../src/domain/types.js';

const ctx = { accountId: 'le12345678', legacyTicketing: true };
const LOWER_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
// What an id must never contain: separators, any whitespace, zero-width/format or control characters.
const FORBIDDEN_IN_ID = /[\s,;\p{Cc}\p{Cf}\p{Cs}\u200B-\u200D\u2060\uFEFF\u00A0]/u;

/** Strings mixing arbitrary unicode (including lone surrogates) with the characters the parser cares about. */
const nastyText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.string({ unit: 'grapheme', maxLength: 300 }),
  fc
    .array(
      fc.oneof(
        fc.constantFrom(
          ',',
          ';',
          ' ',
          '\t',
          '\n',
          '\r\n',
          '\u00A0',
          '\u200B',
          '\u200C',
          '\u200D',
          '\u2060',
          '\uFEFF',
          '\u0000',
          '\u0007',
          '\u001B',
          '\u007F',
          '\u0085',
          '\u2028',
          '\u202E',
          '"',
          "'",
          '[',
          ']',
          '“',
          '”',
        ),
        fc.string({ unit: 'binary-ascii', maxLength: 8 }),
        fc.uuid(),
      ),
      { maxLength: 60 },
    )
    .map((parts) => parts.join('')),
);

const separator = fc
  .array(fc.constantFrom(',', ';', ' ', '\t', '\n', '\r\n', '\u00A0', ', ', ' ; ', '\n\n'), {
    minLength: 1,
    maxLength: 3,
  })
  .map((parts) => parts.join(''));

/** A UUID as a person might paste it: any letter case, maybe quoted, maybe with a zero-width space. */
const pastedUuid = fc
  .tuple(fc.uuid(), fc.boolean(), fc.constantFrom('', '"', "'"), fc.constantFrom('', '\u200B', '\uFEFF'))
  .map(([uuid, upper, quote, invisible]) => ({
    uuid: uuid.toLowerCase(),
    text: `${invisible}${quote}${upper ? uuid.toUpperCase() : uuid}${quote}`,
  }));

describe('parseIdsText properties', () => {
  it('never throws and never yields an empty id or one with separators, whitespace, invisible or control characters', () => {
    fc.assert(
      fc.property(nastyText, (text) => {
        for (const id of parseIdsText(text)) {
          expect(id).not.toBe('');
          expect(id).not.toMatch(FORBIDDEN_IN_ID);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('returns pasted UUIDs in order whatever separators join them', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(pastedUuid, separator), { minLength: 1, maxLength: 40 }),
        separator,
        (items, leading) => {
          const text = leading + items.map(([id, sep]) => id.text + sep).join('');
          const parsed = parseIdsText(text).map((id) => id.toLowerCase());
          expect(parsed).toEqual(items.map(([id]) => id.uuid));
        },
      ),
    );
  });

  it('round-trips through validation: unique lower-case UUIDs in first-seen order', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(pastedUuid, separator), { minLength: 1, maxLength: 100 }), (items) => {
        const text = items.map(([id, sep]) => id.text + sep).join('');
        const result = validateIds('conversation', parseIdsText(text), ctx);
        const expected = [...new Set(items.map(([id]) => id.uuid))];
        expect(result).toEqual({
          ok: true,
          ids: expected,
          duplicatesDropped: items.length - expected.length,
          changes: { prefixesRemoved: 0, suffixesRemoved: 0 },
        });
      }),
    );
  });

  it('reads JSON arrays of strings and of numbers, compact or pretty-printed', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.array(fc.uuid(), { maxLength: 30 }), fc.array(fc.nat().map(String), { maxLength: 30 })),
        fc.constantFrom(undefined, 2, '\t'),
        fc.boolean(),
        (ids, indent, asNumbers) => {
          const values = asNumbers && ids.every((id) => /^\d+$/.test(id)) ? ids.map(Number) : ids;
          const json = JSON.stringify(values, null, indent);
          expect(parseIdsText(json)).toEqual(ids);
        },
      ),
    );
  });

  it('parseIdsTexts equals parsing each text on its own and concatenating', () => {
    fc.assert(
      fc.property(fc.array(fc.option(nastyText), { maxLength: 3 }), (texts) => {
        expect(parseIdsTexts(texts)).toEqual(texts.flatMap((t) => (t ? parseIdsText(t) : [])));
      }),
    );
  });

  it('a 200 KB paste yields a result: an error, not a hang', () => {
    const hugeUuids = Array.from(
      { length: 5_500 },
      (_, i) => `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`,
    ).join('\n');
    expect(hugeUuids.length).toBeGreaterThan(200_000);
    const hugeToken = 'a'.repeat(200_000);
    const hugeSeparators = ',; \n\u200B'.repeat(40_000);

    expect(parseIdsText(hugeUuids)).toHaveLength(5_500);
    expect(parseIdsText(hugeToken)).toEqual([hugeToken]);
    expect(parseIdsText(hugeSeparators)).toEqual([]);

    for (const text of [hugeUuids, hugeToken, hugeSeparators]) {
      expect(validateIdsText('conversation', [text], ctx)).toEqual({
        ok: false,
        errors: [{ field: 'ids', code: 'text_too_long', length: text.length, max: MAX_IDS_TEXT_LENGTH }],
      });
      const viaIds = validateIds('conversation', parseIdsText(text), ctx);
      expect(viaIds.ok).toBe(false);
    }
  });
});

describe('validateIds properties', () => {
  const anyType = fc.constantFrom(...DELETION_TYPES);
  const rawIds = fc.array(
    fc.oneof(
      fc.uuid(),
      fc.uuid().map((u) => u.toUpperCase()),
      fc.nat().map((n) => `12345678${n}`),
      fc.constantFrom('LTK1X', 'ltk22', '33X', 'AB12'),
      fc.string({ unit: 'binary', maxLength: 60 }),
    ),
    { maxLength: 160 },
  );

  it('never throws, never accepts more than 250 ids, and refuses with codes whose facts add up', () => {
    fc.assert(
      fc.property(anyType, rawIds, fc.boolean(), (type, ids, legacyTicketing) => {
        const result = validateIds(type, ids, { ...ctx, legacyTicketing });
        if (result.ok) {
          expect(result.ids.length).toBeGreaterThan(0);
          expect(result.ids.length).toBeLessThanOrEqual(MAX_IDS_PER_APPROVAL);
          expect(new Set(result.ids).size).toBe(result.ids.length);
          return;
        }
        expect(result.errors.length).toBeGreaterThan(0);
        for (const error of result.errors) {
          expect(error.field).toBe(error.code === 'ticketing_disabled' ? 'type' : 'ids');
          if (error.code === 'invalid_ids') {
            expect(error).toMatchObject({ type, accountId: '12345678' });
            expect(error.invalid.length).toBeGreaterThan(0);
            expect(new Set(error.invalid).size).toBe(error.invalid.length);
            // Each one is refused on its own too, and none is blank.
            for (const raw of error.invalid) {
              expect(raw.trim()).toBe(raw);
              expect(raw).not.toBe('');
              expect(validateIds(type, [raw], { ...ctx, legacyTicketing }).ok).toBe(false);
            }
          }
          if (error.code === 'too_many_ids') {
            expect(error.max).toBe(MAX_IDS_PER_APPROVAL);
            expect(error.count).toBeGreaterThan(MAX_IDS_PER_APPROVAL);
          }
        }
        // Ticketing without the legacy system is the only problem reported: the ids are not looked at.
        if (type === 'ticketing' && !legacyTicketing)
          expect(result.errors).toEqual([{ field: 'type', code: 'ticketing_disabled' }]);
      }),
      { numRuns: 300 },
    );
  });

  it('accepts more than 250 inputs only when duplicates bring them to 250 or fewer', () => {
    fc.assert(
      fc.property(fc.array(fc.uuid(), { minLength: 240, maxLength: 270 }), (ids) => {
        const unique = new Set(ids.map((id) => id.toLowerCase())).size;
        expect(validateIds('consumer', ids, ctx).ok).toBe(unique <= MAX_IDS_PER_APPROVAL);
      }),
    );
  });

  it('every accepted conversation id is a lower-case UUID; a consumer id one or a chat visitor id', () => {
    fc.assert(
      fc.property(fc.constantFrom('conversation' as const, 'consumer' as const), rawIds, (type, ids) => {
        const result = validateIds(type, ids, ctx);
        const visitor = /^[A-Za-z0-9_-]{10,64}$/;
        if (!result.ok) return;
        for (const id of result.ids) {
          if (type === 'conversation' || /^[0-9a-f-]+$/i.test(id)) expect(id).toMatch(LOWER_UUID);
          else expect(id).toMatch(visitor);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('every accepted engagement id is digits, starts with the account id and is longer than it', () => {
    fc.assert(
      fc.property(rawIds, (ids) => {
        const result = validateIds('engagement', ids, ctx);
        if (result.ok) for (const id of result.ids) expect(id).toMatch(/^12345678\d+$/);
      }),
      { numRuns: 300 },
    );
  });

  it('every accepted ticket id is alphanumeric', () => {
    fc.assert(
      fc.property(rawIds, (ids) => {
        const result = validateIds('ticketing', ids, ctx);
        if (result.ok) for (const id of result.ids) expect(id).toMatch(/^[A-Za-z0-9]+$/);
      }),
      { numRuns: 300 },
    );
  });
});
