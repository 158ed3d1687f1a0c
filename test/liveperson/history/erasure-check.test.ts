import { describe, expect, it } from 'vitest';
import {
  chatCheckPageSchema,
  conversationCheckPageSchema,
  isMasked,
} from '../../../src/liveperson/history/erasure-check.js';

/** The masking check over answers in the documented shape (Messaging Interactions 1b, Engagement History). */

const MASK = '** LP deleted data **';
const SOURCE_MASK = '*** LP deleted data ***';

function conversation(overrides: { text?: unknown; email?: unknown; sde?: unknown; consumerName?: unknown }) {
  return {
    _metadata: { count: 1 },
    conversationHistoryRecords: [
      {
        info: { conversationId: 'c-1', status: 'CLOSE', startTime: '2026-06-05 10:37:32.271+0000' },
        consumerParticipants: [
          {
            participantId: 'p-1',
            firstName: MASK,
            lastName: MASK,
            consumerName: overrides.consumerName ?? `${MASK} ${MASK}`,
            email: overrides.email ?? MASK,
            phone: '',
            token: 'not personal for the check',
          },
        ],
        messageRecords: [{ messageData: { msg: { text: overrides.text ?? MASK } }, sentBy: 'Consumer' }],
        sdes: {
          events: [
            {
              sdeType: 'PERSONAL_INFO',
              serverTimeStamp: '1496658000000',
              personalInfo: {
                personalInfo: {
                  name: overrides.sde ?? SOURCE_MASK,
                  contacts: [{ personalContact: { email: SOURCE_MASK } }],
                },
              },
            },
            {
              sdeType: 'CUSTOMER_INFO',
              customerInfo: { customerInfo: { customerStatus: 'gold', customerId: SOURCE_MASK } },
            },
          ],
        },
      },
    ],
  };
}

const erased = (page: unknown) => conversationCheckPageSchema.parse(page).records[0]?.erased;

describe('what counts as masked', () => {
  it("both of LivePerson's spellings, empty and absent values; nothing else", () => {
    for (const value of [MASK, SOURCE_MASK, ` ${MASK} `, `${MASK} ${MASK}`, '', null, undefined]) {
      expect(isMasked(value)).toBe(true);
    }
    for (const value of ['Jo', `${MASK} Jo`, '** deleted **', 'LP deleted data', 42, { text: MASK }]) {
      expect(isMasked(value)).toBe(false);
    }
  });

  it('a conversation is erased only when texts, participant fields and personal SDE values are all masked', () => {
    expect(erased(conversation({}))).toBe(true);
    expect(erased(conversation({ text: 'my card ends 4417' }))).toBe(false);
    expect(erased(conversation({ email: 'jo@example.com' }))).toBe(false);
    expect(erased(conversation({ consumerName: 'Jo Example' }))).toBe(false);
    expect(erased(conversation({ sde: 'Jo Example' }))).toBe(false);
    // An unexpected shape where text belongs is never taken for erased.
    expect(erased(conversation({ text: { rich: 'content' } }))).toBe(false);
  });

  it('each personal participant field left unmasked keeps the conversation from being erased', () => {
    for (const field of ['firstName', 'lastName', 'consumerName', 'email', 'phone']) {
      const page = conversation({});
      Object.assign(page.conversationHistoryRecords[0]?.consumerParticipants[0] ?? {}, { [field]: 'Jo' });
      expect(erased(page), field).toBe(false);
    }
  });

  it('parses only what the check needs and keeps no value', () => {
    const parsed = conversationCheckPageSchema.parse(conversation({ text: 'secret words' }));
    expect(JSON.stringify(parsed)).not.toContain('secret words');
    expect(parsed.records[0]).toMatchObject({ id: 'c-1', startTime: Date.parse('2026-06-05T10:37:32.271Z') });
  });

  it('a chat is erased when lines, the visitor name, survey answers and SDEs are masked', () => {
    const chat = (line: string) => ({
      _metadata: { count: 1 },
      interactionHistoryRecords: [
        {
          info: { engagementId: '203762324294967901', visitorName: MASK, startTimeL: 1 },
          transcript: { lines: [{ text: line, by: MASK }] },
          surveys: { preChat: [{ name: 'Email', value: SOURCE_MASK }] },
          sdes: { events: [{ personalInfo: { personalInfo: { name: SOURCE_MASK } } }] },
        },
      ],
    });
    expect(chatCheckPageSchema.parse(chat(MASK)).records[0]?.erased).toBe(true);
    expect(chatCheckPageSchema.parse(chat('Hello, I am Jo')).records[0]?.erased).toBe(false);
  });
});
