import { describe, expect, it } from 'vitest';
import type { VerificationResult } from '../../src/domain/verification-schema.js';
import {
  verificationHeadline,
  verificationMessage,
  verificationSentence,
  verifyAnswerText,
} from '../../src/slack/blocks/verification-messages.js';
import { ACTION } from '../../src/slack/ids.js';
import { checkBlockKit } from '../support/block-kit.js';

const result = (over: Partial<VerificationResult>): VerificationResult => ({
  at: '2026-12-06T10:00:00.000Z',
  outcome: 'verified',
  total: 37,
  erased: 37,
  residual: 0,
  notCheckable: 0,
  ...over,
});
const request = { id: 'DR-2026-11-0001', type: 'conversation' as const };

describe('the words of proof of erasure', () => {
  it('says the issue’s sentences', () => {
    expect(verificationHeadline('conversation', result({}))).toBe('Verified: 37 of 37 conversations erased');
    expect(
      verificationHeadline('conversation', result({ outcome: 'residual', erased: 35, residual: 2 })),
    ).toBe('2 of 37 conversations still readable at LivePerson');
    expect(verificationHeadline('engagement', result({ total: 1, erased: 1 }))).toBe(
      'Verified: 1 of 1 chat erased',
    );
    const old = result({ outcome: 'not_checkable', erased: 0, notCheckable: 37 });
    expect(verificationHeadline('conversation', old)).toMatch(/^Not checkable: 37 of 37 conversations past/);
    expect(verificationSentence('conversation', old)).toMatch(/^Not verified\./);
    const failed = result({ outcome: 'not_verified', total: 0, erased: 0 });
    expect(verificationSentence('conversation', failed)).toMatch(/^Not yet verified/);
    expect(verifyAnswerText(request, failed)).not.toMatch(/\d+ erased/);
  });

  it('a residual message carries File again and mentions the approvers when it alerts; all fit Slack', () => {
    const residual = result({ outcome: 'residual', erased: 35, residual: 2, residualIds: ['a', 'b'] });
    const alert = verificationMessage(request, residual, {
      alert: true,
      approvers: ['U0AAAAAAA', 'U0BBBBBBB'],
    });
    expect(JSON.stringify(alert.blocks)).toContain(ACTION.fileAgain);
    expect(JSON.stringify(alert.blocks)).toContain('<@U0AAAAAAA> <@U0BBBBBBB>');
    expect(alert.text).not.toContain('<@');
    const quiet = verificationMessage(request, residual, { alert: false, approvers: ['U0AAAAAAA'] });
    expect(JSON.stringify(quiet.blocks)).not.toContain('<@U0AAAAAAA>');
    const verified = verificationMessage(request, result({}), { alert: false, approvers: [] });
    expect(JSON.stringify(verified.blocks)).not.toContain(ACTION.fileAgain);
    for (const message of [alert, quiet, verified]) expect(checkBlockKit('message', message)).toEqual([]);
  });
});
