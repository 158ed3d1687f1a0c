import { describe, expect, it } from 'vitest';
import { lpRecordSchema } from '../../src/domain/types.js';
import {
  normaliseSiteId,
  parseOptionalRecord,
  parseRecords,
  parseSingleRecord,
  ResponseShapeError,
} from '../../src/liveperson/schemas.js';

/** LivePerson's own documented create example, `delete_json` (invalid JSON) and all, as a parsed value. */
const DOCUMENTED_CREATE = {
  request_id: 127223,
  siteid: '20762324',
  request_time: '2018-01-04T14:07:32.000Z',
  requested_by: 'Mike',
  cancelled_by: null,
  delete_json: '{"engagement":["207623244295067780"]}',
  cancel_timestamp: null,
  is_canceled: false,
};

describe('LivePerson record parsing', () => {
  it('normalises the documented create answer', () => {
    expect(parseSingleRecord(DOCUMENTED_CREATE)).toEqual({
      requestId: '127223',
      siteId: '20762324',
      requestTime: '2018-01-04T14:07:32.000Z',
      requestedBy: 'Mike',
      cancelledBy: null,
      cancelTimestamp: null,
      isCanceled: false,
      deleteJson: '{"engagement":["207623244295067780"]}',
      status: null,
    });
  });

  it('accepts siteId as well as siteid, and strips the le prefix', () => {
    expect(parseSingleRecord({ request_id: 1, siteId: 'le20762324' }).siteId).toBe('20762324');
    expect(parseSingleRecord({ request_id: 1, siteid: 20762324 }).siteId).toBe('20762324');
    expect(normaliseSiteId(' LE42 ')).toBe('42');
  });

  it('takes request_id as a number or a string', () => {
    expect(parseSingleRecord({ request_id: '127223' }).requestId).toBe('127223');
    expect(parseSingleRecord({ request_id: 127223 }).requestId).toBe('127223');
  });

  it('keeps delete_json opaque: a broken string stays as sent, an object is stringified', () => {
    const broken = '{"engagement":["2076"]'; // LivePerson's example is not valid JSON either
    expect(parseSingleRecord({ request_id: 1, delete_json: broken }).deleteJson).toBe(broken);
    expect(parseSingleRecord({ request_id: 1, delete_json: { consumer: ['c1'] } }).deleteJson).toBe(
      '{"consumer":["c1"]}',
    );
  });

  it('keeps unknown statuses, ignores extra fields and fills missing ones with null', () => {
    const record = parseSingleRecord({
      request_id: 5,
      status: 'APPROVED',
      approved_by: 'someone',
      is_approved: true,
    });
    expect(record).toEqual({
      requestId: '5',
      siteId: null,
      requestTime: null,
      requestedBy: null,
      cancelledBy: null,
      cancelTimestamp: null,
      isCanceled: false,
      deleteJson: null,
      status: 'APPROVED',
    });
    expect(lpRecordSchema.safeParse(record).success).toBe(true);
  });

  it('derives isCanceled from a CANCELED status when is_canceled is absent (get answers)', () => {
    expect(parseSingleRecord({ request_id: 5, status: 'CANCELED' }).isCanceled).toBe(true);
    expect(parseSingleRecord({ request_id: 5, status: 'DONE' }).isCanceled).toBe(false);
    expect(parseSingleRecord({ request_id: 5, is_canceled: 'true' }).isCanceled).toBe(true);
  });

  it('treats an object, a one-element array and an array alike where it makes sense', () => {
    expect(parseSingleRecord([DOCUMENTED_CREATE]).requestId).toBe('127223');
    expect(parseRecords(DOCUMENTED_CREATE)).toHaveLength(1);
    expect(parseRecords([DOCUMENTED_CREATE, { ...DOCUMENTED_CREATE, request_id: 2 }])).toHaveLength(2);
    expect(parseOptionalRecord([])).toBeNull();
    expect(parseOptionalRecord([DOCUMENTED_CREATE])?.requestId).toBe('127223');
  });

  it('refuses what cannot be a record, naming fields but never values', () => {
    expect(() => parseSingleRecord([])).toThrow(ResponseShapeError);
    expect(() => parseSingleRecord('nope')).toThrow(ResponseShapeError);
    expect(() => parseRecords(null)).toThrow(ResponseShapeError);
    try {
      parseSingleRecord({ request_id: { secret: 'abc-123' } });
      expect.unreachable();
    } catch (err) {
      expect(String(err)).toContain('request_id');
      expect(String(err)).not.toContain('abc-123');
    }
  });
});
