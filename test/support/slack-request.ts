/**
 * Requests as Slack sends them to the app: signed with the real v0 HMAC, form-encoded with the exact
 * content type Bolt expects, and typed payload factories for interactions.
 */
import { createHmac } from 'node:crypto';
import type { BlockAction, ButtonAction, ViewStateValue, ViewSubmitAction } from '@slack/bolt';
import { BLOCK, COMMAND } from '../../src/slack/ids.js';

export interface SlackSignatureHeaders {
  'x-slack-request-timestamp': string;
  'x-slack-signature': string;
}

/** `v0=` + hex HMAC-SHA256(secret, `v0:{timestamp}:{body}`), as Slack signs every request. */
export function signSlackRequest(
  signingSecret: string,
  rawBody: string,
  timestampSeconds: number,
): SlackSignatureHeaders {
  const digest = createHmac('sha256', signingSecret)
    .update(`v0:${timestampSeconds}:${rawBody}`)
    .digest('hex');
  return { 'x-slack-request-timestamp': String(timestampSeconds), 'x-slack-signature': `v0=${digest}` };
}

export interface SendOptions {
  /** Unix seconds; defaults to now. Set it 6 minutes back to test Bolt's replay protection. */
  timestamp?: number;
  /** Replaces the computed signature, to test that a bad one is refused. */
  signature?: string;
}

export interface SlackResponse {
  status: number;
  /** Parsed JSON when the app answered JSON, else the raw text ('' for an empty ack). */
  body: unknown;
}

export interface SlashCommandFields {
  user_id: string;
  text: string;
  trigger_id: string;
  channel_id?: string;
  command?: string;
  user_name?: string;
  team_id?: string;
  team_domain?: string;
  channel_name?: string;
  api_app_id?: string;
  response_url?: string;
}

async function postSigned(
  appUrl: string,
  signingSecret: string,
  rawBody: string,
  opts: SendOptions = {},
): Promise<SlackResponse> {
  const timestamp = opts.timestamp ?? Math.floor(Date.now() / 1000);
  const headers = signSlackRequest(signingSecret, rawBody, timestamp);
  if (opts.signature !== undefined) headers['x-slack-signature'] = opts.signature;
  const response = await fetch(`${appUrl.replace(/\/$/, '')}/slack/events`, {
    method: 'POST',
    // Exactly this: Bolt compares the content type with ===, so "; charset=utf-8" would break parsing.
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: rawBody,
  });
  const text = await response.text();
  let body: unknown = text;
  if (text !== '' && (response.headers.get('content-type') ?? '').includes('json')) {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  return { status: response.status, body };
}

/** POSTs a slash command the way Slack does, with all the fields Slack sends. */
export function sendSlashCommand(
  appUrl: string,
  signingSecret: string,
  fields: SlashCommandFields,
  opts?: SendOptions,
): Promise<SlackResponse> {
  const form = new URLSearchParams({
    token: 'legacy-verification-token',
    team_id: fields.team_id ?? 'T0TEST',
    team_domain: fields.team_domain ?? 'test-workspace',
    channel_id: fields.channel_id ?? 'C0PRIVACY',
    channel_name: fields.channel_name ?? 'privacy',
    user_id: fields.user_id,
    user_name: fields.user_name ?? fields.user_id.toLowerCase(),
    command: fields.command ?? COMMAND,
    text: fields.text,
    api_app_id: fields.api_app_id ?? 'A0TEST',
    is_enterprise_install: 'false',
    response_url: fields.response_url ?? 'https://hooks.slack.com/commands/T0TEST/1/test',
    trigger_id: fields.trigger_id,
  });
  return postSigned(appUrl, signingSecret, form.toString(), opts);
}

/** POSTs an interaction (`payload=<json>`) the way Slack does. */
export function sendInteraction(
  appUrl: string,
  signingSecret: string,
  payload: object,
  opts?: SendOptions,
): Promise<SlackResponse> {
  const form = new URLSearchParams({ payload: JSON.stringify(payload) });
  return postSigned(appUrl, signingSecret, form.toString(), opts);
}

const TEAM = { id: 'T0TEST', domain: 'test-workspace' };

export interface BlockActionsInput {
  user: string;
  actionId: string;
  value: string;
  channel: string;
  messageTs: string;
  blockId?: string;
  triggerId: string;
  /** The clicked message's blocks, as Slack echoes them back; empty by default. */
  messageBlocks?: unknown[];
}

/** A button click on a message, as Slack sends it. */
export function blockActionsPayload(input: BlockActionsInput): BlockAction<ButtonAction> {
  const actionTs = `${Math.floor(Date.now() / 1000)}.000001`;
  return {
    type: 'block_actions',
    team: TEAM,
    user: {
      id: input.user,
      username: input.user.toLowerCase(),
      name: input.user.toLowerCase(),
      team_id: TEAM.id,
    },
    api_app_id: 'A0TEST',
    token: 'legacy-verification-token',
    trigger_id: input.triggerId,
    response_url: `https://hooks.slack.com/actions/T0TEST/1/${input.messageTs}`,
    container: {
      type: 'message',
      message_ts: input.messageTs,
      channel_id: input.channel,
      is_ephemeral: false,
    },
    channel: { id: input.channel, name: 'privacy' },
    message: { type: 'message', ts: input.messageTs, text: '', blocks: input.messageBlocks ?? [] },
    actions: [
      {
        type: 'button',
        action_id: input.actionId,
        block_id: input.blockId ?? BLOCK.decision,
        value: input.value,
        text: { type: 'plain_text', text: 'Button' },
        action_ts: actionTs,
      },
    ],
  };
}

/** `state.values[blockId][actionId]`: a text input's value or a select's chosen option. */
export type ViewValues = Record<string, Record<string, ViewStateValue>>;

/** Shorthands for building `ViewValues`. */
export const viewValue = {
  text(value: string | null): ViewStateValue {
    return { type: 'plain_text_input', value };
  },
  select(value: string | null, label: string = value ?? ''): ViewStateValue {
    return {
      type: 'static_select',
      selected_option: value === null ? null : { text: { type: 'plain_text', text: label }, value },
    };
  },
};

export interface ViewSubmissionInput {
  user: string;
  callbackId: string;
  values: ViewValues;
  privateMetadata: string;
  triggerId: string;
  viewId?: string;
}

/** A modal's submission, as Slack sends it. */
export function viewSubmissionPayload(input: ViewSubmissionInput): ViewSubmitAction {
  return {
    type: 'view_submission',
    team: TEAM,
    user: { id: input.user, name: input.user.toLowerCase(), team_id: TEAM.id },
    api_app_id: 'A0TEST',
    token: 'legacy-verification-token',
    trigger_id: input.triggerId,
    view: {
      id: input.viewId ?? 'V0TEST',
      team_id: TEAM.id,
      type: 'modal',
      callback_id: input.callbackId,
      private_metadata: input.privateMetadata,
      app_id: 'A0TEST',
      bot_id: 'B0TEST',
      title: { type: 'plain_text', text: 'LivePerson deletion' },
      close: { type: 'plain_text', text: 'Cancel' },
      submit: { type: 'plain_text', text: 'Send for approval' },
      blocks: [],
      state: { values: input.values },
      hash: '1700000000.abcdef',
      root_view_id: input.viewId ?? 'V0TEST',
      previous_view_id: null,
      clear_on_close: false,
      notify_on_close: false,
    },
    response_urls: [],
  };
}
