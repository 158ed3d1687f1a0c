import type { SeededChat, SeededConversation } from './history-seed.js';
import type { HistoryStandInOptions } from './history-types.js';

/**
 * The answer shapes of the history APIs — full of names, emails, phone numbers and transcript text, as
 * LivePerson's are, so tests can prove none of it gets past the client.
 */

export const MI_CONTENT = [
  'campaign',
  'messageRecords',
  'agentParticipants',
  'agentParticipantsLeave',
  'agentParticipantsActive',
  'consumerParticipants',
  'transfers',
  'interactions',
  'messageScores',
  'messageStatuses',
  'conversationSurveys',
  'coBrowseSessions',
  'summary',
  'sdes',
  'unAuthSdes',
  'monitoring',
  'dialogs',
  'responseTime',
  'skillChanges',
  'intents',
  'uniqueIntents',
  'latestAgentSurvey',
  'previouslySubmittedAgentSurveys',
];

/** A time as the examples write it: "2016-08-29 14:30:24.565+0000". */
const iso = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '+0000');

/**
 * `info` times as the examples show them: the text and the epoch ms side by side (an open conversation:
 * `endTimeL` -1 and no end text); only the epoch ms with `epochTimesOnly`.
 */
function times(start: number, end: number | null, options: HistoryStandInOptions) {
  const epochs = { startTimeL: start, endTimeL: end ?? -1 };
  if (options.epochTimesOnly) return epochs;
  return end === null
    ? { startTime: iso(start), ...epochs }
    : { startTime: iso(start), ...epochs, endTime: iso(end) };
}

/** One `conversationHistoryRecords[]` element, with only the parts `content` asks for (all when absent). */
export function conversationRecord(
  c: SeededConversation,
  data: { accountId: string; options: HistoryStandInOptions },
  content: readonly string[] | undefined,
) {
  const accountId = data.accountId;
  const wants = (part: string) => content === undefined || content.includes(part);
  const consumer = c.consumer;
  const record: Record<string, unknown> = {
    info: {
      conversationId: c.conversationId,
      brandId: accountId,
      status: c.status,
      fullDialogStatus: c.status,
      ...times(c.startTime, c.endTime, data.options),
      duration: c.endTime === null ? 0 : c.endTime - c.startTime,
      latestAgentFullName: 'Sandra Agent',
      latestAgentLoginName: 'sandra.agent@brand.example',
      isPartial: false,
      closeReason: c.status === 'CLOSE' ? 'CONSUMER' : undefined,
    },
  };
  if (wants('consumerParticipants')) {
    record.consumerParticipants = consumer
      ? [
          {
            participantId: consumer.participantId,
            firstName: consumer.firstName ?? '',
            lastName: consumer.lastName ?? '',
            consumerName: [consumer.firstName, consumer.lastName].filter(Boolean).join(' '),
            email: consumer.email ?? '',
            phone: consumer.phone ?? '',
            token: 'consumer-token-do-not-leak',
            avatarURL: '',
            time: iso(c.startTime),
            timeL: c.startTime,
            joinTime: iso(c.startTime),
            joinTimeL: c.startTime,
            dialogId: c.conversationId,
            consumerRole: 'CONSUMER',
          },
        ]
      : [];
  }
  if (wants('messageRecords')) {
    record.messageRecords = c.messages.map((text, seq) => ({
      type: 'TEXT_PLAIN',
      messageData: { msg: { text } },
      messageId: `ms::conv:${c.conversationId}::msg:${seq}`,
      seq,
      dialogId: c.conversationId,
      participantId: seq % 2 === 0 ? (consumer?.participantId ?? 'unknown') : 'agent-1',
      source: 'APP',
      time: iso(c.startTime + seq * 1000),
      timeL: c.startTime + seq * 1000,
      sentBy: seq % 2 === 0 ? 'Consumer' : 'Agent',
    }));
  }
  if (wants('sdes')) {
    record.sdes = {
      events: [
        ...c.personalInfo.map((value) => ({
          sdeType: 'PERSONAL_INFO',
          serverTimeStamp: String(c.startTime),
          personalInfo: {
            serverTimeStamp: String(c.startTime),
            personalInfo: {
              name: value,
              contacts: [{ personalContact: { email: value, phone: consumer?.phone ?? '' } }],
            },
          },
        })),
        ...c.customerInfo.map((value) => ({
          sdeType: 'CUSTOMER_INFO',
          serverTimeStamp: String(c.startTime),
          customerInfo: {
            serverTimeStamp: String(c.startTime),
            customerInfo: { customerId: value, customerStatus: 'gold' },
          },
        })),
        ...c.userUpdate.map((value) => ({
          sdeType: 'USER_UPDATE',
          serverTimeStamp: String(c.startTime),
          userUpdate: { serverTimeStamp: String(c.startTime), userUpdate: { userProfile: value } },
        })),
      ],
    };
  }
  return record;
}

/** One `interactionHistoryRecords[]` element, transcript and all, as Engagement History answers. */
export function chatRecord(c: SeededChat, accountId: string, options: HistoryStandInOptions) {
  return {
    info: {
      engagementId: c.engagementId,
      visitorId: c.visitorId,
      visitorName: c.visitorName,
      accountId,
      ...times(c.startTime, c.endTime, options),
      duration: c.endTime - c.startTime,
      ended: c.ended,
      isPartial: false,
      interactive: true,
      agentName: 'Sandra Agent',
      chatStartUrl: 'https://brand.example/help',
    },
    transcript: {
      lines: c.lines.map((text, i) => ({
        time: iso(c.startTime + i * 1000),
        timeL: c.startTime + i * 1000,
        text,
        by: i % 2 === 0 ? c.visitorName : 'Sandra Agent',
        source: i % 2 === 0 ? 'visitor' : 'agent',
        subType: 'REGULAR',
      })),
    },
    surveys: { preChat: c.surveyAnswers.map((value, i) => ({ name: `Question ${i + 1}`, value })) },
    visitorInfo: { ipAddress: '203.0.113.9', browser: 'Firefox', country: 'Ireland', values: c.visitorInfo },
    sdes: {
      events: [
        ...c.personalInfo.map((value) => ({ personalInfo: { personalInfo: { name: value } } })),
        ...c.customerInfo.map((value) => ({ customerInfo: { customerInfo: { customerId: value } } })),
      ],
    },
  };
}
