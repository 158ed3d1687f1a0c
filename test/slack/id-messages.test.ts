import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_IDS_TEXT_LENGTH } from '../../src/domain/id-parsing.js';
import { validateIds, type IdValidationError } from '../../src/domain/ids.js';
import { DELETION_TYPES, MAX_IDS_PER_APPROVAL, MAX_IDS_PER_REQUEST } from '../../src/domain/types.js';
import {
  displayId,
  idErrorText,
  MAX_ERROR_MESSAGE_LENGTH,
  ticketChangeNotes,
} from '../../src/slack/blocks/id-messages.js';

const A = '3f2b9c1e-8a4d-4e6f-9b2a-1c3d5e7f9a0b';

function invalid(
  invalidIds: string[],
  type: Extract<IdValidationError, { code: 'invalid_ids' }>['type'] = 'conversation',
  accountId = '12345678',
): IdValidationError {
  return { field: 'ids', code: 'invalid_ids', type, invalid: invalidIds, accountId };
}

describe('idErrorText: the words for each code', () => {
  it('ticketing_disabled says who may file ticket deletions and which setting an admin changes', () => {
    expect(idErrorText({ field: 'type', code: 'ticketing_disabled' })).toBe(
      'Ticket deletions are only for legacy LivePerson accounts with the ticketing system, and this app is not ' +
        'set up for one. Choose another type, or ask an admin to set LP_LEGACY_TICKETING=true if the account has it.',
    );
  });

  it('no_ids asks for at least one id', () => {
    expect(idErrorText({ field: 'ids', code: 'no_ids' })).toBe('Enter at least one id.');
  });

  it('invalid_ids names the ids, explains the format and says what to do', () => {
    expect(idErrorText(invalid(['not-a-uuid', '12345']))).toBe(
      'These are not valid conversation ids: "not-a-uuid", "12345". A conversation id is a UUID such as ' +
        '3f2b9c1e-8a4d-4e6f-9b2a-1c3d5e7f9a0b (8-4-4-4-12 hex digits). Correct or remove them and try again.',
    );
  });

  it('invalid_ids uses the singular for one id', () => {
    expect(idErrorText(invalid(['nope'], 'consumer'))).toBe(
      'This is not a valid consumer id: "nope". A consumer id is the participantId UUID such as ' +
        '3f2b9c1e-8a4d-4e6f-9b2a-1c3d5e7f9a0b (8-4-4-4-12 hex digits). Correct or remove them and try again.',
    );
  });

  it('invalid_ids explains engagement ids with the account id, and ticket ids', () => {
    expect(idErrorText(invalid(['99'], 'engagement', '20762324'))).toBe(
      'This is not a valid engagement id: "99". An engagement id is digits only: the account id 20762324 ' +
        'followed by the chat id, e.g. 207623244294967296. Correct or remove them and try again.',
    );
    expect(idErrorText(invalid(['12-34', 'a b'], 'ticketing'))).toBe(
      'These are not valid ticket ids: "12-34", "a b". A ticket id has letters and digits only; an LTK prefix ' +
        'and X suffix are removed for you. Correct or remove them and try again.',
    );
  });

  it('invalid_ids names at most 10 ids and counts the rest', () => {
    const text = idErrorText(invalid(Array.from({ length: 25 }, (_, i) => `bad${i}`)));
    expect(text).toContain(
      '"bad0", "bad1", "bad2", "bad3", "bad4", "bad5", "bad6", "bad7", "bad8", "bad9" and 15 more.',
    );
    expect(text).not.toContain('"bad10"');
    expect(idErrorText(invalid(Array.from({ length: 10 }, (_, i) => `bad${i}`)))).not.toContain('more');
  });

  it('invalid_ids shortens long ids and makes control and bidi characters visible', () => {
    const text = idErrorText(invalid([`0${'x'.repeat(10_000)}`, 'ab\u0007cd', 'evil\u202Edi']));
    expect(text).toContain(`"0${'x'.repeat(38)}…"`);
    expect(text).toContain('"ab\\u0007cd"');
    expect(text).toContain('"evil\\u202edi"');
    expect(text).not.toMatch(/[\p{Cc}\p{Cf}]/u);
  });

  it('clamps to Slack’s 2000 characters under a field', () => {
    const text = idErrorText(invalid(['1'], 'engagement', '9'.repeat(1500)));
    expect(text).toHaveLength(MAX_ERROR_MESSAGE_LENGTH);
    expect(text.endsWith('9…')).toBe(true);
  });

  it('too_many_ids for one LivePerson request (the CLI) says to split into requests', () => {
    expect(idErrorText({ field: 'ids', code: 'too_many_ids', count: 101, max: MAX_IDS_PER_REQUEST })).toBe(
      'You entered 101 different ids, but LivePerson accepts at most 100 per request. ' +
        'Split them into 2 requests of up to 100 ids each.',
    );
  });

  it('too_many_ids for one approval (the form) says to split into approvals', () => {
    expect(idErrorText({ field: 'ids', code: 'too_many_ids', count: 501, max: MAX_IDS_PER_APPROVAL })).toBe(
      'You entered 501 different ids, but one approval takes at most 250 (LivePerson takes 100 per request; ' +
        'more become several requests under one approval). Split them into 3 approvals of up to 250 ids each.',
    );
  });

  it('text_too_long gives both lengths with thousands separators', () => {
    expect(
      idErrorText({ field: 'ids', code: 'text_too_long', length: 123_456, max: MAX_IDS_TEXT_LENGTH }),
    ).toBe(
      'The ids text is 123,456 characters long; at most 20,000 are read. Paste only the ids, at most 250 per approval.',
    );
  });

  it('writes plain text, no mrkdwn: the CLI prints it as it is', () => {
    const texts = [
      idErrorText({ field: 'type', code: 'ticketing_disabled' }),
      ...DELETION_TYPES.map((type) => idErrorText(invalid(['x'], type))),
      idErrorText({ field: 'ids', code: 'too_many_ids', count: 300, max: MAX_IDS_PER_APPROVAL }),
      idErrorText({ field: 'ids', code: 'text_too_long', length: 30_000, max: MAX_IDS_TEXT_LENGTH }),
    ];
    // No bold, italics, strike, code, links or entities (an underscore inside LP_LEGACY_TICKETING is none).
    for (const text of texts) expect(text).not.toMatch(/[*~`<>&]|(^|\s)_|_(\s|$)/);
  });
});

describe('idErrorText of any validation result', () => {
  const rawIds = fc.array(
    fc.oneof(fc.uuid(), fc.constantFrom('LTK1X', '33X'), fc.string({ unit: 'binary', maxLength: 2_000 })),
    { maxLength: 300 },
  );

  it('stays under 2000 characters with no control or format characters', () => {
    fc.assert(
      fc.property(fc.constantFrom(...DELETION_TYPES), rawIds, fc.boolean(), (type, ids, legacyTicketing) => {
        const result = validateIds(type, ids, { accountId: 'le12345678', legacyTicketing });
        if (result.ok) return;
        for (const error of result.errors) {
          const text = idErrorText(error);
          expect(text.length).toBeLessThanOrEqual(MAX_ERROR_MESSAGE_LENGTH);
          expect(text).not.toMatch(/[\p{Cc}\p{Cf}]/u);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('displayId', () => {
  it('leaves an ordinary id alone', () => {
    expect(displayId(A)).toBe(A);
  });

  it('shows bidi overrides and line separators as escapes', () => {
    expect(displayId('evil\u202Edi\u2028x')).toBe('evil\\u202edi\\u2028x');
  });

  it('never splits an emoji (surrogate pair) when shortening', () => {
    const shown = displayId('😀'.repeat(50));
    expect(Array.from(shown)).toHaveLength(40);
    expect(shown.endsWith('😀…')).toBe(true);
  });
});

describe('ticketChangeNotes', () => {
  it('one line per kind of change, singular or plural; nothing when nothing changed', () => {
    expect(ticketChangeNotes({ prefixesRemoved: 2, suffixesRemoved: 1 })).toEqual([
      'Removed the LTK prefix from 2 ticket ids',
      'Removed the X suffix from 1 ticket id',
    ]);
    expect(ticketChangeNotes({ prefixesRemoved: 0, suffixesRemoved: 0 })).toEqual([]);
  });
});
