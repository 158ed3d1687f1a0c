import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { checkIntake } from '../../src/doctor/checks/intake.js';

const BASE = {
  LP_ACCOUNT_ID: '20762324',
  LP_CLIENT_ID: 'client',
  LP_CLIENT_SECRET: 'secret',
  SLACK_BOT_TOKEN: 'xoxb-1',
  SLACK_SIGNING_SECRET: 'signing-secret',
  PRIVACY_CHANNEL_ID: 'CPRIVACY1',
  APPROVER_USER_IDS: 'UAPPROVER1,UAPPROVER2',
};
const TOKEN = 'onetrust-token-0123456789abcdef';
const SECRET = 'callback-secret-0123456789abcdef0123';

describe('the doctor checks the intake settings', () => {
  it('off without INTAKE_TOKENS', () => {
    expect(checkIntake(loadConfig(BASE))).toMatchObject({
      ok: true,
      detail: expect.stringMatching(/^off/) as unknown,
    });
  });

  it('on: names the callers and the port, never a token or the secret', () => {
    const result = checkIntake(
      loadConfig({
        ...BASE,
        INTAKE_TOKENS: `OneTrust:${TOKEN}`,
        INTAKE_CALLBACK_SECRET: SECRET,
        PORT: '3100',
      }),
    );
    expect(result).toMatchObject({
      ok: true,
      detail: 'on for OneTrust, at /api/v1/erasures on PORT 3100; callbacks signed',
    });
    expect(JSON.stringify(result)).not.toContain(TOKEN);
    expect(JSON.stringify(result)).not.toContain(SECRET);
  });

  it('warns without a callback secret; fails in Socket Mode without INTAKE_PORT', () => {
    expect(checkIntake(loadConfig({ ...BASE, INTAKE_TOKENS: `OneTrust:${TOKEN}` }))).toMatchObject({
      ok: true,
      warning: true,
      fix: expect.stringContaining('INTAKE_CALLBACK_SECRET') as unknown,
    });
    const socket = { ...BASE, SLACK_APP_TOKEN: 'xapp-1', INTAKE_TOKENS: `OneTrust:${TOKEN}` };
    expect(checkIntake(loadConfig(socket))).toMatchObject({
      ok: false,
      fix: expect.stringContaining('INTAKE_PORT') as unknown,
    });
  });

  it('a malformed INTAKE_TOKENS stops start-up, naming the setting but not the token', () => {
    expect(() => loadConfig({ ...BASE, INTAKE_TOKENS: 'OneTrust:short' })).toThrow(/INTAKE_TOKENS/);
    expect(() => loadConfig({ ...BASE, INTAKE_TOKENS: 'OneTrust:short' })).not.toThrow(/short/);
  });
});
