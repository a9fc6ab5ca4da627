import { describe, expect, it } from 'vitest';
import { InvalidSpecError } from '../dsoi/specProblems.js';
import { invalidSpecProblems } from './invalidSpecProblems.js';

describe('invalidSpecProblems', () => {
  it('returns the problems of an InvalidSpecError, [] when nothing is thrown, and rethrows any other error', () => {
    const problem = { field: 'spec.nodes[0].name', message: 'too long' };
    expect(
      invalidSpecProblems(() => {
        throw new InvalidSpecError([problem]);
      }),
    ).toEqual([problem]);
    expect(invalidSpecProblems(() => 'built')).toEqual([]);
    expect(() =>
      invalidSpecProblems(() => {
        throw new Error('a bug');
      }),
    ).toThrow('a bug');
  });
});
