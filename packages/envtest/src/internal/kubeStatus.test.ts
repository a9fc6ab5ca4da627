import { describe, expect, it } from 'vitest';
import { parseRequestInfo } from '../requestInfo.js';
import { expiredWatchEvent, statusForFault } from './kubeStatus.js';

const update = parseRequestInfo('PUT', '/apis/apps/v1/namespaces/a/deployments/web');
const create = parseRequestInfo('POST', '/api/v1/namespaces/a/configmaps');

describe('statusForFault', () => {
  it('builds the Status kube-apiserver sends for a conflict', () => {
    expect(statusForFault({ type: 'status', code: 409 }, update)).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: expect.stringMatching(
        /^Operation cannot be fulfilled on deployments\.apps "web": the object has been modified/,
      ),
      reason: 'Conflict',
      details: { name: 'web', group: 'apps', kind: 'deployments' },
      code: 409,
    });
  });

  it('answers a create with AlreadyExists, as kube-apiserver does', () => {
    expect(statusForFault({ type: 'status', code: 409 }, create).reason).toBe('AlreadyExists');
  });

  it.each([
    [410, 'Expired'],
    [429, 'TooManyRequests'],
    [500, 'InternalError'],
    [503, 'ServiceUnavailable'],
    [504, 'Timeout'],
  ])('gives %d the reason %s', (code, reason) => {
    expect(statusForFault({ type: 'status', code }, update).reason).toBe(reason);
  });

  it('leaves the reason out for codes kube has none for, and keeps a given reason and message', () => {
    expect(statusForFault({ type: 'status', code: 502 }, update)).not.toHaveProperty('reason');
    const custom = statusForFault({ type: 'status', code: 500, reason: 'ServerTimeout', message: 'slow' }, update);
    expect(custom).toMatchObject({ reason: 'ServerTimeout', message: 'slow', code: 500 });
  });

  it('carries retryAfterSeconds in the details', () => {
    const status = statusForFault({ type: 'status', code: 429, retryAfterSeconds: 3 }, create);
    expect(status.details).toEqual({ kind: 'configmaps', retryAfterSeconds: 3 });
  });
});

describe('expiredWatchEvent', () => {
  it('is one newline-terminated ERROR event holding a 410 Expired Status', () => {
    const line = expiredWatchEvent('42');
    expect(line.endsWith('\n')).toBe(true);
    expect(line.indexOf('\n')).toBe(line.length - 1);
    expect(JSON.parse(line)).toEqual({
      type: 'ERROR',
      object: {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: expect.stringMatching(/^too old resource version: 42/),
        reason: 'Expired',
        code: 410,
      },
    });
  });
});
