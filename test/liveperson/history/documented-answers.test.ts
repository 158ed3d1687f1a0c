import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createDomainResolver, hostFromDomainAnswer } from '../../../src/liveperson/domain-api.js';
import { createTransport } from '../../../src/liveperson/transport.js';
import { silentLogger } from '../../../src/log.js';
import { chatPageSchema, conversationPageSchema } from '../../../src/liveperson/history/schemas.js';
import { NOW } from './fixtures.js';

/** LivePerson's documented example answers (test/fixtures/liveperson/README.md), read by our schemas. */

function fixture(name: string): Record<string, unknown> {
  const url = new URL(`../../fixtures/liveperson/${name}`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as Record<string, unknown>;
}

type Json = Record<string, unknown>;
/** The example with each record's `info` changed. */
function withInfo(answer: Json, recordsKey: string, change: (info: Json) => void): Json {
  const copy = structuredClone(answer);
  for (const record of copy[recordsKey] as { info: Json }[]) change(record.info);
  return copy;
}

describe('the documented Messaging Interactions answers', () => {
  for (const name of ['conversations-search.json', 'conversation-by-id.json', 'consumer-search.json']) {
    it(`${name} parses to ids, status and times only`, () => {
      const parsed = conversationPageSchema.parse(fixture(name));
      expect(parsed).toEqual({
        count: 1,
        partial: false,
        records: [
          {
            conversationId: 'e5c58e49-e4a5-40a8-8a18-d6580d1d5630',
            // The example's status is OPEN although it carries end times: status decides.
            status: 'OPEN',
            startTime: 1472481024565,
            endTime: null,
            consumerIds: ['f92c9890-2c95-428b-8a32-083528620d31'],
          },
        ],
      });
      expect(JSON.stringify(parsed)).not.toMatch(/michal|dummy|Visitor|love/);
    });
  }

  it('takes a time as epoch ms alone, as text alone, or not at all', () => {
    const example = withInfo(fixture('conversations-search.json'), 'conversationHistoryRecords', (info) => {
      info.status = 'CLOSE';
    });
    const only = (keep: 'L' | 'text' | 'none') =>
      withInfo(example, 'conversationHistoryRecords', (info) => {
        if (keep !== 'L') Reflect.deleteProperty(info, 'startTimeL');
        if (keep !== 'L') Reflect.deleteProperty(info, 'endTimeL');
        if (keep !== 'text') Reflect.deleteProperty(info, 'startTime');
        if (keep !== 'text') Reflect.deleteProperty(info, 'endTime');
      });
    const record = (answer: Json) => conversationPageSchema.parse(answer).records[0];
    expect(record(only('L'))).toMatchObject({ startTime: 1472481024565, endTime: 1472500733000 });
    // The start text is the same moment to the millisecond; the example's end text and endTimeL differ
    // by 28.4 s ("19:58:24.565" against 1472500733000), so epoch ms is preferred when both come.
    expect(record(only('text'))).toMatchObject({ startTime: 1472481024565, endTime: 1472500704565 });
    expect(record(only('none'))).toMatchObject({ startTime: 0, endTime: null });
  });
});

describe('the documented Engagement History answer', () => {
  it('parses to engagement id, visitor id and times, with or without the time text', () => {
    const example = fixture('engagement-history-search.json');
    const expected = {
      count: 9870,
      partial: false,
      records: [
        {
          engagementId: 'qa844815054294982965',
          visitorId: 'ozimnjlwddrzbhnfhjkdao',
          startTime: 1432788383209,
          endTime: 1432788383410,
        },
      ],
    };
    expect(chatPageSchema.parse(example)).toEqual(expected);
    const epochOnly = withInfo(example, 'interactionHistoryRecords', (info) => {
      Reflect.deleteProperty(info, 'startTime');
      Reflect.deleteProperty(info, 'endTime');
      Reflect.deleteProperty(info, 'visitorId');
    });
    const records = chatPageSchema.parse(epochOnly).records;
    expect(records[0]).toMatchObject({ startTime: 1432788383209, visitorId: null });
    expect(JSON.stringify(chatPageSchema.parse(example))).not.toMatch(/ELI|myname|Greg|chatting/);
  });
});

describe('the documented Domain API answers', () => {
  it('reads the host from the baseURIs list by service name, or from a single baseURI', () => {
    const list = fixture('domain-api-baseuris.json');
    expect(hostFromDomainAnswer(list, 'etool')).toBe('z2.etool.liveperson.net');
    expect(hostFromDomainAnswer(list, 'visitorFeed')).toBe('lo.v-feed.liveperson.net');
    // Service names are case sensitive, and a list without the service gives no host.
    expect(hostFromDomainAnswer(list, 'ETool')).toBeUndefined();
    expect(hostFromDomainAnswer(list, 'msgHist')).toBeUndefined();
    expect(hostFromDomainAnswer(fixture('domain-api-baseuri.json'), 'msgHist')).toBe(
      'va.msghist.liveperson.net',
    );
  });

  it('resolves msgHist over HTTP when the Domain API answers with baseURIs[]', async () => {
    const answer = structuredClone(fixture('domain-api-baseuris.json')) as { baseURIs: Json[] };
    answer.baseURIs.push({ service: 'msgHist', account: 'EXAMPLE123', baseURI: 'va.msghist.liveperson.net' });
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(answer));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as AddressInfo).port;
      const log = silentLogger;
      const resolver = createDomainResolver({
        accountId: 'EXAMPLE123',
        domainApiUrl: `http://127.0.0.1:${port}`,
        transport: createTransport(undefined, log, () => NOW),
        timeoutMs: 2000,
        now: () => NOW,
        log,
      });
      expect(await resolver.baseUrl('msgHist')).toBe('https://va.msghist.liveperson.net');
      await expect(resolver.baseUrl('engHistDomain')).rejects.toMatchObject({
        code: 'LP_DOMAIN_LOOKUP_FAILED',
      });
    } finally {
      server.close();
      server.closeAllConnections();
    }
  });
});
