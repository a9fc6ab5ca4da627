import { describe, expect, it } from 'vitest';
import { buildServiceAccount } from './serviceAccount.js';

const error = (field: string, rule: string) => expect.objectContaining({ name: 'BuilderValidationError', field, rule });

describe('buildServiceAccount', () => {
  it('builds a v1 ServiceAccount with only the fields given', () => {
    expect(buildServiceAccount({ name: 'pinot', namespace: 'pinot' })).toEqual({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'pinot', namespace: 'pinot' },
    });
    expect(
      buildServiceAccount({
        name: 'pinot',
        namespace: 'pinot',
        automountServiceAccountToken: false,
        imagePullSecrets: ['registry-creds'],
      }),
    ).toMatchObject({ automountServiceAccountToken: false, imagePullSecrets: [{ name: 'registry-creds' }] });
  });

  it('refuses a bad name or pull-secret name', () => {
    expect(() => buildServiceAccount({ name: 'Pinot', namespace: 'n' })).toThrow(
      error('ServiceAccount name', 'dns1123Subdomain'),
    );
    expect(() => buildServiceAccount({ name: 'p', namespace: 'n', imagePullSecrets: ['ok', 'Not OK'] })).toThrow(
      error('ServiceAccount imagePullSecrets[1]', 'dns1123Subdomain'),
    );
  });
});
