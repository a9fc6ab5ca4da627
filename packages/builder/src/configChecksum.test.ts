import { hash } from '@dsoi/hash';
import { describe, expect, it } from 'vitest';
import { configChecksum, configChecksumKey, configChecksumPrefix, withConfigChecksum } from './configChecksum.js';
import { buildConfigMap } from './configMap.js';
import { buildSecret } from './secret.js';

const error = (field: string, rule: string) => expect.objectContaining({ name: 'BuilderValidationError', field, rule });
const template = {
  metadata: { labels: { app: 'pinot' }, annotations: { 'example.com/keep': 'yes' } },
  spec: { containers: [{ name: 'broker', image: 'apachepinot/pinot' }] },
};

describe('configChecksum', () => {
  it('hashes data and binaryData of a ConfigMap, not its metadata', () => {
    const config = buildConfigMap({ name: 'c', namespace: 'n', data: { a: '1' }, labels: { x: 'y' } });
    expect(configChecksum(config)).toBe(hash({ data: { a: '1' }, binaryData: {} }));
    const relabelled = buildConfigMap({ name: 'other', namespace: 'm', data: { a: '1' }, labels: { x: 'z' } });
    expect(configChecksum(relabelled)).toBe(configChecksum(config));
    const changed = buildConfigMap({ name: 'c', namespace: 'n', data: { a: '2' } });
    expect(configChecksum(changed)).not.toBe(configChecksum(config));
    const binary = buildConfigMap({ name: 'c', namespace: 'n', data: { a: '1' }, binaryData: { b: 'eA==' } });
    expect(configChecksum(binary)).not.toBe(configChecksum(config));
  });

  it('treats absent and empty maps alike, and ignores key order', () => {
    expect(configChecksum({ kind: 'ConfigMap' })).toBe(configChecksum({ kind: 'ConfigMap', data: {}, binaryData: {} }));
    expect(configChecksum({ kind: 'ConfigMap', data: { a: '1', b: '2' } })).toBe(
      configChecksum({ kind: 'ConfigMap', data: { b: '2', a: '1' } }),
    );
  });

  it('hashes data and stringData of a Secret', () => {
    const secret = buildSecret({ name: 's', namespace: 'n', stringData: { p: 'x' } });
    expect(configChecksum(secret)).toBe(hash({ data: {}, stringData: { p: 'x' } }));
    expect(configChecksum(buildSecret({ name: 's', namespace: 'n', stringData: { p: 'y' } }))).not.toBe(
      configChecksum(secret),
    );
  });

  it('refuses an object that is neither ConfigMap nor Secret', () => {
    expect(() => configChecksum({ kind: 'Service' } as never)).toThrow(error('config.kind', 'kind'));
    expect(() => configChecksum({})).toThrow(error('config.kind', 'kind'));
  });
});

describe('configChecksumKey', () => {
  it('derives the key from kind and name', () => {
    expect(configChecksumKey(buildConfigMap({ name: 'broker-config', namespace: 'n' }))).toBe(
      'checksum.dsoi.io/configmap-broker-config',
    );
    expect(configChecksumKey(buildSecret({ name: 'creds', namespace: 'n' }))).toBe('checksum.dsoi.io/secret-creds');
    expect(configChecksumPrefix).toBe('checksum.dsoi.io/');
  });

  it('keeps a long name unique within the 63-character limit', () => {
    const name = `${'a'.repeat(60)}.config`;
    const key = configChecksumKey({ kind: 'ConfigMap', metadata: { name } });
    const namePart = key.slice(configChecksumPrefix.length);
    expect(namePart).toHaveLength(63);
    expect(namePart).toMatch(/^configmap-a+-[0-9a-f]{10}$/);
    const other = configChecksumKey({ kind: 'ConfigMap', metadata: { name: `${'a'.repeat(60)}.other` } });
    expect(other).not.toBe(key);
    const exact = 'b'.repeat(63 - 'configmap-'.length);
    expect(configChecksumKey({ kind: 'ConfigMap', metadata: { name: exact } })).toBe(
      `${configChecksumPrefix}configmap-${exact}`,
    );
  });

  it('refuses a config without a name', () => {
    expect(() => configChecksumKey({ kind: 'ConfigMap', metadata: {} })).toThrow(
      error('config.metadata.name', 'required'),
    );
  });
});

describe('withConfigChecksum', () => {
  const config = buildConfigMap({ name: 'broker-config', namespace: 'n', data: { a: '1' } });

  it('adds the checksum annotation, keeps the others and leaves the input alone', () => {
    const result = withConfigChecksum(template, config);
    expect(result.metadata?.annotations).toEqual({
      'example.com/keep': 'yes',
      'checksum.dsoi.io/configmap-broker-config': configChecksum(config),
    });
    expect(result.spec).toEqual(template.spec);
    expect(result.spec).not.toBe(template.spec);
    expect(template.metadata.annotations).toEqual({ 'example.com/keep': 'yes' });
  });

  it('works on a template without metadata, and takes several configs by chaining', () => {
    const secret = buildSecret({ name: 'creds', namespace: 'n', stringData: { p: 'x' } });
    const result = withConfigChecksum(withConfigChecksum({ spec: template.spec }, config), secret);
    expect(Object.keys(result.metadata?.annotations ?? {})).toEqual([
      'checksum.dsoi.io/configmap-broker-config',
      'checksum.dsoi.io/secret-creds',
    ]);
  });

  it('takes a fixed annotation key, and refuses an invalid one', () => {
    const result = withConfigChecksum(template, config, { annotationKey: 'checksum/config' });
    expect(result.metadata?.annotations?.['checksum/config']).toBe(configChecksum(config));
    expect(() => withConfigChecksum(template, config, { annotationKey: 'not a key' })).toThrow(
      error('template.metadata.annotations key', 'annotationKey'),
    );
  });
});
