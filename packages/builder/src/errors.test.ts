import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { BuilderValidationError, isBuilderValidationError } from './errors.js';
import { buildSecret } from './secret.js';

describe('BuilderValidationError', () => {
  it('names the field and the rule in its message, never the value, and keeps them as fields', () => {
    const err = new BuilderValidationError('StatefulSet name', 'dns1123Label', 'Bad_Name', 'must be lower case');
    expect(err.message).toBe('StatefulSet name is invalid (dns1123Label): must be lower case');
    expect(err).toMatchObject({
      name: 'BuilderValidationError',
      field: 'StatefulSet name',
      rule: 'dns1123Label',
      value: 'Bad_Name',
      detail: 'must be lower case',
    });
    expect(err).toBeInstanceOf(Error);
  });

  it('keeps a planted secret out of the message, JSON, inspection and a pino-style copy of its own properties', () => {
    const planted = 'PLANTED-s3cr3t-value!';
    let caught: unknown;
    try {
      buildSecret({ name: 'creds', namespace: 'ns', data: { password: planted } });
    } catch (err) {
      caught = err;
    }
    expect(isBuilderValidationError(caught)).toBe(true);
    const err = caught as BuilderValidationError;
    expect(err.field).toBe('Secret data["password"]');
    expect(err.value).toBe(planted);
    const copied = Object.fromEntries(Object.entries(err));
    for (const text of [err.message, err.stack ?? '', JSON.stringify(err), inspect(err), JSON.stringify(copied)]) {
      expect(text).toContain('Secret data');
      expect(text).not.toContain(planted);
    }
  });

  it('keeps the cause', () => {
    const cause = new Error('inner');
    expect(new BuilderValidationError('f', 'required', 1, 'd', { cause }).cause).toBe(cause);
  });
});

describe('isBuilderValidationError', () => {
  it('recognises the class and look-alikes from another copy of the package, and nothing else', () => {
    expect(isBuilderValidationError(new BuilderValidationError('f', 'range', 1, 'd'))).toBe(true);
    const lookAlike = Object.assign(new Error('x'), { name: 'BuilderValidationError', rule: 'range', field: 'f' });
    expect(isBuilderValidationError(lookAlike)).toBe(true);
    expect(isBuilderValidationError(new Error('x'))).toBe(false);
    expect(isBuilderValidationError({ name: 'BuilderValidationError', rule: 'range', field: 'f' })).toBe(false);
    expect(isBuilderValidationError(undefined)).toBe(false);
  });
});
