import { z } from 'zod';
import {
  blankToUndefined,
  mayBeAbsent,
  optionalString,
  optionalUrl,
  positiveInt,
  slackUserIds,
  upperCase,
  usergroupId,
} from './fields.js';

const PORT_RULE = 'must be a port number from 0 to 65535, such as 3000 (the HTTP port the app listens on)';

/** The Slack app's settings, keyed by variable and shaped into the config by the transform. */
export const slackSchema = z
  .object({
    SLACK_BOT_TOKEN: z.preprocess(
      blankToUndefined,
      z
        .string({ error: 'is required: the bot token (xoxb-…) from OAuth & Permissions' })
        .trim()
        .refine((v) => !v.startsWith('xapp-'), {
          error:
            'holds an app-level token (xapp-…): put it in SLACK_APP_TOKEN, and set SLACK_BOT_TOKEN to the Bot User OAuth Token (xoxb-…) from OAuth & Permissions',
          abort: true,
        })
        .refine((v) => !v.startsWith('xoxp-'), {
          error:
            'holds a user token (xoxp-…): set it to the Bot User OAuth Token (xoxb-…) from OAuth & Permissions instead',
          abort: true,
        })
        .refine((v) => v.startsWith('xoxb-'), {
          error: 'must be the Bot User OAuth Token starting with xoxb- (OAuth & Permissions)',
        }),
    ),
    SLACK_SIGNING_SECRET: optionalString,
    SLACK_APP_TOKEN: z.preprocess(
      blankToUndefined,
      z
        .string()
        .trim()
        .refine((v) => !v.startsWith('xoxb-'), {
          error:
            'holds the bot token (xoxb-…): it belongs in SLACK_BOT_TOKEN; SLACK_APP_TOKEN is the app-level token (xapp-…) from Basic Information → App-Level Tokens',
          abort: true,
        })
        .refine((v) => v.startsWith('xapp-'), {
          error:
            'must be an app-level token starting with xapp- (Basic Information → App-Level Tokens, scope connections:write)',
        })
        .optional(),
    ),
    SLACK_API_URL: optionalUrl,
    PORT: z.preprocess(
      blankToUndefined,
      z.coerce
        .number({ error: PORT_RULE })
        .int({ error: PORT_RULE })
        .min(0, { error: PORT_RULE })
        .max(65535, { error: PORT_RULE })
        .default(3000),
    ),
    PRIVACY_CHANNEL_ID: z.preprocess(
      upperCase,
      z
        .string({ error: 'is required: the id (C…) of the channel where approvals are posted' })
        .regex(/^[CG][A-Z0-9]+$/, {
          error: "must be a channel id such as C0123ABCD, not its name (see the channel's details)",
        }),
    ),
    APPROVER_USER_IDS: slackUserIds,
    APPROVER_USERGROUP_ID: usergroupId,
    REQUESTER_USER_IDS: slackUserIds,
    APPROVAL_REMINDER_HOURS: positiveInt(24),
    APPROVAL_EXPIRY_DAYS: positiveInt(7),
    STATUS_POLL_MINUTES: z.preprocess(
      blankToUndefined,
      z.coerce
        .number({ error: 'must be a number of minutes' })
        .positive({ error: 'must be greater than 0' })
        .default(360),
    ),
    REQUESTER_USERGROUP_ID: usergroupId,
  })
  .transform((s) =>
    Object.freeze({
      botToken: s.SLACK_BOT_TOKEN,
      ...mayBeAbsent({
        signingSecret: s.SLACK_SIGNING_SECRET,
        appToken: s.SLACK_APP_TOKEN,
        apiUrl: s.SLACK_API_URL,
      }),
      port: s.PORT,
      privacyChannelId: s.PRIVACY_CHANNEL_ID,
      approverUserIds: Object.freeze([...s.APPROVER_USER_IDS]),
      ...mayBeAbsent({ approverUsergroupId: s.APPROVER_USERGROUP_ID }),
      requesterUserIds: Object.freeze([...s.REQUESTER_USER_IDS]),
      ...mayBeAbsent({ requesterUsergroupId: s.REQUESTER_USERGROUP_ID }),
      /** A pending approval gets one reminder in its thread after this many hours. */
      approvalReminderHours: s.APPROVAL_REMINDER_HOURS,
      /** A pending approval expires after this many days. */
      approvalExpiryDays: s.APPROVAL_EXPIRY_DAYS,
      /** Submitted requests are checked at LivePerson this often until final (decimals allowed). */
      statusPollMinutes: s.STATUS_POLL_MINUTES,
    }),
  );

/** Rules across settings, checked on the raw environment so they are reported alongside any other problem. */
export function slackCrossFieldProblems(env: Record<string, string | undefined>): string[] {
  const set = (name: string) => Boolean(env[name]?.trim());
  const problems: string[] = [];
  if (!set('SLACK_APP_TOKEN') && !set('SLACK_SIGNING_SECRET')) {
    problems.push(
      'SLACK_SIGNING_SECRET is missing: set it (Basic Information → Signing Secret), ' +
        'or SLACK_APP_TOKEN (xapp-…) for Socket Mode',
    );
  }
  if (!set('APPROVER_USER_IDS') && !set('APPROVER_USERGROUP_ID')) {
    problems.push(
      'no approvers: set APPROVER_USER_IDS (comma-separated U… ids) and/or APPROVER_USERGROUP_ID (S…)',
    );
  }
  return problems;
}
