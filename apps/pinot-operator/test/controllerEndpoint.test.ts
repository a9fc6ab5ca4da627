/** Issue 18: which Pinot controller a CR's REST objects talk to, and which Secrets a CR can make the operator read. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RequestInfo } from '@dsoi/client';
import { describe, expect, it } from 'vitest';
import type { Pinot } from '../src/api/pinot.ts';
import { controllerServiceName, createEndpointResolver } from '../src/rest/controllerEndpoint.ts';
import { minimalPinot, pinotSchemaCr } from './fixtures.ts';
import { pinotFixture, poll, read, ready, type runOperator, types } from './harness.ts';

const { admin, namespace, startOperator, startWithFakePinot, defer } = pinotFixture();

const credentials = { username: 'team-a-admin', password: 'planted-pinot-password-7f3c' };
const tlsFile = (name: string) => readFileSync(join(import.meta.dirname, 'fixtures', 'tls', name), 'utf8');

function secret(namespace: string, name: string, stringData: Record<string, string>) {
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace }, stringData };
}

/** The auth Secret `pinot-admin` with the fake Pinot's credentials. */
const authSecret = (namespace: string) =>
  secret(namespace, 'pinot-admin', {
    CONTROL_PLANE_USERNAME: credentials.username,
    CONTROL_PLANE_PASSWORD: credentials.password,
  });

function operatorFor(
  ns: string,
  options: Parameters<typeof runOperator>[0] & { tls?: boolean } = { watchNamespaces: [] },
) {
  const { tls, ...rest } = options;
  return startWithFakePinot({
    credentials,
    ...(tls && { tls: { key: tlsFile('server.key'), cert: tlsFile('server.crt') } }),
    ...rest,
    watchNamespaces: [ns],
  });
}

describe('Secrets a Pinot CR may name', () => {
  it('refuses a Secret in another namespace unless the operator allows it, and never calls Pinot with it', async () => {
    const ns = await namespace('tenant-a');
    const other = await namespace('tenant-b');
    await admin.create(authSecret(other));
    // The state the fault needs: the other team's Secret exists and the operator's account could read it.
    expect((await read(admin, types.secret, other, 'pinot-admin')).metadata.name).toBe('pinot-admin');
    const cluster = minimalPinot(ns);
    cluster.spec.auth = { type: 'basic-auth', secretRef: { name: 'pinot-admin', namespace: other } };
    await admin.create(cluster);
    await admin.create(pinotSchemaCr(ns));

    const strict = await operatorFor(ns);
    await poll(async () => ready(await read(admin, types.schema, ns, 'baseballstats'))?.reason).toBe(
      'SecretNamespaceNotAllowed',
    );
    const message = ready(await read(admin, types.schema, ns, 'baseballstats')).message as string;
    expect(message).toContain('spec.auth.secretRef.namespace');
    expect(message).not.toContain(credentials.password);
    expect(strict.pinot.requests).toEqual([]);
    await strict.operator.stop();
    await strict.pinot.close();

    const allowing = await operatorFor(ns, { watchNamespaces: [], secretNamespaces: [other] });
    await poll(async () => ready(await read(admin, types.schema, ns, 'baseballstats'))?.status).toBe('True');
    expect(allowing.pinot.schemas.has('baseballStats')).toBe(true);
  });

  it('reads the auth Secret once for many reconciles, not once per reconcile', async () => {
    const ns = await namespace('secret-cache');
    await admin.create(authSecret(ns));
    const cluster = minimalPinot(ns);
    cluster.spec.auth = { type: 'basic-auth', secretRef: { name: 'pinot-admin' } };
    await admin.create(cluster);
    await admin.create(pinotSchemaCr(ns));
    const secretReads: RequestInfo[] = [];
    const { pinot } = await operatorFor(ns, {
      watchNamespaces: [],
      onRequest: (info) => {
        if (info.resource === 'secrets' && info.verb === 'get') secretReads.push(info);
      },
    });
    // RECONCILE_WAIT is 1 s: each pass GETs the schema from Pinot, so five GETs are at least five reconciles.
    await poll(() => pinot.calls().filter((c) => c === 'GET /schemas/baseballStats').length).toBeGreaterThanOrEqual(5);
    expect(secretReads.map((r) => `${r.method} ${r.namespace}`)).toEqual([`GET ${ns}`]);
    expect(pinot.requests.every((r) => r.headers.authorization?.startsWith('Basic '))).toBe(true);
  });
});

describe('the Pinot controller a cluster is called at', () => {
  it('is the controller Service the operator made for that CR, not a look-alike another tenant labelled', async () => {
    const ns = await namespace('lookalike');
    // A tenant's Service with the controller labels of the cluster, sorting before the real one.
    await admin.create({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'a-decoy', namespace: ns, labels: { custom_resource: 'pinot-simple', nodeType: 'controller' } },
      spec: { ports: [{ name: 'controller', port: 9999 }] },
    });
    await admin.create(minimalPinot(ns));
    // No controllerUrl: the operator discovers; no REST object, so nothing is called in this test.
    const op = await startOperator({ watchNamespaces: [ns] });
    const handle = op.operator.manager.store.informer(types.service, { namespace: ns });
    defer(() => handle.release());
    const pinot = (await read(admin, types.pinot, ns, 'pinot-simple')) as Pinot;
    const serviceName = controllerServiceName(pinot)!;
    await poll(() => handle.informer.get(serviceName, ns)?.metadata?.name).toBe(serviceName);
    expect((handle.informer.get('a-decoy', ns)?.metadata as { labels?: object })?.labels).toMatchObject({
      nodeType: 'controller',
    });

    const resolve = createEndpointResolver({
      getService: (namespace, name) => handle.informer.get(name, namespace),
      reader: admin,
    });
    expect((await resolve(pinot, AbortSignal.timeout(5_000))).baseUrl).toBe(`http://${serviceName}.${ns}.svc:9000`);
  });

  it("speaks https to a controller whose certificate the cluster's CA Secret signed", async () => {
    const ns = await namespace('https');
    await admin.create(authSecret(ns));
    await admin.create(secret(ns, 'pinot-ca', { 'ca.crt': tlsFile('ca.crt') }));
    const cluster = minimalPinot(ns);
    cluster.spec.auth = { type: 'basic-auth', secretRef: { name: 'pinot-admin' } };
    cluster.spec.controllerTLS = { caSecretRef: { name: 'pinot-ca' } };
    await admin.create(cluster);
    await admin.create(pinotSchemaCr(ns));
    const { pinot } = await operatorFor(ns, { watchNamespaces: [], tls: true });
    expect(pinot.url).toMatch(/^https:/);
    await poll(async () => ready(await read(admin, types.schema, ns, 'baseballstats'))?.status).toBe('True');
    expect(pinot.schemas.has('baseballStats')).toBe(true);
  });
});
