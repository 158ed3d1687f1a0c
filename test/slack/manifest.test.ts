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
const manifestPath = new URL('../../manifest.yml', import.meta.url);

async function load() {
  const schema: unknown = JSON.parse(await readFile(schemaPath, 'utf8'));
  const manifest: unknown = parse(await readFile(manifestPath, 'utf8'));
  return { schema, manifest };
}

interface Manifest {
  display_information: { name: string };
  features: {
    slash_commands: { command: string; usage_hint: string; should_escape: boolean; url: string }[];
  };
  oauth_config: { scopes: { bot: string[] } };
  settings: { interactivity: { is_enabled: boolean; request_url: string }; socket_mode_enabled: boolean };
}

function isManifest(value: unknown): value is Manifest {
  return typeof value === 'object' && value !== null && 'features' in value && 'oauth_config' in value;
}

describe('manifest.yml', () => {
  it('is valid against Slack’s app manifest schema (draft-07)', async () => {
    const { schema, manifest } = await load();
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
    if (!isManifest(broken)) throw new Error('manifest.yml has no features or oauth_config');
    const [first] = broken.features.slash_commands;
    if (first) first.command = 'lp-delete';
    expect(validate(broken)).toBe(false);
  });

  it('declares the command the app listens for, with the scopes and interactivity it needs', async () => {
    const { manifest } = await load();
    if (!isManifest(manifest)) throw new Error('manifest.yml has no features or oauth_config');
    expect(manifest.display_information.name).toBe('LP Delete');
    expect(manifest.features.slash_commands).toHaveLength(1);
    const [command] = manifest.features.slash_commands;
    expect(command).toMatchObject({
      command: COMMAND,
      should_escape: false,
      usage_hint: '[help | quota | <type> <ids…>]',
    });
    expect(command?.url).toMatch(/\/slack\/events$/);
    expect(manifest.settings.interactivity).toEqual({ is_enabled: true, request_url: command?.url });
    expect(manifest.settings.socket_mode_enabled).toBe(false);
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual(
      [
        'channels:read',
        'chat:write',
        'commands',
        'groups:read',
        'im:write',
        'usergroups:read',
        'users:read',
      ].sort(),
    );
  });
});
