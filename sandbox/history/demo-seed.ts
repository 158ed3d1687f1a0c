import type { HistoryStandIn } from './history-types.js';

/**
 * A fictional data subject for `npm run demo` and `--sandbox`: found by email, with closed and open
 * conversations spread over the year, one conversation found only by consumer id, a mere mention, a chat,
 * and strangers around them. Every value is invented.
 */

export const DEMO_PERSON = {
  email: 'jo.example@example.com',
  consumerId: '3b241101-e2bb-4255-8caf-4136c566a962',
  visitorId: 'demo-visitor-1',
} as const;

const DAY_MS = 24 * 60 * 60 * 1000;

export function seedDemoHistory(standIn: HistoryStandIn, now: Date): void {
  const ago = (days: number) => new Date(now.getTime() - days * DAY_MS);
  const consumer = {
    participantId: DEMO_PERSON.consumerId,
    firstName: 'Jo',
    lastName: 'Example',
    email: DEMO_PERSON.email,
    phone: '+1 555 0100',
  };
  for (const days of [15, 95, 190, 320]) {
    standIn.addConversation({
      status: 'CLOSE',
      startTime: ago(days),
      consumer,
      personalInfo: days === 190 ? [] : [DEMO_PERSON.email],
      messages: ['Hi, I need help with my order', 'Sure, what is the order number?'],
    });
  }
  standIn.addConversation({
    status: 'OPEN',
    startTime: ago(1),
    consumer,
    personalInfo: [DEMO_PERSON.email],
    messages: ['Please delete my data'],
  });
  standIn.addConversation({
    status: 'CLOSE',
    startTime: ago(40),
    consumer: {
      participantId: '9a0f2a7e-5c1d-4e1b-8f43-2d6a1e0b7c55',
      firstName: 'Sam',
      email: 'sam@example.net',
    },
    messages: [`My colleague ${DEMO_PERSON.email} asked me to get in touch`],
  });
  for (let i = 0; i < 12; i++) {
    standIn.addConversation({
      status: i % 4 === 0 ? 'OPEN' : 'CLOSE',
      startTime: ago(3 + i * 25),
      consumer: { participantId: `stranger-${i}`, email: `stranger${i}@example.org` },
      personalInfo: [`stranger${i}@example.org`],
      messages: ['Where is my parcel?'],
    });
  }
  standIn.addChat({
    visitorId: DEMO_PERSON.visitorId,
    startTime: ago(60),
    visitorInfo: [DEMO_PERSON.email],
    lines: ['Hello, is anyone there?'],
  });
}
