import type { DeletionRequest } from '../../domain/request.js';
import { plural } from '../format.js';
import { ACTION, BLOCK } from '../ids.js';
import { button, buttonRow, section, type SlackMessage } from './parts.js';

/**
 * In the lead's thread: held-back conversations have closed; the button files them for a new four-eyes
 * approval (the clicker files it, so someone else must approve).
 */
export function heldBackClosedMessage(
  lead: Pick<DeletionRequest, 'id'>,
  conversationIds: readonly string[],
): SlackMessage {
  const count = conversationIds.length;
  const text = `${plural(count, 'held-back conversation')} ${count === 1 ? 'is' : 'are'} now closed`;
  return {
    text,
    blocks: [
      section(
        `:white_check_mark: *${text}.* LivePerson can delete ${count === 1 ? 'it' : 'them'} now. ` +
          'Filing them starts a new approval: someone other than the person who clicks must approve it.',
      ),
      buttonRow(BLOCK.heldBack, button(ACTION.fileHeldBack, 'File them for approval', lead.id)),
    ],
  };
}
