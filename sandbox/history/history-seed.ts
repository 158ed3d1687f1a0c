import { randomUUID } from 'node:crypto';

/** What a seeded conversation or chat holds, and how a test's loose input (dates, defaults) becomes one. */

export type SeedStatus = 'OPEN' | 'CLOSE';
type Time = Date | string | number;

export interface SeedConsumer {
  participantId: string;
  firstName?: string;
  lastName?: string;
  email?: string;
  phone?: string;
}

export interface SeedConversationInput {
  conversationId?: string;
  status: SeedStatus;
  startTime: Time;
  /** Defaults to 30 minutes after the start for a closed conversation. */
  endTime?: Time;
  consumer?: SeedConsumer;
  /** SDE values the brand sent, per SDE kind. */
  personalInfo?: string[];
  customerInfo?: string[];
  userUpdate?: string[];
  /** Message texts, in order. */
  messages?: string[];
}

export interface SeededConversation {
  conversationId: string;
  status: SeedStatus;
  startTime: number;
  endTime: number | null;
  consumer?: SeedConsumer;
  personalInfo: string[];
  customerInfo: string[];
  userUpdate: string[];
  messages: string[];
}

export interface SeedChatInput {
  /** Defaults to the account id followed by a chat number. */
  engagementId?: string;
  visitorId: string;
  visitorName?: string;
  startTime: Time;
  endTime?: Time;
  /** Engagement History only returns ended chats (default true). */
  ended?: boolean;
  personalInfo?: string[];
  customerInfo?: string[];
  /** Visitor info values (e.g. an email the visitor typed into a form). */
  visitorInfo?: string[];
  surveyAnswers?: string[];
  lines?: string[];
}

export interface SeededChat {
  engagementId: string;
  visitorId: string;
  visitorName: string;
  startTime: number;
  endTime: number;
  ended: boolean;
  personalInfo: string[];
  customerInfo: string[];
  visitorInfo: string[];
  surveyAnswers: string[];
  lines: string[];
}

const toMs = (t: Time) => (t instanceof Date ? t.getTime() : typeof t === 'number' ? t : Date.parse(t));

export function seedConversation(input: SeedConversationInput): SeededConversation {
  const startTime = toMs(input.startTime);
  const endTime =
    input.status === 'CLOSE'
      ? input.endTime !== undefined
        ? toMs(input.endTime)
        : startTime + 30 * 60_000
      : null;
  return {
    conversationId: input.conversationId ?? randomUUID(),
    status: input.status,
    startTime,
    endTime,
    consumer: input.consumer,
    personalInfo: input.personalInfo ?? [],
    customerInfo: input.customerInfo ?? [],
    userUpdate: input.userUpdate ?? [],
    messages: input.messages ?? [],
  };
}

export function seedChat(input: SeedChatInput, defaultEngagementId: string): SeededChat {
  const startTime = toMs(input.startTime);
  return {
    engagementId: input.engagementId ?? defaultEngagementId,
    visitorId: input.visitorId,
    visitorName: input.visitorName ?? 'Visitor',
    startTime,
    endTime: input.endTime !== undefined ? toMs(input.endTime) : startTime + 20 * 60_000,
    ended: input.ended ?? true,
    personalInfo: input.personalInfo ?? [],
    customerInfo: input.customerInfo ?? [],
    visitorInfo: input.visitorInfo ?? [],
    surveyAnswers: input.surveyAnswers ?? [],
    lines: input.lines ?? [],
  };
}
