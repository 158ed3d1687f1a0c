import { Writable } from 'node:stream';
import { stripVTControlCharacters } from 'node:util';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Progress } from '../../src/cli/progress.js';
import { runChecks } from '../../src/doctor/doctor.js';

const ESC = String.fromCharCode(27);

/** A terminal (or a pipe) that keeps what is written; the cursor moves yocto-spinner makes are kept as text. */
class FakeTerminal extends Writable {
  text = '';
  readonly columns = 200;
  constructor(readonly isTTY: boolean) {
    super();
  }
  override _write(chunk: unknown, _encoding: string, done: () => void): void {
    this.text += String(chunk);
    done();
  }
  cursorTo(): boolean {
    this.text += '\r';
    return true;
  }
  moveCursor(): boolean {
    return true;
  }
  clearLine(): boolean {
    this.text += `${ESC}[K`;
    return true;
  }
}

const stream = (isTTY: boolean) => new FakeTerminal(isTTY);
/** What the terminal's last line shows now: the text after the last return, without escape codes. */
const line = (terminal: FakeTerminal) => stripVTControlCharacters(terminal.text).split('\r').at(-1);
/** Moves the faked clock and timers on, running the ticks that would have happened meanwhile. */
const advance = (ms: number) => vi.advanceTimersByTime(ms);

beforeEach(() => {
  vi.useFakeTimers();
  // yocto-spinner prints plain lines instead of redrawing under CI or TERM=dumb; these tests want a terminal.
  vi.stubEnv('CI', undefined);
  vi.stubEnv('TERM', 'xterm-256color');
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllEnvs();
});

describe('CLI progress', () => {
  it('shows nothing for a step under a second, a spinner after one, the service’s silence after 5 s', () => {
    const err = stream(true);
    const progress = new Progress({ stream: err });

    progress.step('Reading the data file');
    advance(900);
    expect(err.text).toBe('');

    progress.step('Checking LivePerson', 'LivePerson');
    advance(1100);
    expect(line(err)).toMatch(/^. Checking LivePerson…$/);
    advance(3000);
    expect(err.text).not.toContain('has not answered');
    advance(1000);
    expect(line(err)).toMatch(/^. Checking LivePerson: LivePerson has not answered for 5 s; still waiting/);
    advance(1000);
    expect(line(err)).toMatch(/has not answered for 6 s/);

    progress.done();
    // The spinner line is wiped, and nothing ticks any more.
    expect(err.text.endsWith(`\r${ESC}[K`)).toBe(true);
    expect(line(err)).toBe('');
    expect(vi.getTimerCount()).toBe(0);
    const length = err.text.length;
    advance(2000);
    expect(err.text).toHaveLength(length);
  });

  it('writes nothing when stderr is not a terminal (pipes, CI logs)', async () => {
    const err = stream(false);
    const progress = new Progress({ stream: err });
    const result = await progress.run('Checking Slack', 'Slack', async () => {
      advance(10_000);
      return 42;
    });
    expect(result).toBe(42);
    expect(err.text).toBe('');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('plain mode (NO_COLOR, TERM=dumb): one line when waiting shows, one when the service is slow', async () => {
    const err = stream(true);
    const progress = new Progress({ stream: err, plain: true });
    await expect(
      progress.run('Checking LivePerson', 'LivePerson', async () => {
        advance(7000);
        throw new Error('timeout');
      }),
    ).rejects.toThrow('timeout');
    expect(err.text).toBe(
      'Checking LivePerson…\nChecking LivePerson: LivePerson has not answered for 5 s; still waiting (Ctrl-C to give up)\n',
    );
    expect(err.text).not.toContain('\x1b');
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('the doctor’s progress', () => {
  it('names each wait and ends the last one, even when the configuration stops the checks', async () => {
    const steps: string[] = [];
    await runChecks(
      {},
      {
        progress: {
          step: (label, service) => steps.push(`${label} (${service ?? '-'})`),
          done: () => steps.push('done'),
        },
      },
    );
    expect(steps).toEqual(['Asking Slack (Slack)', 'done']);
  });
});
