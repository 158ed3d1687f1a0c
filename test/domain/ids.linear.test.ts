import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseIdsText, stripEdgePunctuation } from '../../src/domain/id-parsing.js';

/**
 * Issue 12: stripping quotes and brackets from a token used `/^[…]+|[…]+$/gu`, which retries the `$`
 * branch from every position of a punctuation run and so took quadratic time on long tokens. These tests
 * pin the behaviour to simple references and check that adversarial input stays fast.
 */

const EDGE_CHARACTER = /^[\p{Ps}\p{Pe}\p{Pi}\p{Pf}"'`]$/u;

/** The obvious version: an array of code points, trimmed from each end. */
function referenceStrip(token: string): string {
  const points = Array.from(token);
  let start = 0;
  while (start < points.length && EDGE_CHARACTER.test(points[start] ?? '')) start++;
  let end = points.length;
  while (end > start && EDGE_CHARACTER.test(points[end - 1] ?? '')) end--;
  return points.slice(start, end).join('');
}

/** The regex the old code used: the behaviour to keep, affordable on short tokens only. */
const OLD_EDGE_PUNCTUATION = /^[\p{Ps}\p{Pe}\p{Pi}\p{Pf}"'`]+|[\p{Ps}\p{Pe}\p{Pi}\p{Pf}"'`]+$/gu;
const oldStrip = (token: string) => token.replace(OLD_EDGE_PUNCTUATION, '');

const edgeCharacter = fc.constantFrom(
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
  '"',
  "'",
  '`',
  '“',
  '”',
  '«',
  '»',
  '「',
  '」',
);
const innerCharacter = fc.constantFrom('a', 'Z', '0', '-', '.', '_', 'é', '😀', '\u{1F600}x');

/** 20,000 to 100,000 characters of long punctuation runs, with other characters between them. */
const adversarialToken = fc
  .array(
    fc
      .tuple(fc.oneof(edgeCharacter, innerCharacter), fc.integer({ min: 1, max: 30_000 }))
      .map(([character, count]) => character.repeat(count)),
    { minLength: 3, maxLength: 8 },
  )
  .map((runs) => runs.join('').slice(0, 100_000))
  .filter((token) => token.length >= 20_000);

/** Short tokens mixing the same characters with arbitrary text, to compare with the old regex. */
const shortToken = fc
  .array(fc.oneof(edgeCharacter, innerCharacter, fc.string({ unit: 'grapheme', maxLength: 4 })), {
    maxLength: 40,
  })
  .map((parts) => parts.join(''));

describe('stripEdgePunctuation', () => {
  it('equals the code-point reference on long adversarial tokens', () => {
    fc.assert(
      fc.property(adversarialToken, (token) => {
        expect(stripEdgePunctuation(token)).toBe(referenceStrip(token));
      }),
      { numRuns: 40 },
    );
  });

  it('equals the old regex and the reference on short tokens', () => {
    fc.assert(
      fc.property(shortToken, (token) => {
        const stripped = stripEdgePunctuation(token);
        expect(stripped).toBe(oldStrip(token));
        expect(stripped).toBe(referenceStrip(token));
      }),
      { numRuns: 1000 },
    );
  });

  it.each([
    ['"abc"', 'abc'],
    ['[“abc”]', 'abc'],
    ['((a(b)c))', 'a(b)c'],
    ['"""', ''],
    ['😀"', '😀'],
    ['"😀', '😀'],
    ['', ''],
  ])('%j becomes %j', (token, expected) => {
    expect(stripEdgePunctuation(token)).toBe(expected);
  });
});

describe('parseIdsText on adversarial input', () => {
  // The old regex needed about 19 seconds for the first of these; linear code needs a few milliseconds.
  // The bound is generous so a busy machine cannot make it flake.
  it.each([
    ['a run of brackets between two letters', `a${'('.repeat(99_998)}a`],
    ['alternating quotes with a letter at each end', `x${'"\''.repeat(49_999)}x`],
    ['many runs, each stopped by a letter', `${'('.repeat(9_999)}a`.repeat(10)],
    ['closing brackets then a surrogate pair', `${')'.repeat(99_998)}😀`],
  ])('%s (100,000 characters) parses in well under a second', (_name, text) => {
    expect(text.length).toBeGreaterThanOrEqual(100_000);
    const started = performance.now();
    const ids = parseIdsText(text);
    const elapsedMs = performance.now() - started;
    expect(ids).toEqual([referenceStrip(text)]);
    expect(elapsedMs).toBeLessThan(500);
  });
});
