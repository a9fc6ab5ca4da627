import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { setCondition } from '../controller/conditions.js';
import { conditionSchema } from './conditionSchema.js';

describe('conditionSchema', () => {
  it('accepts the condition setCondition writes', () => {
    const [condition] = setCondition([], { type: 'Ready', status: 'True', reason: 'Synced', message: 'ok' });
    expect(conditionSchema.parse(condition)).toEqual(condition);
  });

  it("refuses what the API server refuses, naming the field: an unknown status, a reason over metav1's 1024", () => {
    const base = {
      type: 'Ready',
      status: 'True',
      reason: 'R',
      message: '',
      lastTransitionTime: '2026-01-01T00:00:00Z',
    };
    const bad = conditionSchema.safeParse({ ...base, status: 'Maybe' });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues.map((i) => i.path)).toEqual([['status']]);
    const long = conditionSchema.safeParse({ ...base, reason: 'x'.repeat(1025) });
    expect(long.error?.issues.map((i) => i.path)).toEqual([['reason']]);
  });

  it('gives lastTransitionTime the date-time format in the JSON Schema a CRD is generated from', () => {
    const schema = z.toJSONSchema(conditionSchema, { io: 'input' }) as {
      properties: Record<string, { format?: string }>;
      required: string[];
    };
    expect(schema.properties.lastTransitionTime?.format).toBe('date-time');
    expect(schema.required).toEqual(['type', 'status', 'reason', 'message', 'lastTransitionTime']);
  });
});
