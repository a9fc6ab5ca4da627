import { expect, it } from 'vitest';
import { InvalidEventError, isInvalidEventError } from './errors.js';

it('is a TypeError that names the field, recognised by its guard', () => {
  const error = new InvalidEventError('reason', 'bad reason');
  expect(error).toBeInstanceOf(TypeError);
  expect(error).toMatchObject({ name: 'InvalidEventError', field: 'reason', message: 'bad reason' });
  expect(isInvalidEventError(error)).toBe(true);
  expect(isInvalidEventError(new TypeError('other'))).toBe(false);
});
