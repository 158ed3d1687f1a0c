import {
  createGateway,
  RETRY_POLICIES,
  type Gateway,
  type RetryPolicy,
} from '../../../src/liveperson/gateway.js';
import type { Logger, LogFields } from '../../../src/log.js';
import { SANDBOX_DEFAULT_CREDENTIALS } from '../../../sandbox/rtbf/types.js';
import { quick, recordingLogger, retriesIn } from '../fixtures.js';
import type { SeededConversation } from '../../../sandbox/history/history-seed.js';
import type { HistoryStandIn } from '../../../sandbox/history/history-types.js';

/** Shared by the history client, stand-in and person-search tests. */

export const ACCOUNT_ID = '20762324';
export const NOW = new Date('2026-11-20T12:00:00.000Z');
export const DAY_MS = 24 * 60 * 60 * 1000;

export function daysAgo(days: number, from: Date = NOW): Date {
  return new Date(from.getTime() - days * DAY_MS);
}

export interface Recorder {
  /** How many times a call was tried again (`lp.retry` lines). */
  retries(): number;
  logs: { event: string; fields: LogFields }[];
  log: Logger;
}

export function recorder(): Recorder {
  const { log, logs } = recordingLogger();
  return { retries: () => retriesIn(logs), logs, log };
}

/**
 * A gateway to a stand-in on its own port (no Domain API: the history hosts are fixed), with the
 * sandbox's default bearer token and the history APIs' retries, paused milliseconds instead of seconds.
 */
export function bearerConnection(
  url: string,
  rec: Recorder,
  options: { token?: string; retry?: RetryPolicy; now?: () => Date; source?: string } = {},
): Gateway {
  const token = options.token ?? SANDBOX_DEFAULT_CREDENTIALS.bearerTokens[0] ?? '';
  return createGateway(
    {
      accountId: ACCOUNT_ID,
      auth: { kind: 'bearer', token },
      domainApiUrl: url,
      timeoutMs: 2000,
      legacyTicketing: false,
    },
    {
      now: options.now ?? (() => NOW),
      log: rec.log,
      retry: options.retry ?? quick(RETRY_POLICIES['messaging-history']),
      baseUrls: { msgHist: url, engHistDomain: url },
      ...(options.source ? { source: options.source } : {}),
    },
  );
}

/** What the stand-in sends along and must never get past the client: checked in every leak test. */
export const PERSON = {
  email: 'ada.lovelace@example.org',
  firstName: 'Ada',
  lastName: 'Lovelace',
  phone: '+44 20 7946 0958',
  consumerId: '6f9619ff-8b86-d011-b42d-00cf4fc964ff',
  transcript: 'my card number ends in 4242 and I live at 12 Analytical Lane',
  secondLine: 'please forget everything about me',
} as const;

export const SECRETS: readonly string[] = [
  PERSON.email,
  PERSON.firstName,
  PERSON.lastName,
  PERSON.phone,
  PERSON.transcript,
  PERSON.secondLine,
  'Analytical Lane',
  'consumer-token-do-not-leak',
  'Sandra Agent',
  '203.0.113.9',
];

export interface SeededPerson {
  closed: SeededConversation[];
  open: SeededConversation;
  /** Has the consumer id but no SDE: found only through 1c. */
  withoutSde: SeededConversation;
  /** Mentions the email in message text only, another consumer. */
  mention: SeededConversation;
}

/**
 * The person of issue 11: 4 closed conversations and 1 open one over 11 months (one of them without an
 * SDE, found only by consumer id), a conversation of someone else that merely mentions the email, and
 * `noise` unrelated conversations in the newest window so a search there needs more than one page.
 */
export function seedPerson(standIn: HistoryStandIn, noise = 0): SeededPerson {
  const consumer = {
    participantId: PERSON.consumerId,
    firstName: PERSON.firstName,
    lastName: PERSON.lastName,
    email: PERSON.email,
    phone: PERSON.phone,
  };
  const withSde = (days: number) =>
    standIn.addConversation({
      status: 'CLOSE',
      startTime: daysAgo(days),
      consumer,
      personalInfo: [PERSON.email],
      customerInfo: ['CUST-7731-99'],
      messages: [PERSON.transcript, 'Thanks, noted.', PERSON.secondLine],
    });
  const closed = [withSde(20), withSde(130), withSde(330)];
  const withoutSde = standIn.addConversation({
    status: 'CLOSE',
    startTime: daysAgo(200),
    consumer,
    messages: [PERSON.secondLine],
  });
  closed.push(withoutSde);
  const open = standIn.addConversation({
    status: 'OPEN',
    startTime: daysAgo(2),
    consumer,
    personalInfo: [PERSON.email],
    messages: [`reach me on ${PERSON.phone}`],
  });
  const mention = standIn.addConversation({
    status: 'CLOSE',
    startTime: daysAgo(45),
    consumer: {
      participantId: '0b7c8a52-2f4e-4b8e-9d7e-5b3b0f6a1c11',
      firstName: 'Grace',
      email: 'grace@example.net',
    },
    messages: [`Has ${PERSON.email} written to you before?`],
  });
  for (let i = 0; i < noise; i++) {
    standIn.addConversation({
      status: 'CLOSE',
      startTime: daysAgo(10 + (i % 50) / 10),
      consumer: { participantId: `noise-${i}`, email: `noise${i}@example.com` },
      personalInfo: [`noise${i}@example.com`],
      messages: ['unrelated'],
    });
  }
  return { closed, open, withoutSde, mention };
}

/** Asserts none of the seeded personal data appears in `value` (serialised). */
export function leaks(value: unknown): string[] {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return SECRETS.filter((secret) => text.includes(secret));
}
