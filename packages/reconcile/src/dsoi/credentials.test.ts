import { describe, expect, it } from 'vitest';
import { hasCredentialLine, isCredentialKey, splitCredentials } from './credentials.js';

describe('credential keys', () => {
  it('names the credentials of Parseable, Pinot deep storage and common tools', () => {
    for (const key of [
      'P_PASSWORD',
      'P_S3_SECRET_KEY',
      'P_S3_ACCESS_KEY',
      'P_OIDC_CLIENT_SECRET',
      'pinot.controller.storage.factory.s3.secretKey',
      'pinot.server.storage.factory.adl2.accountKey',
      'API_KEY',
      'GITHUB_TOKEN',
      'db.passwd',
    ]) {
      expect(isCredentialKey(key), key).toBe(true);
    }
    for (const key of ['P_USERNAME', 'P_ADDR', 'P_S3_BUCKET', 'P_S3_URL', 'controller.port', 'P_STAGING_DIR']) {
      expect(isCredentialKey(key), key).toBe(false);
    }
  });

  it('splits a map into plain entries and credentials, keeping both complete', () => {
    const split = splitCredentials({ P_ADDR: '0.0.0.0:8000', P_USERNAME: 'u', P_PASSWORD: 'p', P_S3_SECRET_KEY: 's' });
    expect(split).toEqual({
      plain: { P_ADDR: '0.0.0.0:8000', P_USERNAME: 'u' },
      credentials: { P_PASSWORD: 'p', P_S3_SECRET_KEY: 's' },
    });
  });

  it('finds a credential line in properties text whatever the separator, and ignores comments', () => {
    expect(hasCredentialLine('a=b\npinot.server.storage.factory.s3.secretKey=xyz')).toBe(true);
    expect(hasCredentialLine('  accessKey : AKIA')).toBe(true);
    expect(hasCredentialLine('token abc')).toBe(true);
    expect(hasCredentialLine('# secretKey=commented\n! password=too\ncontroller.port=9000')).toBe(false);
    expect(hasCredentialLine('')).toBe(false);
  });
});
