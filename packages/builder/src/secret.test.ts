import { describe, expect, it } from 'vitest';
import { buildSecret } from './secret.js';

const error = (field: string, rule: string) => expect.objectContaining({ name: 'BuilderValidationError', field, rule });

describe('buildSecret', () => {
  it('builds an Opaque v1 Secret by default', () => {
    expect(buildSecret({ name: 'creds', namespace: 'pinot', stringData: { CONTROL_PLANE_USERNAME: 'admin' } })).toEqual(
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'creds', namespace: 'pinot' },
        type: 'Opaque',
        stringData: { CONTROL_PLANE_USERNAME: 'admin' },
      },
    );
  });

  it('keeps the type, base64 data and immutability given', () => {
    const secret = buildSecret({
      name: 'tls',
      namespace: 'pinot',
      type: 'kubernetes.io/tls',
      data: { 'tls.crt': 'Y2VydA==', 'tls.key': 'a2V5' },
      immutable: true,
    });
    expect(secret).toMatchObject({ type: 'kubernetes.io/tls', data: { 'tls.crt': 'Y2VydA==' }, immutable: true });
    expect(secret).not.toHaveProperty('stringData');
  });

  it('refuses non-base64 data, a key in both maps, bad keys and oversized data', () => {
    expect(() => buildSecret({ name: 's', namespace: 'n', data: { a: 'plain text' } })).toThrow(
      error('Secret data["a"]', 'base64'),
    );
    expect(() => buildSecret({ name: 's', namespace: 'n', data: { a: 'eA==' }, stringData: { a: 'x' } })).toThrow(
      error('Secret stringData key', 'unique'),
    );
    expect(() => buildSecret({ name: 's', namespace: 'n', stringData: { 'a b': 'x' } })).toThrow(
      error('Secret stringData key', 'configKey'),
    );
    expect(() => buildSecret({ name: 's', namespace: 'n', stringData: { a: 'x'.repeat(1024 * 1024 + 1) } })).toThrow(
      error('Secret data', 'size'),
    );
    expect(() => buildSecret({ name: 'S', namespace: 'n' })).toThrow(error('Secret name', 'dns1123Subdomain'));
  });
});
