import { describe, expect, it } from 'vitest';
import { BuilderValidationError, isBuilderValidationError } from './errors.js';

describe('BuilderValidationError', () => {
  it('names the field, the rule and the value in its message and keeps them as fields', () => {
    const err = new BuilderValidationError('StatefulSet name', 'dns1123Label', 'Bad_Name', 'must be lower case');
    expect(err.message).toBe('StatefulSet name "Bad_Name" is invalid (dns1123Label): must be lower case');
    expect(err).toMatchObject({
      name: 'BuilderValidationError',
      field: 'StatefulSet name',
      rule: 'dns1123Label',
      value: 'Bad_Name',
      detail: 'must be lower case',
    });
    expect(err).toBeInstanceOf(Error);
  });

  it('cuts long values in the message but keeps them whole on the error', () => {
    const long = 'a'.repeat(300);
    const err = new BuilderValidationError('ConfigMap name', 'dns1123Subdomain', long, 'too long');
    expect(err.message).toContain('… (300 characters)');
    expect(err.message.length).toBeLessThan(200);
    expect(err.value).toBe(long);
    const object = new BuilderValidationError('x', 'conflict', { list: 'b'.repeat(300) }, 'd');
    expect(object.message).toContain('…');
  });

  it('prints values JSON cannot encode', () => {
    expect(new BuilderValidationError('f', 'required', undefined, 'd').message).toBe(
      'f undefined is invalid (required): d',
    );
    expect(new BuilderValidationError('f', 'range', 10n, 'd').message).toBe('f 10 is invalid (range): d');
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
