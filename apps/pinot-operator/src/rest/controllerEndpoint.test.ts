import { describe, expect, it } from 'vitest';
import { minimalPinot } from '../../test/fixtures.ts';
import type { Pinot } from '../api/pinot.ts';
import { createEndpointResolver } from './controllerEndpoint.ts';

const pinot = minimalPinot('pinot') as unknown as Pinot;
const service = (name: string, ports: { name?: string; port: number }[]) => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: 'pinot' },
  spec: { ports },
});
const noSecrets = { get: () => Promise.reject(new Error('unexpected')) };
const signal = new AbortController().signal;

describe('controller endpoint', () => {
  it('discovers the controller Service by the cluster labels and uses its real port (bug 20)', async () => {
    const asked: unknown[] = [];
    const resolve = createEndpointResolver({
      listServices: (ns, labels) => {
        asked.push({ ns, labels });
        return [service('pinot-controller-controller-svc', [{ name: 'http', port: 9443 }])];
      },
      reader: noSecrets,
    });
    expect(await resolve(pinot, signal)).toEqual({ baseUrl: 'http://pinot-controller-controller-svc.pinot.svc:9443' });
    expect(asked).toEqual([{ ns: 'pinot', labels: { custom_resource: 'pinot-simple', nodeType: 'controller' } }]);
  });

  it('says when there is no controller Service, and honours the override', async () => {
    const none = createEndpointResolver({ listServices: () => [], reader: noSecrets });
    await expect(none(pinot, signal)).rejects.toMatchObject({ reason: 'ControllerServiceNotFound' });
    const fixed = createEndpointResolver({
      listServices: () => [],
      reader: noSecrets,
      controllerUrl: ({ name }) => `http://localhost:9000/${name}`,
    });
    expect((await fixed(pinot, signal)).baseUrl).toBe('http://localhost:9000/pinot-simple');
  });

  it('reads the credentials from the Secret, defaulting its namespace to the CR', async () => {
    const withAuth = {
      ...pinot,
      spec: { ...pinot.spec, auth: { type: 'basic-auth', secretRef: { name: 's' } } },
    } as Pinot;
    const reads: unknown[] = [];
    const resolve = createEndpointResolver({
      listServices: () => [],
      controllerUrl: 'http://x',
      reader: {
        get: async (ref) => {
          reads.push(ref);
          return { data: { CONTROL_PLANE_USERNAME: btoa('u'), CONTROL_PLANE_PASSWORD: btoa('p') } } as never;
        },
      },
    });
    expect(await resolve(withAuth, signal)).toEqual({
      baseUrl: 'http://x',
      credentials: { username: 'u', password: 'p' },
    });
    expect(reads).toEqual([{ apiVersion: 'v1', kind: 'Secret', namespace: 'pinot', name: 's' }]);
  });
});
