import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runAudit } from '../../src/cli/audit-main.js';
import { Spawned } from '../support/spawned.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DEMO = join(ROOT, 'scripts', 'demo.ts');
const kept: string[] = [];

afterAll(async () => {
  for (const folder of kept) await rm(folder, { recursive: true, force: true });
});

function demo(args: string[] = [], env: Record<string, string> = {}): Spawned {
  // Piped stdout, as in CI or `npm run demo | less`: no terminal, so no escapes.
  return Spawned.run(process.execPath, ['--import', 'tsx', DEMO, ...args], env, ROOT);
}

describe('npm run demo', () => {
  it('reads like Slack when piped: no raw mrkdwn, no escapes, each message once; keeps its data', async () => {
    const run = demo([], { FORCE_COLOR: '1' });
    const exit = await run.exited;
    expect(exit.code, run.stderr).toBe(0);
    const text = run.stdout;
    for (const raw of ['*Requested by*', '<@U', '<https://', '<!date', '&lt;', '`']) {
      expect(text, raw).not.toContain(raw);
    }
    expect(text).not.toContain('\x1b');
    // What a person sees in Slack: no mrkdwn bold, no :emoji: names, no # for a header; label and value
    // on one line.
    const shownLines = text.split('\n').filter((line) => line.startsWith('   │ '));
    for (const line of shownLines) {
      expect(line).not.toContain('*');
      expect(line).not.toMatch(/:[a-z][a-z0-9_+-]*:/);
      expect(line).not.toMatch(/^ {3}│ #/);
    }
    expect(text).toContain('Requested by: @Alice');
    expect(text).toContain('Reason (DSR reference): DSR-2026-0042');
    // Plurals right: no "(s)", no "all 2".
    expect(text).not.toContain('(s)');
    expect(text).not.toMatch(/\ball 2\b/);
    // "Demo finished" once, after the last step.
    const finished = text.indexOf('Demo finished');
    expect(finished).toBeGreaterThan(0);
    expect(text.slice(finished)).not.toMatch(/^\d+\. /m);
    expect(text.match(/Demo finished/g)).toHaveLength(1);
    expect(text).toContain('approved by @Bob');
    // Each approval message is printed once (the single request's, then the person's plan); step 7 shows
    // only what the decision added.
    // (and a third: the intake API's erasure, issue 21).
    expect(text.match(/│ Deletion request DR-/g)).toHaveLength(3);
    expect(text.match(/│ Deletion request DR-\S+: 2 LivePerson requests/g)).toHaveLength(2);
    expect(text.match(/Requested by: /g)).toHaveLength(3);
    // The intake API: one erasure posted by OneTrust, approved in Slack, read back as filed.
    expect(text).toMatch(/HTTP 202 \{"id":"ER-[0-9a-f]{24}","status":"searching"/);
    expect(text).toContain('Requested by: OneTrust (case DSR-ONETRUST-9001)');
    expect(text).toMatch(/"status":"filed","case_ref":"DSR-ONETRUST-9001"/);
    expect(text).toMatch(/it now ends with\n {3}│ Approved by @Bob on /);
    // Proof of erasure: the person's deletion, read back from the history stand-in once DONE.
    expect(text).toContain('Verified: 4 of 4 conversations erased');

    // It ends by saying where its data is and which command to try next, and that command works.
    const [, folder] = /The demo's data is kept in (\S+) /.exec(text) ?? [];
    const [, dataDir] = /DATA_DIR=(\S+) npm run -s audit -- --format json\n$/.exec(text) ?? [];
    expect(folder).toBeDefined();
    expect(dataDir).toBeDefined();
    kept.push(folder ?? '');
    expect(dataDir).toBe(folder);
    let out = '';
    const code = await runAudit(['--format', 'json'], {
      env: { DATA_DIR: dataDir },
      stdout: { write: (t: string) => (out += t) },
      stderr: { write: () => true },
    });
    expect(code).toBe(0);
    // The single request, and the person's plan (its parts), all sent to LivePerson.
    const audit = JSON.parse(out) as { count: number; requests: { status: string }[] };
    expect(audit.count).toBeGreaterThanOrEqual(3);
    expect(audit.requests.every((r) => r.status === 'submitted')).toBe(true);
  }, 60_000);

  it('--help explains it and exits 0; an unknown argument is a usage error', async () => {
    const help = demo(['--help']);
    expect((await help.exited).code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: npm run demo/);
    const wrong = demo(['--fast']);
    expect((await wrong.exited).code).toBe(2);
    expect(wrong.stderr).toMatch(/^Unknown argument --fast\./);
  }, 30_000);
});
