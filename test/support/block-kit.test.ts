import { describe, expect, it } from 'vitest';
import { checkBlockKit } from './block-kit.js';

const section = (text: string, extra: Record<string, unknown> = {}) => ({
  type: 'section',
  text: { type: 'mrkdwn', text },
  ...extra,
});
const plain = (text: string) => ({ type: 'plain_text', text });
const button = (extra: Record<string, unknown> = {}) => ({
  type: 'button',
  action_id: 'a',
  text: plain('Go'),
  ...extra,
});
const modal = (extra: Record<string, unknown> = {}) => ({
  type: 'modal',
  title: plain('Title'),
  blocks: [section('hi')],
  ...extra,
});

/** Asserts exactly one violation, mentioning `fragment`. */
function expectOne(violations: string[], fragment: string | RegExp): void {
  expect(violations).toHaveLength(1);
  expect(violations[0]).toMatch(fragment);
}

describe('checkBlockKit', () => {
  it('accepts a valid message, modal and home view', () => {
    expect(checkBlockKit('message', { text: 'hi', blocks: [section('hi')] })).toEqual([]);
    expect(checkBlockKit('modal', modal())).toEqual([]);
    expect(checkBlockKit('home', { type: 'home', blocks: [section('hi')] })).toEqual([]);
  });

  it('counts blocks: 50 in a message, 100 in a view', () => {
    const blocks = (n: number) => Array.from({ length: n }, () => ({ type: 'divider' }));
    expect(checkBlockKit('message', { text: 'x', blocks: blocks(50) })).toEqual([]);
    expectOne(checkBlockKit('message', { text: 'x', blocks: blocks(51) }), /51 blocks \(max 50/);
    expect(checkBlockKit('modal', modal({ blocks: blocks(100) }))).toEqual([]);
    expectOne(checkBlockKit('home', { type: 'home', blocks: blocks(101) }), /101 blocks \(max 100/);
  });

  it('limits section text to 3,000 and fields to 10 of 2,000', () => {
    expect(checkBlockKit('message', { blocks: [section('x'.repeat(3000))] })).toEqual([]);
    expectOne(
      checkBlockKit('message', { blocks: [section('x'.repeat(3001))] }),
      /3001 characters \(max 3000/,
    );
    const field = (n: number) => ({ type: 'mrkdwn', text: 'x'.repeat(n) });
    expectOne(
      checkBlockKit('message', {
        blocks: [{ type: 'section', fields: Array.from({ length: 11 }, () => field(1)) }],
      }),
      /11 fields/,
    );
    expectOne(
      checkBlockKit('message', { blocks: [{ type: 'section', fields: [field(2001)] }] }),
      /section field/,
    );
  });

  it('refuses a duplicate block_id', () => {
    expectOne(
      checkBlockKit('message', {
        blocks: [section('a', { block_id: 'b1' }), section('b', { block_id: 'b1' })],
      }),
      /duplicate block_id b1/,
    );
  });

  it('limits modal title, submit and close to 24 plain_text characters', () => {
    expectOne(checkBlockKit('modal', modal({ title: plain('x'.repeat(25)) })), /modal title is 25/);
    expectOne(checkBlockKit('modal', modal({ submit: plain('x'.repeat(25)) })), /modal submit/);
    expectOne(checkBlockKit('modal', modal({ title: { type: 'mrkdwn', text: 'T' } })), /must be plain_text/);
  });

  it('limits private_metadata and ids', () => {
    expectOne(checkBlockKit('modal', modal({ private_metadata: 'x'.repeat(3001) })), /private_metadata/);
    expectOne(checkBlockKit('modal', modal({ callback_id: 'c'.repeat(256) })), /callback_id/);
    expectOne(
      checkBlockKit('message', {
        blocks: [{ type: 'actions', elements: [button({ action_id: 'a'.repeat(256) })] }],
      }),
      /action_id/,
    );
  });

  it('checks headers: plain_text, 150 characters', () => {
    expect(checkBlockKit('message', { blocks: [{ type: 'header', text: plain('x'.repeat(150)) }] })).toEqual(
      [],
    );
    expectOne(
      checkBlockKit('message', { blocks: [{ type: 'header', text: plain('x'.repeat(151)) }] }),
      /header text/,
    );
    expectOne(
      checkBlockKit('message', { blocks: [{ type: 'header', text: { type: 'mrkdwn', text: '*h*' } }] }),
      /must be plain_text/,
    );
  });

  it('checks buttons, confirm dialogs and actions blocks', () => {
    const actions = (...elements: unknown[]) => ({ blocks: [{ type: 'actions', elements }] });
    expectOne(checkBlockKit('message', actions(button({ text: plain('x'.repeat(76)) }))), /button text/);
    expectOne(checkBlockKit('message', actions(button({ value: 'v'.repeat(2001) }))), /button value/);
    expectOne(
      checkBlockKit('message', actions(button({ text: { type: 'mrkdwn', text: 'Go' } }))),
      /plain_text/,
    );
    expectOne(checkBlockKit('message', actions(button({ style: 'green' }))), /style/);
    const confirm = {
      title: plain('T'),
      text: plain('x'.repeat(301)),
      confirm: plain('OK'),
      deny: plain('No'),
    };
    expectOne(checkBlockKit('message', actions(button({ confirm }))), /confirm text is 301/);
    expectOne(
      checkBlockKit(
        'message',
        actions(button({ confirm: { ...confirm, text: plain('ok'), deny: plain('n'.repeat(31)) } })),
      ),
      /deny button/,
    );
    const many = Array.from({ length: 26 }, (_, i) => button({ action_id: `a${i}` }));
    expectOne(checkBlockKit('message', actions(...many)), /26 actions elements/);
  });

  it('checks selects and text inputs', () => {
    const option = (i: number) => ({ text: plain(`Option ${i}`), value: `v${i}` });
    const input = (element: Record<string, unknown>) =>
      modal({ submit: plain('OK'), blocks: [{ type: 'input', label: plain('L'), element }] });
    const select = (extra: Record<string, unknown>) => ({ type: 'static_select', action_id: 's', ...extra });
    expectOne(
      checkBlockKit('modal', input(select({ options: Array.from({ length: 101 }, (_, i) => option(i)) }))),
      /101 options/,
    );
    expectOne(
      checkBlockKit('modal', input(select({ options: [{ text: plain('x'.repeat(76)), value: 'v' }] }))),
      /option text/,
    );
    expectOne(
      checkBlockKit('modal', input(select({ options: [{ text: plain('x'), value: 'v'.repeat(151) }] }))),
      /option value/,
    );
    expectOne(
      checkBlockKit('modal', input(select({ options: [option(1)], initial_option: option(2) }))),
      /not one of the options/,
    );
    const text = (extra: Record<string, unknown>) => ({ type: 'plain_text_input', action_id: 't', ...extra });
    expectOne(checkBlockKit('modal', input(text({ max_length: 3001 }))), /max_length 3001/);
    expectOne(
      checkBlockKit('modal', input(text({ max_length: 10, initial_value: 'x'.repeat(11) }))),
      /initial_value/,
    );
  });

  it('needs submit on a modal with inputs', () => {
    expectOne(
      checkBlockKit(
        'modal',
        modal({
          blocks: [
            { type: 'input', label: plain('L'), element: { type: 'plain_text_input', action_id: 't' } },
          ],
        }),
      ),
      /needs submit/,
    );
  });

  it('limits context to 10 elements', () => {
    const elements = Array.from({ length: 11 }, () => ({ type: 'mrkdwn', text: 'x' }));
    expectOne(checkBlockKit('message', { blocks: [{ type: 'context', elements }] }), /11 context elements/);
  });

  it('limits the total text of a message’s blocks (msg_blocks_too_long)', () => {
    const blocks = Array.from({ length: 5 }, () => section('x'.repeat(2500)));
    expectOne(checkBlockKit('message', { text: 't', blocks }), /msg_blocks_too_long/);
  });

  it('limits message text to 40,000', () => {
    expectOne(checkBlockKit('message', { text: 'x'.repeat(40_001) }), /message text/);
  });

  it('refuses broken structure', () => {
    expectOne(checkBlockKit('message', { blocks: [{ type: 'carousel_of_doom' }] }), /unknown block type/);
    expectOne(checkBlockKit('message', { blocks: [{ type: 'section' }] }), /needs text or fields/);
    expectOne(checkBlockKit('message', { blocks: [section('')] }), /missing its text/);
    expectOne(
      checkBlockKit('message', { blocks: [{ type: 'section', text: { type: 'html', text: 'x' } }] }),
      /text type html/,
    );
    expectOne(checkBlockKit('message', {}), /needs text or blocks/);
    expectOne(
      checkBlockKit('message', { blocks: [{ type: 'actions', elements: [{ type: 'laser' }] }] }),
      /unknown element/,
    );
    expect(checkBlockKit('modal', 'nope')).toEqual(['payload: must be an object']);
  });
});
