import { describe, expect, it } from 'vitest';
import { buildConfigMap } from './configMap.js';
import { controllerRef } from './controllerRef.js';

const error = (field: string, rule: string) => expect.objectContaining({ name: 'BuilderValidationError', field, rule });
const owner = { apiVersion: 'datainfra.io/v1beta1', kind: 'Pinot', metadata: { name: 'p', uid: 'u1' } };

describe('buildConfigMap', () => {
  it('builds a complete v1 ConfigMap with only the fields given', () => {
    expect(buildConfigMap({ name: 'broker-config', namespace: 'pinot' })).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'broker-config', namespace: 'pinot' },
    });
    const full = buildConfigMap({
      name: 'pinot-simple-broker-config',
      namespace: 'pinot',
      labels: { app: 'pinot' },
      annotations: { 'example.com/note': 'x' },
      ownerReferences: [controllerRef(owner)],
      data: { 'pinot-broker.conf': 'pinot.broker.timeoutMs=60000' },
      binaryData: { 'logo.png': 'iVBORw0KGgo=' },
      immutable: false,
    });
    expect(full).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'pinot-simple-broker-config',
        namespace: 'pinot',
        labels: { app: 'pinot' },
        annotations: { 'example.com/note': 'x' },
        ownerReferences: [controllerRef(owner)],
      },
      data: { 'pinot-broker.conf': 'pinot.broker.timeoutMs=60000' },
      binaryData: { 'logo.png': 'iVBORw0KGgo=' },
      immutable: false,
    });
  });

  it('shares no objects with its input and is plain JSON', () => {
    const data = { a: '1' };
    const labels = { app: 'x' };
    const built = buildConfigMap({ name: 'c', namespace: 'n', data, labels });
    expect(built.data).not.toBe(data);
    expect(built.metadata.labels).not.toBe(labels);
    expect(JSON.parse(JSON.stringify(built))).toEqual(built);
  });

  it('refuses invalid metadata, naming the kind in the field', () => {
    expect(() => buildConfigMap({ name: 'Bad', namespace: 'n' })).toThrow(error('ConfigMap name', 'dns1123Subdomain'));
    expect(() => buildConfigMap({ name: 'c', namespace: 'a.b' })).toThrow(error('ConfigMap namespace', 'dns1123Label'));
    expect(() => buildConfigMap({ name: 'c', namespace: 'n', labels: { app: 'a b' } })).toThrow(
      error('ConfigMap metadata.labels["app"]', 'labelValue'),
    );
    expect(() => buildConfigMap({ name: 'c', namespace: 'n', annotations: { '/x': 'y' } })).toThrow(
      error('ConfigMap metadata.annotations key', 'annotationKey'),
    );
  });

  it('refuses incomplete owner references and two controllers', () => {
    const ref = controllerRef(owner);
    expect(() => buildConfigMap({ name: 'c', namespace: 'n', ownerReferences: [{ ...ref, uid: '' }] })).toThrow(
      error('ConfigMap metadata.ownerReferences[0].uid', 'required'),
    );
    expect(() =>
      buildConfigMap({ name: 'c', namespace: 'n', ownerReferences: [ref, { ...ref, name: 'other', uid: 'u2' }] }),
    ).toThrow(error('ConfigMap metadata.ownerReferences', 'conflict'));
  });

  it('refuses bad data keys, non-base64 binary data, duplicate keys and data over 1 MiB', () => {
    expect(() => buildConfigMap({ name: 'c', namespace: 'n', data: { 'a/b': 'x' } })).toThrow(
      error('ConfigMap data key', 'configKey'),
    );
    expect(() => buildConfigMap({ name: 'c', namespace: 'n', data: { '..': 'x' } })).toThrow(
      error('ConfigMap data key', 'configKey'),
    );
    expect(() => buildConfigMap({ name: 'c', namespace: 'n', data: { a: 1 as unknown as string } })).toThrow(
      error('ConfigMap data["a"]', 'required'),
    );
    expect(() => buildConfigMap({ name: 'c', namespace: 'n', binaryData: { a: 'not base64!' } })).toThrow(
      error('ConfigMap binaryData["a"]', 'base64'),
    );
    expect(() => buildConfigMap({ name: 'c', namespace: 'n', data: { a: 'x' }, binaryData: { a: 'eA==' } })).toThrow(
      error('ConfigMap binaryData key', 'unique'),
    );
    expect(() => buildConfigMap({ name: 'c', namespace: 'n', data: { a: 'x'.repeat(1024 * 1024) } })).toThrow(
      error('ConfigMap data', 'size'),
    );
  });
});
