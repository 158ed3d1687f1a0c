/** The namesake choice in the person result view, and its count on the approval message. Pure. */
import type { types } from '@slack/bolt';
import type { DeletionRequest } from '../../domain/request.js';
import type { ConsumerMatch } from '../../service/person-search-result.js';
import { plural, truncate } from '../format.js';
import { consumersBlockId, KEYWORD_HITS_MAX_GROUPS, KEYWORD_HITS_PER_GROUP, PERSON_ACTION } from '../ids.js';
import { context, plainText, section, type KnownBlock } from './parts.js';

/** "2 different consumers match" (one: "1 consumer matches"). */
function consumersMatchText(count: number): string {
  return count === 1 ? '1 consumer matches' : `${count} different consumers match`;
}

/** On the approval message: "2 different consumers match; 1 chosen". */
export function namesakesLine(request: Pick<DeletionRequest, 'namesakes'>): string | undefined {
  const n = request.namesakes;
  return n ? `${consumersMatchText(n.matched)}; ${n.chosen} chosen` : undefined;
}

function day(iso: string | null): string {
  return iso ? iso.slice(0, 10) : '?';
}

/** "Messaging · 12 conversations · 2025-11-02 to 2026-10-01", the consumer id under it. */
function consumerOption(consumer: ConsumerMatch): types.Option {
  const count = consumer.closedConversationIds.length + consumer.openConversationIds.length;
  const what =
    consumer.channel === 'chat'
      ? `Chat visitor · ${plural(count, 'chat')}`
      : `Messaging · ${plural(count, 'conversation')}`;
  return {
    text: plainText(truncate(`${what} · ${day(consumer.firstDate)} to ${day(consumer.lastDate)}`, 75)),
    description: plainText(truncate(consumer.consumerId, 75)),
    value: consumer.consumerId,
  };
}

/**
 * Ticks for at most KEYWORD_HITS_MAX_GROUPS × KEYWORD_HITS_PER_GROUP options (Slack takes 10 checkboxes per
 * element), one input block per group, labelled "Label (2 of 3)" when there are several; then what was
 * left out, if anything.
 */
export function checkboxGroups(
  options: readonly types.Option[],
  input: {
    label: string;
    actionId: string;
    blockId: (group: number) => string;
    /** The sentence for options left out. */
    notShown: (count: number) => string;
  },
): KnownBlock[] {
  const shown = options.slice(0, KEYWORD_HITS_PER_GROUP * KEYWORD_HITS_MAX_GROUPS);
  const groups = Math.ceil(shown.length / KEYWORD_HITS_PER_GROUP);
  const blocks: KnownBlock[] = Array.from({ length: groups }, (_, index) => ({
    type: 'input',
    block_id: input.blockId(index),
    optional: true,
    label: plainText(groups > 1 ? `${input.label} (${index + 1} of ${groups})` : input.label),
    element: {
      type: 'checkboxes',
      action_id: input.actionId,
      options: shown.slice(index * KEYWORD_HITS_PER_GROUP, (index + 1) * KEYWORD_HITS_PER_GROUP),
    },
  }));
  const hidden = options.length - shown.length;
  if (hidden > 0) blocks.push(context(input.notShown(hidden)));
  return blocks;
}

/**
 * Namesakes: every consumer with its conversations' count and first and last dates, each UNTICKED (a name,
 * or an identifier that leads to several consumers, may be several people). Only ticked ones are filed.
 */
export function consumerChoiceBlocks(consumers: readonly ConsumerMatch[]): KnownBlock[] {
  return [
    section(
      `:busts_in_silhouette: *${consumersMatchText(consumers.length)}.* They may be different people with the same ` +
        'name or details. Tick only those you have checked are this person: nothing of an unticked consumer is filed.',
    ),
    ...checkboxGroups(consumers.map(consumerOption), {
      label: 'Consumers',
      actionId: PERSON_ACTION.consumers,
      blockId: consumersBlockId,
      notShown: (n) =>
        `${plural(n, 'more consumer')} not shown, and not filed. A more specific identifier (an email address or consumer id) finds fewer.`,
    }),
  ];
}

/** The plan section while nothing is chosen yet (the plan is worked out from the ticks when sent). */
export const NOTHING_CHOSEN_TEXT =
  '*Nothing is chosen yet.* Tick the consumers (and mentions) that are this person; what they become is ' +
  'worked out when you send it, and the approver sees it before anything reaches LivePerson.';
