import { z } from 'zod';
import type { Logger } from '../../log.js';
import type { MessageRef } from '../../service/ports.js';

/** The few payload fields the listeners rely on, validated so a malformed request is refused cleanly. */
export const blockActionSchema = z.object({
  user: z.object({ id: z.string() }),
  trigger_id: z.string().optional(),
  container: z.object({ channel_id: z.string().optional(), message_ts: z.string().optional() }).optional(),
  channel: z.object({ id: z.string() }).optional(),
  message: z.object({ ts: z.string() }).optional(),
  actions: z.array(z.object({ action_id: z.string(), value: z.string().max(255).optional() })).min(1),
});
type BlockActionBody = z.infer<typeof blockActionSchema>;

const stateValueSchema = z.object({
  value: z.string().nullish(),
  selected_option: z.object({ value: z.string() }).nullish(),
  selected_date: z.string().nullish(),
  selected_options: z.array(z.object({ value: z.string() })).nullish(),
});
export const viewSubmissionSchema = z.object({
  user: z.object({ id: z.string() }),
  view: z.object({
    id: z.string().optional(),
    hash: z.string().optional(),
    private_metadata: z.string().optional(),
    state: z.object({ values: z.record(z.string(), z.record(z.string(), stateValueSchema)) }),
  }),
});
export type ViewSubmissionBody = z.infer<typeof viewSubmissionSchema>;

/** The ack that shows `text` under the form's block `blockId`: the view stays open, nothing typed is lost. */
export function fieldError(blockId: string, text: string) {
  return { response_action: 'errors' as const, errors: { [blockId]: text } };
}

export function stateValue(body: ViewSubmissionBody, blockId: string, actionId: string) {
  return body.view.state.values[blockId]?.[actionId];
}

/** Where an action's message is: the button's own message, so decisions cannot be replayed elsewhere. */
function messageRef(body: BlockActionBody): MessageRef | undefined {
  const channelId = body.container?.channel_id ?? body.channel?.id;
  const ts = body.container?.message_ts ?? body.message?.ts;
  return channelId && ts ? { channelId, ts } : undefined;
}

/**
 * Reads a button click of the five request buttons: the request id its value holds, who clicked, and on
 * which message. A malformed one is logged (by `action`) and dropped.
 */
export function parseAction(body: unknown, log: Logger, action: string) {
  const parsed = blockActionSchema.safeParse(body);
  const requestId = parsed.success ? parsed.data.actions[0]?.value : undefined;
  if (!parsed.success || !requestId) {
    log.warn('malformed_action', { action });
    return undefined;
  }
  return {
    requestId,
    userId: parsed.data.user.id,
    at: messageRef(parsed.data),
    triggerId: parsed.data.trigger_id,
  };
}
export type ParsedAction = NonNullable<ReturnType<typeof parseAction>>;

/** A view's private_metadata read back: undefined when it is not JSON. */
export function safeJson(text: string | undefined): unknown {
  try {
    return JSON.parse(text ?? '');
  } catch {
    return undefined;
  }
}

export const rejectMetadataSchema = z.object({
  requestId: z.string(),
  channelId: z.string(),
  ts: z.string(),
});
