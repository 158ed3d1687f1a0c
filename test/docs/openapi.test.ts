import { readFile } from 'node:fs/promises';
import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { ERASURE_STATUSES } from '../../src/domain/erasure.js';

const DOC = new URL('../../docs/openapi.json', import.meta.url);

/** docs/openapi.json is a valid OpenAPI 3.1 document and names what the code answers (issue 21). */
describe('docs/openapi.json', () => {
  it('validates as OpenAPI 3.1', async () => {
    const validator = new Validator();
    const result = await validator.validate(
      JSON.parse(await readFile(DOC, 'utf8')) as Record<string, unknown>,
    );
    expect(result.errors ?? [], JSON.stringify(result.errors)).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('lists every status the code knows, and no other', async () => {
    const doc = JSON.parse(await readFile(DOC, 'utf8')) as {
      components: { schemas: { Status: { enum: string[] } } };
    };
    expect(doc.components.schemas.Status.enum).toEqual([...ERASURE_STATUSES]);
  });
});
