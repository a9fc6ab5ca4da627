import { describe, expect, it } from 'vitest';
import { minimalPinot } from '../../test/fixtures.ts';
import type { Pinot } from '../api/pinot.ts';
import { createEndpointResolver } from './controllerEndpoint.ts';

const base = minimalPinot('pinot') as unknown as Pinot;
const pinot = { ...base, metadata: { ...base.metadata, uid: 'uid-1' } } as Pinot;
const service = (name: string, ports: { name?: string; port: number }[], ownerUid = 'uid-1') => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: 'pinot', ownerReferences: [{ uid: ownerUid, controller: true }] },
  spec: { ports },
});
const noSecrets = { get: () => Promise.reject(new Error('unexpected')) };
const signal = new AbortController().signal;
const withAuth = (namespace?: string) =>
  ({
    ...pinot,
    spec: { ...pinot.spec, auth: { type: 'basic-auth', secretRef: { name: 's', ...(namespace && { namespace }) } } },
  }) as Pinot;
const credentialsReader = (reads: unknown[]) => ({
  get: async (ref: unknown) => {
    reads.push(ref);
    return { data: { CONTROL_PLANE_USERNAME: btoa('u'), CONTROL_PLANE_PASSWORD: btoa('p') } } as never;
  },
});

/** A resolver of the fixed URL `http://x` whose Secret reads land in `reads`. */
const fixedUrlResolver = (reads: unknown[], secretNamespaces?: string[]) =>
  createEndpointResolver({
    getService: () => undefined,
    controllerUrl: 'http://x',
    reader: credentialsReader(reads),
    ...(secretNamespaces && { secretNamespaces }),
  });

describe('controller endpoint', () => {
  it("uses the controller Service of the cluster's own controller node, with its real port (bug 20)", async () => {
    const asked: unknown[] = [];
    const resolve = createEndpointResolver({
      getService: (ns, name) => {
        asked.push({ ns, name });
        return service(name, [{ name: 'http', port: 9443 }]);
      },
      reader: noSecrets,
    });
    expect((await resolve(pinot, signal)).baseUrl).toBe('http://pinot-controller-controller-svc.pinot.svc:9443');
    expect(asked).toEqual([{ ns: 'pinot', name: 'pinot-controller-controller-svc' }]);
  });

  it('refuses a Service of that name that another object controls, and honours the override', async () => {
    const foreign = createEndpointResolver({
      getService: (_ns, name) => service(name, [{ port: 9000 }], 'someone-else'),
      reader: noSecrets,
    });
    await expect(foreign(pinot, signal)).rejects.toMatchObject({ reason: 'ControllerServiceNotFound' });
    const fixed = createEndpointResolver({
      getService: () => undefined,
      reader: noSecrets,
      controllerUrl: ({ name }) => `http://localhost:9000/${name}`,
    });
    expect((await fixed(pinot, signal)).baseUrl).toBe('http://localhost:9000/pinot-simple');
  });

  it('reads the credentials from the Secret, defaulting its namespace to the CR, and caches the read', async () => {
    const reads: unknown[] = [];
    const resolve = fixedUrlResolver(reads);
    const endpoint = await resolve(withAuth(), signal);
    expect(endpoint).toMatchObject({ baseUrl: 'http://x', credentials: { username: 'u', password: 'p' } });
    await resolve(withAuth(), signal);
    expect(reads).toEqual([{ apiVersion: 'v1', kind: 'Secret', namespace: 'pinot', name: 's' }]);
    endpoint.credentialsRejected();
    await resolve(withAuth(), signal);
    expect(reads).toHaveLength(2);
  });

  it('refuses a Secret in another namespace unless that namespace is allowed', async () => {
    const reads: unknown[] = [];
    const strict = fixedUrlResolver(reads);
    const refused = strict(withAuth('team-b'), signal);
    await expect(refused).rejects.toMatchObject({ reason: 'SecretNamespaceNotAllowed' });
    await expect(refused).rejects.toThrow(/^spec\.auth\.secretRef\.namespace: /);
    expect(reads).toEqual([]);
    const allowing = fixedUrlResolver(reads, ['team-b']);
    expect((await allowing(withAuth('team-b'), signal)).credentials).toEqual({ username: 'u', password: 'p' });
  });
});
