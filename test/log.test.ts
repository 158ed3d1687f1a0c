import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/log.js';

function lines() {
  const written: string[] = [];
  return { log: createLogger((line) => written.push(line)), written };
}

describe('the logger', () => {
  it('writes one JSON line per event with level, time, event and the fields at the top level', () => {
    const { log, written } = lines();
    log.info('request_filed', { requestId: 'DR-7K3QX9', count: 2, ok: true, gone: undefined });
    log.warn('quota_low', { left: 1 });
    log.error('listener_error', { code: 'E_X' });
    expect(written).toHaveLength(3);
    for (const line of written) expect(line).not.toContain('\n');
    const [info, warn, error] = written.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(info).toEqual({
      level: 'info',
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      event: 'request_filed',
      requestId: 'DR-7K3QX9',
      count: 2,
      ok: true,
    });
    expect(warn).toMatchObject({ level: 'warn', event: 'quota_low', left: 1 });
    expect(error).toMatchObject({ level: 'error', event: 'listener_error', code: 'E_X' });
  });

  it('redacts the forbidden field names in any spelling, and keeps the others', () => {
    const { log, written } = lines();
    const forbidden = {
      id: 'conv-4711',
      IDS: 'conv-4712',
      reason: 'asked to be forgotten',
      Text: 'hello there',
      token: 'xoxb-secret-token',
      secret: 'sesame-open',
      Password: 'hunter2',
      authorization: 'Bearer abc.def',
      body: 'raw-body-text',
      payload: 'raw-payload',
      subject: 'Ada Lovelace',
      identifier: 'visitor-99',
      EMAIL: 'ada@example.com',
      phone: '+4912345',
    };
    log.warn('careless_caller', { ...forbidden, requestId: 'DR-7K3QX9' });
    const entry = JSON.parse(written[0] ?? '{}') as Record<string, unknown>;
    for (const key of Object.keys(forbidden)) expect(entry[key]).toBe('[redacted]');
    expect(entry.requestId).toBe('DR-7K3QX9');
    for (const value of Object.values(forbidden)) expect(written[0]).not.toContain(value);
  });
});
