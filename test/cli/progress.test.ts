import { describe, expect, it } from 'vitest';
import { Progress, type ProgressClock } from '../../src/cli/progress.js';
import { runChecks } from '../../src/doctor/doctor.js';

const ESC = String.fromCharCode(27);

/** A clock the test moves by hand; `advance` runs the ticks that would have happened meanwhile. */
function manualClock() {
  let now = 0;
  const tickers = new Set<() => void>();
  const clock: ProgressClock = {
    now: () => now,
    every(_ms, tick) {
      tickers.add(tick);
      return () => tickers.delete(tick);
    },
  };
  return {
    clock,
    tickers,
    advance(ms: number) {
      for (let t = 0; t < ms; t += 100) {
        now += 100;
        for (const tick of [...tickers]) tick();
      }
    },
  };
}

function stream(isTTY: boolean) {
  let text = '';
  return { isTTY, write: (t: string) => (text += t), text: () => text };
}

describe('CLI progress', () => {
  it('shows nothing for a step under a second, a spinner after one, the service’s silence after 5 s', () => {
    const time = manualClock();
    const err = stream(true);
    const progress = new Progress({ stream: err, clock: time.clock });

    progress.step('Reading the data file');
    time.advance(900);
    expect(err.text()).toBe('');

    progress.step('Checking LivePerson', 'LivePerson');
    time.advance(1100);
    expect(err.text()).toMatch(new RegExp(`\r${ESC}\\[K. Checking LivePerson…$`));
    time.advance(3000);
    expect(err.text()).not.toContain('has not answered');
    time.advance(1000);
    expect(err.text()).toMatch(/Checking LivePerson: LivePerson has not answered for 5 s; still waiting/);

    progress.done();
    // The spinner line is wiped, and nothing ticks any more.
    expect(err.text().endsWith('\r\x1b[K')).toBe(true);
    expect(time.tickers.size).toBe(0);
    const length = err.text().length;
    time.advance(2000);
    expect(err.text()).toHaveLength(length);
  });

  it('writes nothing when stderr is not a terminal (pipes, CI logs)', async () => {
    const time = manualClock();
    const err = stream(false);
    const progress = new Progress({ stream: err, clock: time.clock });
    const result = await progress.run('Checking Slack', 'Slack', async () => {
      time.advance(10_000);
      return 42;
    });
    expect(result).toBe(42);
    expect(err.text()).toBe('');
    expect(time.tickers.size).toBe(0);
  });

  it('plain mode (NO_COLOR, TERM=dumb): one line when waiting shows, one when the service is slow', async () => {
    const time = manualClock();
    const err = stream(true);
    const progress = new Progress({ stream: err, clock: time.clock, plain: true });
    await expect(
      progress.run('Checking LivePerson', 'LivePerson', async () => {
        time.advance(7000);
        throw new Error('timeout');
      }),
    ).rejects.toThrow('timeout');
    expect(err.text()).toBe(
      'Checking LivePerson…\nChecking LivePerson: LivePerson has not answered for 5 s; still waiting (Ctrl-C to give up)\n',
    );
    expect(err.text()).not.toContain('\x1b');
    expect(time.tickers.size).toBe(0);
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
