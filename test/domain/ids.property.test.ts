import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_IDS_TEXT_LENGTH, parseIdsText, parseIdsTexts } from '../../src/domain/id-parsing.js';
import { validateIds, validateIdsText } from '../../src/domain/ids.js';
import { DELETION_TYPES, MAX_IDS_PER_APPROVAL, type DeletionType } from '../../src/domain/types.js';

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
    // Every run gives more than 240 inputs, and as many unique ids as the pool holds: 240 to 260 of them.
    const pasted = fc
      .tuple(
        fc.uniqueArray(fc.uuid(), { minLength: 240, maxLength: 260 }),
        fc.array(fc.nat(), { maxLength: 30 }),
      )
      .chain(([pool, repeats]) =>
        fc
          .shuffledSubarray([...pool, ...repeats.map((i) => pool[i % pool.length] ?? '')], {
            minLength: pool.length + repeats.length,
          })
          .map((ids) => ({ ids, unique: pool.length })),
      );
    fc.assert(
      fc.property(pasted, ({ ids, unique }) => {
        const result = validateIds('consumer', ids, ctx);
        if (unique <= MAX_IDS_PER_APPROVAL) {
          expect(result).toMatchObject({ ok: true, duplicatesDropped: ids.length - unique });
        } else {
          expect(result).toEqual({
            ok: false,
            errors: [{ field: 'ids', code: 'too_many_ids', count: unique, max: MAX_IDS_PER_APPROVAL }],
          });
        }
      }),
    );
  });
});

/*
 * Per type, lists that are valid by construction and lists with invalid ids by construction, so that every
 * run checks what the property is about (a random list is almost never all valid).
 */

/** One way a person may type a valid id, and what LivePerson is sent for it. */
interface Typed {
  typed: string;
  sent: string;
  prefixRemoved: boolean;
  suffixRemoved: boolean;
}

interface TypeRules {
  type: DeletionType;
  /** A valid id as LivePerson is sent it. */
  sent: fc.Arbitrary<string>;
  /** How it may be typed; `choice` picks one of the spellings. */
  spell: (sent: string, choice: number) => Typed;
  /** An id the type refuses, free of spaces and invisible characters (so it is named exactly as typed). */
  invalid: fc.Arbitrary<string>;
  /** What every id sent to LivePerson looks like. */
  accepted: RegExp;
}

const ACCOUNT = '12345678';
const VISITOR = /^[A-Za-z0-9_-]{10,64}$/;
const asTyped = (typed: string, sent = typed, prefixRemoved = false, suffixRemoved = false): Typed => ({
  typed,
  sent,
  prefixRemoved,
  suffixRemoved,
});

const chars = (alphabet: string, minLength: number, maxLength: number) =>
  fc.string({ unit: fc.constantFrom(...alphabet), minLength, maxLength });
const DIGITS = '0123456789';
const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const NON_HEX_LETTERS = 'ghijklmnopqrstuvwxyzGHIJKLMNOPQRSTUVWXYZ';
const VISITOR_CHARACTERS = `${LETTERS}${DIGITS}_-`;

/** Inserts `character` into `text` at `position` (wrapped to its length). */
const insert = (text: string, character: string, position: number) => {
  const at = position % (text.length + 1);
  return text.slice(0, at) + character + text.slice(at);
};

/** A chat visitor id: 10 to 64 letters, digits, `_` or `-`, with a letter no UUID has, so never a broken UUID. */
const visitorId = fc
  .tuple(chars(VISITOR_CHARACTERS, 9, 63), fc.constantFrom(...NON_HEX_LETTERS), fc.nat())
  .map(([rest, letter, at]) => insert(rest, letter, at));

/** A UUID with a character removed or added: hex digits and dashes, never a UUID. */
const brokenUuid = fc
  .tuple(fc.uuid(), fc.nat(), fc.boolean(), fc.constantFrom(...'0123456789abcdef'))
  .map(([uuid, at, remove, digit]) =>
    remove ? uuid.slice(0, at % 36) + uuid.slice((at % 36) + 1) : insert(uuid, digit, at),
  );

/** A UUID in lower, upper or mixed case. */
function uuidSpelling(sent: string, choice: number): Typed {
  const spellings = [
    sent,
    sent.toUpperCase(),
    [...sent].map((c, i) => (i % 2 === 0 ? c.toUpperCase() : c)).join(''),
  ];
  return asTyped(spellings[choice % spellings.length] ?? sent, sent);
}

const RULES: TypeRules[] = [
  {
    type: 'conversation',
    sent: fc.uuid(),
    spell: uuidSpelling,
    invalid: fc.oneof(
      brokenUuid,
      fc
        .tuple(fc.uuid(), fc.constantFrom(...NON_HEX_LETTERS, '_', '.'), fc.nat())
        .map(([uuid, other, at]) => uuid.slice(0, at % 36) + other + uuid.slice((at % 36) + 1)),
      chars(DIGITS, 1, 20),
      visitorId,
    ),
    accepted: LOWER_UUID,
  },
  {
    type: 'consumer',
    sent: fc.oneof(fc.uuid(), visitorId),
    spell: (sent, choice) => (LOWER_UUID.test(sent) ? uuidSpelling(sent, choice) : asTyped(sent)),
    invalid: fc.oneof(
      brokenUuid,
      // Too short, too long, with a character a visitor id never has, or digits only (an engagement id).
      fc
        .tuple(chars(VISITOR_CHARACTERS, 0, 8), fc.constantFrom(...LETTERS), fc.nat())
        .map(([rest, letter, at]) => insert(rest, letter, at)),
      fc.tuple(visitorId, chars(VISITOR_CHARACTERS, 65, 80)).map(([visitor, more]) => visitor + more),
      fc
        .tuple(visitorId, fc.constantFrom('.', '@', '+', '/', '#', ':'), fc.nat())
        .map(([visitor, other, at]) => insert(visitor, other, at)),
      chars(DIGITS, 10, 30),
    ),
    accepted: new RegExp(`${LOWER_UUID.source}|${VISITOR.source}`),
  },
  {
    type: 'engagement',
    sent: chars(DIGITS, 1, 12).map((chat) => ACCOUNT + chat),
    spell: (sent) => asTyped(sent),
    invalid: fc.oneof(
      fc.constant(ACCOUNT),
      // Another account's, shorter than the account id, with a letter, or a UUID.
      chars(DIGITS, 1, 20).map((digits) => `9${digits}`),
      chars(DIGITS, 1, ACCOUNT.length),
      fc
        .tuple(chars(DIGITS, 1, 12), fc.constantFrom(...LETTERS))
        .map(([chat, letter]) => ACCOUNT + chat + letter),
      fc.uuid(),
    ),
    accepted: new RegExp(`^${ACCOUNT}\\d+$`),
  },
  {
    type: 'ticketing',
    // Left alone when typed plain: no LTK prefix and not digits followed by an X.
    sent: chars(`${LETTERS}${DIGITS}`, 1, 20).filter((id) => !/^LTK./i.test(id) && !/^\d+X$/i.test(id)),
    spell: (sent, choice) => {
      switch (choice % 4) {
        case 1:
          return asTyped(`LTK${sent}X`, sent, true, true);
        case 2:
          return asTyped(`ltk${sent}x`, sent, true, true);
        case 3:
          return /^\d+$/.test(sent) ? asTyped(`${sent}X`, sent, false, true) : asTyped(sent);
        default:
          return asTyped(sent);
      }
    },
    // Digits, then a character that is neither letter nor digit: no wrapper to remove, so refused as typed.
    invalid: fc
      .tuple(
        chars(DIGITS, 1, 6),
        fc.constantFrom('-', '_', '.', '#', '/', '@', '+'),
        chars(`${LETTERS}${DIGITS}`, 0, 6),
      )
      .map(([digits, other, rest]) => digits + other + rest),
    accepted: /^[A-Za-z0-9]+$/,
  },
];

/** 1 to 60 valid ids typed in any of the type's spellings, drawn from up to 30 with repeats. */
function validList(rules: TypeRules): fc.Arbitrary<Typed[]> {
  return fc
    .tuple(
      fc.uniqueArray(rules.sent, { minLength: 1, maxLength: 30 }),
      fc.array(fc.tuple(fc.nat(), fc.nat()), { minLength: 1, maxLength: 60 }),
    )
    .map(([pool, picks]) => picks.map(([i, choice]) => rules.spell(pool[i % pool.length] ?? '', choice)));
}

describe.each(RULES.map((rules) => [rules.type, rules] as const))(
  'validateIds properties for %s ids',
  (type, rules) => {
    it('a list of valid ids, however typed and repeated, is accepted as exactly what LivePerson is sent', () => {
      fc.assert(
        fc.property(validList(rules), (list) => {
          // The first spelling of each id is kept; later ones are duplicates.
          const first = new Map<string, Typed>();
          for (const item of list) if (!first.has(item.sent)) first.set(item.sent, item);
          const kept = [...first.values()];
          const result = validateIds(
            type,
            list.map((item) => item.typed),
            ctx,
          );
          expect(result).toEqual({
            ok: true,
            ids: kept.map((item) => item.sent),
            duplicatesDropped: list.length - kept.length,
            changes: {
              prefixesRemoved: kept.filter((item) => item.prefixRemoved).length,
              suffixesRemoved: kept.filter((item) => item.suffixRemoved).length,
            },
          });
          for (const id of kept.map((item) => item.sent)) expect(id).toMatch(rules.accepted);
        }),
        { numRuns: 200 },
      );
    });

    it('a list with invalid ids among valid ones is refused, naming exactly the invalid ones in order', () => {
      const mixed = fc
        .tuple(
          validList(rules),
          fc.uniqueArray(rules.invalid, { minLength: 1, maxLength: 8, selector: (id) => id.toLowerCase() }),
        )
        .chain(([valid, invalid]) =>
          fc.shuffledSubarray(
            [
              ...valid.map((item) => ({ typed: item.typed, bad: false })),
              ...invalid.map((typed) => ({ typed, bad: true })),
            ],
            {
              minLength: valid.length + invalid.length,
            },
          ),
        );
      fc.assert(
        fc.property(mixed, (list) => {
          expect(
            validateIds(
              type,
              list.map((item) => item.typed),
              ctx,
            ),
          ).toEqual({
            ok: false,
            errors: [
              {
                field: 'ids',
                code: 'invalid_ids',
                type,
                invalid: list.filter((item) => item.bad).map((item) => item.typed),
                accountId: ACCOUNT,
              },
            ],
          });
        }),
        { numRuns: 200 },
      );
    });
  },
);
