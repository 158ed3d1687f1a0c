import { describe, expect, it } from 'vitest';
import { parseCommandText } from '../../src/slack/command-text.js';

describe('parseCommandText: person', () => {
  it('takes everything after `person` as the identifier, spaces kept', () => {
    expect(parseCommandText('person jo.example@example.com')).toEqual({
      kind: 'person',
      identifier: 'jo.example@example.com',
    });
    expect(parseCommandText('  Person   Ada  Lovelace ')).toEqual({
      kind: 'person',
      identifier: 'Ada  Lovelace',
    });
  });

  it('an empty identifier is left to the listener to explain', () => {
    expect(parseCommandText('person')).toEqual({ kind: 'person', identifier: '' });
  });

  it('leaves the other forms alone', () => {
    expect(parseCommandText('quota')).toEqual({ kind: 'quota' });
    expect(parseCommandText('').kind).toBe('open');
  });
});
