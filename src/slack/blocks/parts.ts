/** Small pieces the Block Kit builders share. Pure. */
import type { types } from '@slack/bolt';
import type { DeletionRequest } from '../../domain/request.js';
import { DELETION_TYPE_LABELS } from '../../domain/types.js';
import { escapeMrkdwn, mention, plural, slackDate, truncate } from '../format.js';

// Bolt re-exports @slack/types as a namespace; taking the types from there keeps @slack/bolt our only
// declared Slack dependency.
export type KnownBlock = types.KnownBlock;
export type ModalView = types.ModalView;
export type SectionBlock = types.SectionBlock;

/** What chat.postMessage / chat.update / chat.postEphemeral take: blocks plus the notification text. */
export interface SlackMessage {
  /** Notification and screen-reader fallback. Never holds LivePerson ids or the reason. */
  text: string;
  blocks: KnownBlock[];
}

export const SECTION_TEXT_MAX = 3000;
const HEADER_TEXT_MAX = 150;
/** The reason / rejection note inputs' max_length; escaping can grow it at most five-fold (`&` → `&amp;`). */
export const REASON_MAX = 500;

export function plainText(text: string): types.PlainTextElement {
  return { type: 'plain_text', text, emoji: true };
}

export function header(text: string): types.HeaderBlock {
  return { type: 'header', text: plainText(truncate(text, HEADER_TEXT_MAX)) };
}

/** A mrkdwn section; `text` must already be escaped where a person typed it. */
export function section(text: string): SectionBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: truncate(text, SECTION_TEXT_MAX) } };
}

export function fieldsSection(fields: string[]): SectionBlock {
  return {
    type: 'section',
    fields: fields.slice(0, 10).map((text) => ({ type: 'mrkdwn', text: truncate(text, 2000) })),
  };
}

export function context(...lines: string[]): types.ContextBlock {
  return {
    type: 'context',
    elements: lines.slice(0, 10).map((text) => ({ type: 'mrkdwn', text: truncate(text, SECTION_TEXT_MAX) })),
  };
}

/** A text box; `initialValue` (a prefill) is cut to `maxLength`. */
export function textInput(opts: {
  blockId: string;
  actionId: string;
  label: string;
  hint: string;
  placeholder: string;
  maxLength: number;
  multiline?: boolean;
  optional?: boolean;
  initialValue?: string | undefined;
}): types.InputBlock {
  const element: types.PlainTextInput = {
    type: 'plain_text_input',
    action_id: opts.actionId,
    multiline: opts.multiline,
    max_length: opts.maxLength,
    placeholder: plainText(opts.placeholder),
  };
  // Slack refuses an initial_value longer than max_length, so a long prefill is cut rather than lost.
  if (opts.initialValue) element.initial_value = truncate(opts.initialValue, opts.maxLength);
  return {
    type: 'input',
    block_id: opts.blockId,
    optional: opts.optional,
    label: plainText(opts.label),
    hint: plainText(opts.hint),
    element,
  };
}

/** A button whose value is the request id its listener reads back; `extra`: a style, a confirm dialog. */
export function button(
  actionId: string,
  label: string,
  value: string,
  extra: Pick<types.Button, 'style' | 'confirm'> = {},
): types.Button {
  return { type: 'button', action_id: actionId, text: plainText(label), value, ...extra };
}

/** Slack's dialog before a button acts: title, what happens, the confirm and the deny words. */
export function confirmDialog(title: string, text: string, confirm: string, deny: string) {
  return {
    title: plainText(title),
    text: plainText(text),
    confirm: plainText(confirm),
    deny: plainText(deny),
  };
}

export function buttonRow(blockId: string, ...buttons: types.Button[]): types.ActionsBlock {
  return { type: 'actions', block_id: blockId, elements: buttons };
}

/** A person-typed note (reason, rejection note), cut to the input's length and made inert. */
export function quoteNote(note: string): string {
  return escapeMrkdwn(truncate(note.trim(), REASON_MAX));
}

/** `*Messaging conversation* · 100 ids` */
export function typeAndCount(request: Pick<DeletionRequest, 'type' | 'ids'>): string {
  return `${DELETION_TYPE_LABELS[request.type]} · ${plural(request.ids.length, 'id')}`;
}

/** "Approved by <@U> on <date>" / "Rejected by <@U> on <date>: <note>", or undefined before a decision. */
export function decisionLine(request: DeletionRequest): string | undefined {
  const decision = request.decision;
  if (!decision) return undefined;
  const who = `${mention(decision.by)} on ${slackDate(decision.at)}`;
  if (decision.outcome === 'approved') return `Approved by ${who}`;
  const note = decision.reason ? `: ${quoteNote(decision.reason)}` : '';
  return `Rejected by ${who}${note}`;
}

/** The request's status in words, for the approval message's last line. */
export function statusInWords(request: DeletionRequest): string {
  switch (request.status) {
    case 'pending_approval':
      return 'Waiting for approval.';
    case 'rejected':
      return 'Rejected: nothing was sent to LivePerson.';
    case 'submitting':
      return 'Submitting to LivePerson…';
    case 'submitted':
      return request.lpRecord
        ? `Submitted as LivePerson request ${escapeMrkdwn(request.lpRecord.requestId)}.`
        : 'Submitted to LivePerson.';
    case 'failed':
      return 'Failed: LivePerson did not accept it, nothing was deleted. See the thread.';
    case 'outcome_unknown':
      return 'Outcome unknown: LivePerson may or may not have received it. See the thread before filing again.';
    case 'cancelled':
      return request.lpRecord
        ? `Cancelled at LivePerson (request ${escapeMrkdwn(request.lpRecord.requestId)}): nothing will be deleted.`
        : 'Cancelled: nothing will be deleted.';
    case 'expired':
      return 'Expired without a decision: nothing was sent to LivePerson.';
  }
}
