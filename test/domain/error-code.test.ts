import { describe, expect, it } from 'vitest';
import { errorCode, errorMessage, ownCode } from '../../src/domain/error-code.js';

describe('errorCode, ownCode and errorMessage: safe for anything thrown', () => {
  class Coded extends Error {
    constructor(readonly code: string) {
      super('coded');
    }
  }

  it('prefer the error’s own code, then its name, then UNEXPECTED', () => {
    expect(errorCode(Object.assign(new Error('x'), { code: 'ENOSPC' }))).toBe('ENOSPC');
    expect(errorCode(new Coded('LP_TIMEOUT'))).toBe('LP_TIMEOUT');
    expect(errorCode(new TypeError('x'))).toBe('TypeError');
    expect(errorCode({ code: '', name: '' })).toBe('UNEXPECTED');
    expect(ownCode(new TypeError('x'))).toBeUndefined();
    expect(ownCode({ code: 42 })).toBeUndefined();
  });

  it('a thrown non-object (null, a string, undefined) neither throws nor invents a code', () => {
    for (const thrown of [null, undefined, 'boom', 7]) {
      expect(errorCode(thrown)).toBe('UNEXPECTED');
      expect(ownCode(thrown)).toBeUndefined();
      expect(typeof errorMessage(thrown)).toBe('string');
    }
    expect(errorMessage(new Error('disk full'))).toBe('disk full');
    expect(errorMessage('boom')).toBe('boom');
  });
});
