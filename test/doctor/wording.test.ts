/**
 * The doctor's lines as a new installer reads them (issue 24): the cause it found first (a DNS failure, a
 * refused connection, a system folder), then one fix, each said once, the whole line under 160
 * characters. Offline too: fewer than two approvers and a misspelt setting need no Slack to be named.
 */
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { runDoctor } from '../../src/doctor/doctor-main.js';
import { capture } from '../support/capture.js';

const OFFLINE = {
  LP_ACCOUNT_ID: '20762324',
  LP_CLIENT_ID: 'client',
  LP_CLIENT_SECRET: 'secret',
  LP_DOMAIN_API_URL: 'https://lp.lp-delete-test.invalid',
  LP_TIMEOUT_MS: '3000',
  SLACK_BOT_TOKEN: 'xoxb-wording-test',
  SLACK_SIGNING_SECRET: 'wording-test-secret',
  // RFC 2606: .invalid never resolves, so this is a real DNS failure, not a stand-in's answer.
  SLACK_API_URL: 'https://slack.lp-delete-test.invalid/api/',
  PRIVACY_CHANNEL_ID: 'CPRIVACY1',
  APPROVER_USER_IDS: 'UAPPROVER1',
  DATA_DIR: '/proc/x',
};

async function doctor(env: Record<string, string>) {
  const stdout = capture();
  const stderr = capture();
  const code = await runDoctor([], { env, stdout, stderr });
  const lines = stdout.text.split('\n').filter((line) => /^(OK|WARN|SKIP|FAIL) /.test(line));
  return {
    code,
    lines,
    line: (name: string) => lines.find((l) => new RegExp(`^\\S+ +${name} `).test(l)) ?? '',
  };
}

/** Every line short, and no fix repeating what its detail already says (four words in a row). */
function expectOneCauseOneFix(lines: string[]): void {
  for (const line of lines) {
    expect(line.length, line).toBeLessThanOrEqual(160);
    const [detail = '', fix] = line.split(' → ');
    if (!fix) continue;
    const words = fix.toLowerCase().split(/\s+/);
    for (let i = 0; i + 4 <= words.length; i++) {
      expect(detail.toLowerCase(), `"${words.slice(i, i + 4).join(' ')}" twice in: ${line}`).not.toContain(
        words.slice(i, i + 4).join(' '),
      );
    }
  }
}

describe('doctor wording', () => {
  it('offline: DNS failures named first with their host; /proc/x is a system folder; one approver and a typo warned', async () => {
    const { code, lines, line } = await doctor({ ...OFFLINE, APPROVERS_USER_IDS: 'UAPPROVER1,UAPPROVER2' });
    expect(code).toBe(1);
    expectOneCauseOneFix(lines);
    expect(line('slack token')).toMatch(
      /^FAIL slack token +DNS failure for slack\.lp-delete-test\.invalid → check the network and SLACK_API_URL/,
    );
    expect(line('liveperson')).toMatch(
      /^FAIL liveperson +DNS failure for lp\.lp-delete-test\.invalid \(Domain API\) → check the network and LP_DOMAIN_API_URL$/,
    );
    expect(line('approvers')).toMatch(
      /^WARN approvers +only 1 approver and no group: .* → add a second U… id to APPROVER_USER_IDS$/,
    );
    expect(line('data folder')).toMatch(
      /^FAIL data folder +\/proc is a system folder: \/proc\/x cannot be made there \(\w+\) → set DATA_DIR to a folder/,
    );
    expect(lines.join('\n')).not.toContain('write access to /proc');
    expect(lines.map((l) => l.replace(/ {2,}/g, ' '))).toContain(
      'WARN configuration APPROVERS_USER_IDS is not a setting lp-delete reads → did you mean APPROVER_USER_IDS? Rename it',
    );
  }, 30_000);

  it('a refused connection names the host and port; a problem with its own instruction says it once', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise((resolve) => server.close(resolve));
    const { lines, line } = await doctor({
      ...OFFLINE,
      LP_DOMAIN_API_URL: `http://127.0.0.1:${port}`,
      SLACK_BOT_TOKEN: 'xoxp-a-user-token',
      DATA_DIR: '/tmp',
    });
    expectOneCauseOneFix(lines);
    expect(line('liveperson')).toContain(`127.0.0.1:${port} refused the connection (Domain API) → `);
    expect(lines.map((l) => l.replace(/ {2,}/g, ' '))).toContain(
      'FAIL configuration SLACK_BOT_TOKEN holds a user token (xoxp-…) → set it to the Bot User OAuth Token (xoxb-…) from OAuth & Permissions instead',
    );
  }, 30_000);
});
