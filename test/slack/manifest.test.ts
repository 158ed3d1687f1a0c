import { readFile } from 'node:fs/promises';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { COMMAND } from '../../src/slack/ids.js';

// ajv-formats is CommonJS with `exports.default`; under NodeNext its default import is the module object.
const addFormats = addFormatsModule.default;

// Slack's official schema (MIT, slackapi/manifest-schema), copied beside this test so CI needs nothing else.
const schemaPath = new URL('./slack-manifest.schema.1.0.0.json', import.meta.url);
const MANIFESTS = {
  http: new URL('../../manifest.yml', import.meta.url),
  socket: new URL('../../manifest.socket-mode.yml', import.meta.url),
};

async function load(which: keyof typeof MANIFESTS) {
  const schema: unknown = JSON.parse(await readFile(schemaPath, 'utf8'));
  const text = await readFile(MANIFESTS[which], 'utf8');
  const manifest: unknown = parse(text);
  return { schema, manifest, text };
}

interface Manifest {
  display_information: { name: string };
  features: {
    slash_commands: { command: string; usage_hint: string; should_escape: boolean; url?: string }[];
  };
  oauth_config: { scopes: { bot: string[] } };
  settings: {
    interactivity: { is_enabled: boolean; request_url?: string };
    event_subscriptions: { request_url?: string; bot_events: string[] };
    socket_mode_enabled: boolean;
  };
}

function isManifest(value: unknown): value is Manifest {
  return typeof value === 'object' && value !== null && 'features' in value && 'oauth_config' in value;
}

async function manifestOf(which: keyof typeof MANIFESTS): Promise<Manifest> {
  const { manifest } = await load(which);
  if (!isManifest(manifest)) throw new Error(`${which} manifest has no features or oauth_config`);
  return manifest;
}

describe.each(['http', 'socket'] as const)('the %s manifest', (which) => {
  it('is valid against Slack’s app manifest schema (draft-07)', async () => {
    const { schema, manifest } = await load(which);
    expect(schema).toMatchObject({ $schema: 'http://json-schema.org/draft-07/schema#' });
    // strict: false because Slack's schema uses keywords ajv does not know (e.g. `markdownDescription`).
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    if (typeof schema !== 'object' || schema === null) throw new Error('schema is not an object');
    const validate = ajv.compile(schema);
    const valid = validate(manifest);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);

    // The schema really checks: a command without its slash is refused.
    const broken = structuredClone(manifest);
    if (!isManifest(broken)) throw new Error('manifest has no features or oauth_config');
    const [first] = broken.features.slash_commands;
    if (first) first.command = 'lp-delete';
    expect(validate(broken)).toBe(false);
  });

  it('declares the command the app listens for, with the scopes, interactivity and Home tab event', async () => {
    const manifest = await manifestOf(which);
    expect(manifest.display_information.name).toBe('LP Delete');
    expect(manifest.features.slash_commands).toHaveLength(1);
    const [command] = manifest.features.slash_commands;
    expect(command).toMatchObject({
      command: COMMAND,
      should_escape: false,
      usage_hint: '[help | quota | <type> <ids…>]',
    });
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.settings.event_subscriptions.bot_events).toEqual([
      'app_home_opened',
      'function_executed',
    ]);
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual(
      [
        'channels:history',
        'channels:read',
        'chat:write',
        'groups:history',
        'im:history',
        'commands',
        'groups:read',
        'im:write',
        'usergroups:read',
        'users:read',
      ].sort(),
    );
  });
});

describe('HTTP and Socket Mode manifests', () => {
  it('HTTP: the three request URLs point at /slack/events, and the comment names all three', async () => {
    const { text } = await load('http');
    const manifest = await manifestOf('http');
    expect(manifest.settings.socket_mode_enabled).toBe(false);
    const url = manifest.features.slash_commands[0]?.url;
    expect(url).toMatch(/^https:\/\/example\.com\/slack\/events$/);
    expect(manifest.settings.interactivity.request_url).toBe(url);
    expect(manifest.settings.event_subscriptions.request_url).toBe(url);
    const comment = text
      .split('\n')
      .filter((line) => line.startsWith('#'))
      .join('\n');
    expect(comment).toContain('THREE');
    for (const place of [
      'slash_commands[0].url',
      'interactivity.request_url',
      'event_subscriptions.request_url',
    ]) {
      expect(comment).toContain(place);
    }
    // Every example.com in the file is one of the three the comment lists.
    expect(text.match(/^\s+(url|request_url): https:\/\/example\.com/gm)).toHaveLength(3);
  });

  it('Socket Mode: no URLs at all, socket mode on, otherwise the same app as the HTTP manifest', async () => {
    const { text } = await load('socket');
    const socket = await manifestOf('socket');
    expect(socket.settings.socket_mode_enabled).toBe(true);
    const body = text
      .split('\n')
      .filter((line) => !line.startsWith('#'))
      .join('\n');
    expect(body).not.toMatch(/https?:\/\/|request_url|\burl:/);

    const http = await manifestOf('http');
    const withoutUrls = structuredClone(http);
    for (const command of withoutUrls.features.slash_commands) delete command.url;
    delete withoutUrls.settings.interactivity.request_url;
    delete withoutUrls.settings.event_subscriptions.request_url;
    withoutUrls.settings.socket_mode_enabled = true;
    expect(socket).toEqual(withoutUrls);
  });
});
