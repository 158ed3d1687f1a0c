/**
 * A Block Kit checker for tests and the fake Slack: returns every limit a payload breaks, the limits real
 * Slack enforces (see /work/shared/reference/slack-platform.md) and answers with `invalid_blocks` or
 * `msg_blocks_too_long`. It also refuses obviously broken structure: unknown block or element types,
 * missing text, mrkdwn where Slack only takes plain_text.
 *
 * Takes `unknown` on purpose: tests feed it hand-broken payloads, and the fake Slack feeds it whatever
 * arrived over HTTP.
 */

export type SurfaceKind = 'message' | 'modal' | 'home';

export const LIMITS = {
  messageBlocks: 50,
  viewBlocks: 100,
  sectionText: 3000,
  sectionFields: 10,
  fieldText: 2000,
  headerText: 150,
  buttonText: 75,
  buttonValue: 2000,
  buttonUrl: 3000,
  id: 255,
  viewTitle: 24,
  privateMetadata: 3000,
  inputMaxLength: 3000,
  inputLabel: 2000,
  inputHint: 2000,
  placeholder: 150,
  selectOptions: 100,
  optionText: 75,
  optionValue: 150,
  radioOrCheckboxOptions: 10,
  contextElements: 10,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  actionsElements: 25,
  messageBlocksTotalText: 12_000,
  messageText: 40_000,
} as const;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

class Checker {
  readonly violations: string[] = [];
  readonly blockIds = new Set<string>();
  totalText = 0;

  add(path: string, message: string): void {
    this.violations.push(`${path}: ${message}`);
  }

  maxLength(path: string, value: unknown, max: number, what: string): void {
    if (typeof value === 'string' && value.length > max) {
      this.add(path, `${what} is ${value.length} characters (max ${max})`);
    }
  }

  id(path: string, value: unknown, what: string): void {
    if (value === undefined) return;
    if (typeof value !== 'string' || value.length === 0) {
      this.add(path, `${what} must be a non-empty string`);
      return;
    }
    this.maxLength(path, value, LIMITS.id, what);
  }

  /** A text object. `only: 'plain_text'` where Slack refuses mrkdwn (headers, buttons, labels, titles). */
  text(path: string, value: unknown, opts: { max?: number; only?: 'plain_text'; what: string }): void {
    if (!isObject(value)) {
      this.add(path, `${opts.what} must be a text object`);
      return;
    }
    const { type, text } = value;
    if (type !== 'plain_text' && type !== 'mrkdwn') {
      this.add(`${path}.type`, `${opts.what} has text type ${String(type)} (plain_text or mrkdwn)`);
    } else if (opts.only === 'plain_text' && type !== 'plain_text') {
      this.add(`${path}.type`, `${opts.what} must be plain_text, not ${type}`);
    }
    if (type === 'mrkdwn' && 'emoji' in value) {
      this.add(`${path}.emoji`, `emoji is only allowed on plain_text`);
    }
    if (typeof text !== 'string' || text.length === 0) {
      this.add(`${path}.text`, `${opts.what} is missing its text`);
      return;
    }
    this.totalText += text.length;
    if (opts.max !== undefined) this.maxLength(`${path}.text`, text, opts.max, opts.what);
  }

  confirm(path: string, value: unknown): void {
    if (value === undefined) return;
    if (!isObject(value)) {
      this.add(path, 'confirm must be an object');
      return;
    }
    this.text(`${path}.title`, value.title, {
      max: LIMITS.confirmTitle,
      only: 'plain_text',
      what: 'confirm title',
    });
    this.text(`${path}.text`, value.text, { max: LIMITS.confirmText, what: 'confirm text' });
    this.text(`${path}.confirm`, value.confirm, {
      max: LIMITS.confirmButton,
      only: 'plain_text',
      what: 'confirm button',
    });
    this.text(`${path}.deny`, value.deny, {
      max: LIMITS.confirmButton,
      only: 'plain_text',
      what: 'deny button',
    });
    if (value.style !== undefined && value.style !== 'primary' && value.style !== 'danger') {
      this.add(`${path}.style`, `confirm style ${String(value.style)} (primary or danger)`);
    }
  }

  option(path: string, value: unknown, textOnly: 'plain_text' | undefined): string | undefined {
    if (!isObject(value)) {
      this.add(path, 'option must be an object');
      return undefined;
    }
    this.text(`${path}.text`, value.text, {
      max: LIMITS.optionText,
      ...(textOnly ? { only: textOnly } : {}),
      what: 'option text',
    });
    if (typeof value.value !== 'string' || value.value.length === 0) {
      this.add(`${path}.value`, 'option value is missing');
      return undefined;
    }
    this.maxLength(`${path}.value`, value.value, LIMITS.optionValue, 'option value');
    return value.value;
  }

  options(path: string, value: unknown, max: number, textOnly: 'plain_text' | undefined): string[] {
    if (!Array.isArray(value) || value.length === 0) {
      this.add(path, 'options must be a non-empty array');
      return [];
    }
    if (value.length > max) this.add(path, `${value.length} options (max ${max})`);
    const values: string[] = [];
    value.forEach((option, i) => {
      const v = this.option(`${path}[${i}]`, option, textOnly);
      if (v !== undefined) values.push(v);
    });
    return values;
  }

  placeholder(path: string, value: unknown): void {
    if (value === undefined) return;
    this.text(path, value, { max: LIMITS.placeholder, only: 'plain_text', what: 'placeholder' });
  }

  element(path: string, value: unknown, where: 'actions' | 'input' | 'accessory'): void {
    if (!isObject(value)) {
      this.add(path, 'element must be an object');
      return;
    }
    const type = value.type;
    if (type !== 'image') this.id(`${path}.action_id`, value.action_id, 'action_id');
    switch (type) {
      case 'button':
        if (where === 'input') this.add(path, 'a button cannot be an input element');
        this.text(`${path}.text`, value.text, {
          max: LIMITS.buttonText,
          only: 'plain_text',
          what: 'button text',
        });
        this.maxLength(`${path}.value`, value.value, LIMITS.buttonValue, 'button value');
        this.maxLength(`${path}.url`, value.url, LIMITS.buttonUrl, 'button url');
        if (value.style !== undefined && value.style !== 'primary' && value.style !== 'danger') {
          this.add(`${path}.style`, `button style ${String(value.style)} (primary or danger)`);
        }
        this.confirm(`${path}.confirm`, value.confirm);
        return;
      case 'static_select':
      case 'multi_static_select': {
        this.placeholder(`${path}.placeholder`, value.placeholder);
        let values: string[] = [];
        if (value.option_groups !== undefined) {
          if (!Array.isArray(value.option_groups)) this.add(`${path}.option_groups`, 'must be an array');
          else
            value.option_groups.forEach((group, i) => {
              const groupOptions = isObject(group) ? group.options : undefined;
              values = values.concat(
                this.options(
                  `${path}.option_groups[${i}].options`,
                  groupOptions,
                  LIMITS.selectOptions,
                  'plain_text',
                ),
              );
            });
        } else {
          values = this.options(`${path}.options`, value.options, LIMITS.selectOptions, 'plain_text');
        }
        const initial = type === 'static_select' ? [value.initial_option] : value.initial_options;
        if (Array.isArray(initial)) {
          initial.forEach((option, i) => {
            if (option === undefined) return;
            const v = this.option(`${path}.initial_option[${i}]`, option, 'plain_text');
            if (v !== undefined && !values.includes(v)) {
              this.add(`${path}.initial_option`, `initial option ${v} is not one of the options`);
            }
          });
        }
        this.confirm(`${path}.confirm`, value.confirm);
        return;
      }
      case 'plain_text_input': {
        this.placeholder(`${path}.placeholder`, value.placeholder);
        const { max_length: maxLength, min_length: minLength, initial_value: initialValue } = value;
        if (maxLength !== undefined) {
          if (typeof maxLength !== 'number' || maxLength < 1 || maxLength > LIMITS.inputMaxLength) {
            this.add(`${path}.max_length`, `max_length ${String(maxLength)} (1 to ${LIMITS.inputMaxLength})`);
          }
        }
        if (minLength !== undefined) {
          if (typeof minLength !== 'number' || minLength < 0 || minLength > LIMITS.inputMaxLength) {
            this.add(`${path}.min_length`, `min_length ${String(minLength)} (0 to ${LIMITS.inputMaxLength})`);
          } else if (typeof maxLength === 'number' && minLength > maxLength) {
            this.add(`${path}.min_length`, `min_length ${minLength} exceeds max_length ${maxLength}`);
          }
        }
        if (initialValue !== undefined) {
          if (typeof initialValue !== 'string')
            this.add(`${path}.initial_value`, 'initial_value must be a string');
          else
            this.maxLength(
              `${path}.initial_value`,
              initialValue,
              typeof maxLength === 'number' ? maxLength : LIMITS.inputMaxLength,
              'initial_value',
            );
        }
        return;
      }
      case 'radio_buttons':
      case 'checkboxes':
        this.options(`${path}.options`, value.options, LIMITS.radioOrCheckboxOptions, undefined);
        this.confirm(`${path}.confirm`, value.confirm);
        return;
      case 'overflow':
        this.options(`${path}.options`, value.options, 5, 'plain_text');
        this.confirm(`${path}.confirm`, value.confirm);
        return;
      case 'users_select':
      case 'multi_users_select':
      case 'conversations_select':
      case 'multi_conversations_select':
      case 'channels_select':
      case 'multi_channels_select':
      case 'external_select':
      case 'multi_external_select':
      case 'datepicker':
      case 'timepicker':
      case 'datetimepicker':
      case 'email_text_input':
      case 'url_text_input':
      case 'number_input':
        this.placeholder(`${path}.placeholder`, value.placeholder);
        this.confirm(`${path}.confirm`, value.confirm);
        return;
      case 'image':
        if (where !== 'accessory') this.add(path, `an image cannot be an ${where} element`);
        if (typeof value.alt_text !== 'string' || value.alt_text.length === 0) {
          this.add(`${path}.alt_text`, 'image needs alt_text');
        }
        return;
      default:
        this.add(`${path}.type`, `unknown element type ${String(type)}`);
    }
  }

  block(path: string, block: unknown, kind: SurfaceKind): void {
    if (!isObject(block)) {
      this.add(path, 'block must be an object');
      return;
    }
    const blockId = block.block_id;
    if (blockId !== undefined) {
      this.id(`${path}.block_id`, blockId, 'block_id');
      if (typeof blockId === 'string') {
        if (this.blockIds.has(blockId)) this.add(`${path}.block_id`, `duplicate block_id ${blockId}`);
        this.blockIds.add(blockId);
      }
    }
    switch (block.type) {
      case 'section': {
        if (block.text === undefined && block.fields === undefined) {
          this.add(path, 'section needs text or fields');
        }
        if (block.text !== undefined) {
          this.text(`${path}.text`, block.text, { max: LIMITS.sectionText, what: 'section text' });
        }
        if (block.fields !== undefined) {
          if (!Array.isArray(block.fields) || block.fields.length === 0) {
            this.add(`${path}.fields`, 'fields must be a non-empty array');
          } else {
            if (block.fields.length > LIMITS.sectionFields) {
              this.add(`${path}.fields`, `${block.fields.length} fields (max ${LIMITS.sectionFields})`);
            }
            block.fields.forEach((field, i) =>
              this.text(`${path}.fields[${i}]`, field, { max: LIMITS.fieldText, what: 'section field' }),
            );
          }
        }
        if (block.accessory !== undefined) this.element(`${path}.accessory`, block.accessory, 'accessory');
        return;
      }
      case 'header':
        this.text(`${path}.text`, block.text, {
          max: LIMITS.headerText,
          only: 'plain_text',
          what: 'header text',
        });
        return;
      case 'divider':
        return;
      case 'context': {
        const elements = block.elements;
        if (!Array.isArray(elements) || elements.length === 0) {
          this.add(`${path}.elements`, 'context needs at least one element');
          return;
        }
        if (elements.length > LIMITS.contextElements) {
          this.add(`${path}.elements`, `${elements.length} context elements (max ${LIMITS.contextElements})`);
        }
        elements.forEach((element, i) => {
          if (isObject(element) && element.type === 'image') {
            this.element(`${path}.elements[${i}]`, element, 'accessory');
          } else {
            this.text(`${path}.elements[${i}]`, element, { max: LIMITS.sectionText, what: 'context text' });
          }
        });
        return;
      }
      case 'actions': {
        const elements = block.elements;
        if (!Array.isArray(elements) || elements.length === 0) {
          this.add(`${path}.elements`, 'actions needs at least one element');
          return;
        }
        if (elements.length > LIMITS.actionsElements) {
          this.add(`${path}.elements`, `${elements.length} actions elements (max ${LIMITS.actionsElements})`);
        }
        const actionIds = new Set<string>();
        elements.forEach((element, i) => {
          this.element(`${path}.elements[${i}]`, element, 'actions');
          const actionId = isObject(element) ? element.action_id : undefined;
          if (typeof actionId === 'string') {
            if (actionIds.has(actionId))
              this.add(`${path}.elements[${i}]`, `duplicate action_id ${actionId}`);
            actionIds.add(actionId);
          }
        });
        return;
      }
      case 'input':
        this.text(`${path}.label`, block.label, {
          max: LIMITS.inputLabel,
          only: 'plain_text',
          what: 'input label',
        });
        if (block.hint !== undefined) {
          this.text(`${path}.hint`, block.hint, {
            max: LIMITS.inputHint,
            only: 'plain_text',
            what: 'input hint',
          });
        }
        if (block.element === undefined) this.add(`${path}.element`, 'input needs an element');
        else this.element(`${path}.element`, block.element, 'input');
        if (kind === 'message' && block.dispatch_action !== true) {
          // Slack accepts input blocks in messages only when they dispatch their value as an action.
          this.add(path, 'an input block in a message needs dispatch_action: true');
        }
        return;
      case 'image':
        if (typeof block.image_url !== 'string' && block.slack_file === undefined) {
          this.add(path, 'image needs image_url or slack_file');
        }
        if (typeof block.alt_text !== 'string' || block.alt_text.length === 0) {
          this.add(`${path}.alt_text`, 'image needs alt_text');
        }
        return;
      case 'rich_text':
        if (!Array.isArray(block.elements)) this.add(`${path}.elements`, 'rich_text needs elements');
        return;
      case 'markdown':
        if (typeof block.text !== 'string' || block.text.length === 0)
          this.add(`${path}.text`, 'markdown needs text');
        else this.totalText += block.text.length;
        return;
      default:
        this.add(`${path}.type`, `unknown block type ${String(block.type)}`);
    }
  }

  blocks(path: string, blocks: unknown, kind: SurfaceKind): void {
    if (!Array.isArray(blocks)) {
      this.add(path, 'blocks must be an array');
      return;
    }
    const max = kind === 'message' ? LIMITS.messageBlocks : LIMITS.viewBlocks;
    if (blocks.length > max) this.add(path, `${blocks.length} blocks (max ${max} in a ${kind})`);
    blocks.forEach((block, i) => this.block(`${path}[${i}]`, block, kind));
  }
}

/**
 * Every Block Kit limit `payload` breaks, as readable strings (empty when Slack would accept it).
 * `message`: `{ text?, blocks? }` as given to chat.postMessage; `modal` / `home`: the view object.
 */
export function checkBlockKit(kind: SurfaceKind, payload: unknown): string[] {
  const checker = new Checker();
  if (!isObject(payload)) return ['payload: must be an object'];

  if (kind === 'message') {
    const { text, blocks } = payload;
    if (text !== undefined && typeof text !== 'string') checker.add('text', 'text must be a string');
    checker.maxLength('text', text, LIMITS.messageText, 'message text');
    if (blocks === undefined) {
      if (typeof text !== 'string' || text.length === 0)
        checker.add('payload', 'a message needs text or blocks');
    } else {
      checker.blocks('blocks', blocks, kind);
      if (checker.totalText > LIMITS.messageBlocksTotalText) {
        checker.add(
          'blocks',
          `blocks hold ${checker.totalText} characters of text (max about ${LIMITS.messageBlocksTotalText}: msg_blocks_too_long)`,
        );
      }
    }
    return checker.violations;
  }

  if (payload.type !== kind) checker.add('type', `view type ${String(payload.type)} (expected ${kind})`);
  checker.id('callback_id', payload.callback_id, 'callback_id');
  checker.id('external_id', payload.external_id, 'external_id');
  if (payload.private_metadata !== undefined) {
    if (typeof payload.private_metadata !== 'string') checker.add('private_metadata', 'must be a string');
    checker.maxLength(
      'private_metadata',
      payload.private_metadata,
      LIMITS.privateMetadata,
      'private_metadata',
    );
  }
  if (kind === 'modal') {
    checker.text('title', payload.title, { max: LIMITS.viewTitle, only: 'plain_text', what: 'modal title' });
    for (const key of ['submit', 'close'] as const) {
      if (payload[key] !== undefined) {
        checker.text(key, payload[key], { max: LIMITS.viewTitle, only: 'plain_text', what: `modal ${key}` });
      }
    }
    const hasInput =
      Array.isArray(payload.blocks) &&
      payload.blocks.some((block) => isObject(block) && block.type === 'input');
    if (hasInput && payload.submit === undefined)
      checker.add('submit', 'a modal with input blocks needs submit');
  }
  checker.blocks('blocks', payload.blocks, kind);
  return checker.violations;
}

/** Every `text` string in `blocks`, counted together: what Slack's message text budget counts. */
export function totalText(blocks: unknown): number {
  let total = 0;
  JSON.stringify(blocks, (key, value: unknown) => {
    if (key === 'text' && typeof value === 'string') total += value.length;
    return value;
  });
  return total;
}
