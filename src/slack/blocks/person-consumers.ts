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
 * Namesakes: every consumer with its conversations' count and first and last dates, each UNTICKED (a name,
 * or an identifier that leads to several consumers, may be several people). Only ticked ones are filed.
 */
export function consumerChoiceBlocks(consumers: readonly ConsumerMatch[]): KnownBlock[] {
  const shown = consumers.slice(0, KEYWORD_HITS_PER_GROUP * KEYWORD_HITS_MAX_GROUPS);
  const blocks: KnownBlock[] = [
    section(
      `:busts_in_silhouette: *${consumersMatchText(consumers.length)}.* They may be different people with the same ` +
        'name or details. Tick only those you have checked are this person: nothing of an unticked consumer is filed.',
    ),
  ];
  const groups = Math.ceil(shown.length / KEYWORD_HITS_PER_GROUP);
  for (let index = 0; index < groups; index++) {
    const group = shown.slice(index * KEYWORD_HITS_PER_GROUP, (index + 1) * KEYWORD_HITS_PER_GROUP);
    blocks.push({
      type: 'input',
      block_id: consumersBlockId(index),
      optional: true,
      label: plainText(groups > 1 ? `Consumers (${index + 1} of ${groups})` : 'Consumers'),
      element: { type: 'checkboxes', action_id: PERSON_ACTION.consumers, options: group.map(consumerOption) },
    });
  }
  if (consumers.length > shown.length) {
    blocks.push(
      context(
        `${plural(consumers.length - shown.length, 'more consumer')} not shown, and not filed. A more specific identifier (an email address or consumer id) finds fewer.`,
      ),
    );
  }
  return blocks;
}

/** The plan section while nothing is chosen yet (the plan is worked out from the ticks when sent). */
export const NOTHING_CHOSEN_TEXT =
  '*Nothing is chosen yet.* Tick the consumers (and mentions) that are this person; what they become is ' +
  'worked out when you send it, and the approver sees it before anything reaches LivePerson.';
