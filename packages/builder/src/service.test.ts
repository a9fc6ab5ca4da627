import { describe, expect, it } from 'vitest';
import { buildHeadlessService, buildService } from './service.js';

const error = (field: string, rule: string) => expect.objectContaining({ name: 'BuilderValidationError', field, rule });
const ports = [{ name: 'broker', port: 8099, targetPort: 8099 }];

describe('buildService', () => {
  it('builds a v1 Service with the selector and spec given', () => {
    expect(
      buildService({
        name: 'broker',
        namespace: 'pinot',
        selector: { app: 'pinot' },
        spec: { type: 'ClusterIP', ports },
      }),
    ).toEqual({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'broker', namespace: 'pinot' },
      spec: { type: 'ClusterIP', selector: { app: 'pinot' }, ports },
    });
  });

  it('takes the selector from spec.selector, and accepts the same selector twice', () => {
    const spec = { selector: { app: 'pinot' }, ports };
    expect(buildService({ name: 's', namespace: 'n', spec }).spec.selector).toEqual({ app: 'pinot' });
    expect(buildService({ name: 's', namespace: 'n', selector: { app: 'pinot' }, spec }).spec.selector).toEqual({
      app: 'pinot',
    });
    expect(buildService({ name: 's', namespace: 'n', spec: { ports } }).spec).not.toHaveProperty('selector');
  });

  it('refuses a selector that contradicts spec.selector', () => {
    const spec = { selector: { app: 'other' }, ports };
    expect(() => buildService({ name: 's', namespace: 'n', selector: { app: 'pinot' }, spec })).toThrow(
      error('Service selector', 'conflict'),
    );
    const extra = { selector: { app: 'pinot', x: 'y' }, ports };
    expect(() => buildService({ name: 's', namespace: 'n', selector: { app: 'pinot' }, spec: extra })).toThrow(
      error('Service selector', 'conflict'),
    );
  });

  it('requires a DNS-1035 name', () => {
    expect(() => buildService({ name: '9broker', namespace: 'n', spec: { ports } })).toThrow(
      error('Service name', 'dns1035Label'),
    );
  });

  it('checks ports: present, in range, named when several, names distinct', () => {
    const service = (p: object[], type?: string) => () =>
      buildService({ name: 's', namespace: 'n', spec: { ports: p as never, ...(type && { type }) } });
    expect(service([])).toThrow(error('Service spec.ports', 'required'));
    expect(service([], 'ExternalName')).not.toThrow();
    expect(service([{ port: 0 }])).toThrow(error('Service spec.ports[0].port', 'range'));
    expect(service([{ port: 80, targetPort: 70000 }])).toThrow(error('Service spec.ports[0].targetPort', 'range'));
    expect(service([{ port: 80, targetPort: 'http' }])).not.toThrow();
    expect(service([{ port: 80, targetPort: 'Not_A_Port' }])).toThrow(
      error('Service spec.ports[0].targetPort', 'portName'),
    );
    expect(service([{ port: 80 }, { port: 81, name: 'b' }])).toThrow(error('Service spec.ports[0].name', 'required'));
    expect(
      service([
        { port: 80, name: 'a' },
        { port: 81, name: 'a' },
      ]),
    ).toThrow(error('Service spec.ports[1].name', 'unique'));
    expect(service([{ port: 80, name: 'A' }])).toThrow(error('Service spec.ports[0].name', 'dns1123Label'));
  });

  it('does not change the spec it is given', () => {
    const spec = { ports: [{ port: 80 }] };
    const built = buildService({ name: 's', namespace: 'n', selector: { a: 'b' }, spec });
    expect(spec).toEqual({ ports: [{ port: 80 }] });
    expect(built.spec.ports?.[0]).not.toBe(spec.ports[0]);
  });
});

describe('buildHeadlessService', () => {
  it('sets clusterIP None and needs no ports', () => {
    expect(buildHeadlessService({ name: 'broker-headless', namespace: 'pinot', selector: { app: 'pinot' } })).toEqual({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'broker-headless', namespace: 'pinot' },
      spec: { clusterIP: 'None', selector: { app: 'pinot' } },
    });
    const withPorts = buildHeadlessService({
      name: 'h',
      namespace: 'n',
      spec: { clusterIP: 'None', type: 'ClusterIP', ports, publishNotReadyAddresses: true },
    });
    expect(withPorts.spec).toEqual({ clusterIP: 'None', type: 'ClusterIP', ports, publishNotReadyAddresses: true });
  });

  it('refuses a cluster IP or a type that contradicts headless', () => {
    expect(() => buildHeadlessService({ name: 'h', namespace: 'n', spec: { clusterIP: '10.0.0.1' } })).toThrow(
      error('headless Service spec.clusterIP', 'conflict'),
    );
    expect(() => buildHeadlessService({ name: 'h', namespace: 'n', spec: { type: 'NodePort' } })).toThrow(
      error('headless Service spec.type', 'conflict'),
    );
    expect(() => buildHeadlessService({ name: 'H', namespace: 'n' })).toThrow(
      error('headless Service name', 'dns1035Label'),
    );
  });
});
