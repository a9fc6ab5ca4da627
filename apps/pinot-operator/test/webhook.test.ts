/** Issue 21: kube-apiserver calls the operator's validating webhooks before it stores a PinotSchema or PinotTable. */
import { mkdtempSync, rmSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@dsoi/client';
import { KubeApiError } from '@dsoi/client/errors';
import { createTestNamespace, installWebhooks } from '@dsoi/envtest/testing';
import { webhookConfigurations } from '@dsoi/webhook';
import { createTestCertificates, writeCertificateFiles } from '@dsoi/webhook/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pinotWebhookDefinitions } from '../src/webhook/pinotWebhooks.ts';
import { type FakePinot, startFakePinot } from './fakePinot.ts';
import { minimalPinot, pinotSchemaCr, pinotTableCr, tableJson } from './fixtures.ts';
import { installPinotCrds, kubeConfig, type RunningOperator, read, runOperator, types } from './harness.ts';

let admin: Client;
let ns: string;
let pinot: FakePinot;
let op: RunningOperator;
let certDir: string;
let uninstall: () => Promise<void>;

/** A port free on 127.0.0.1 a moment ago. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** What kube-apiserver answered a refused create with. */
async function refusal(create: Promise<unknown>): Promise<KubeApiError> {
  const err = await create.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof KubeApiError)) throw new Error(`expected a refusal, got ${String(err)}`);
  return err;
}

const named = <T extends { metadata: object }>(cr: T, name: string, spec: object = {}) => ({
  ...cr,
  metadata: { ...cr.metadata, name },
  spec: { ...(cr as unknown as { spec: object }).spec, ...spec },
});

beforeAll(async () => {
  admin = await installPinotCrds();
  ns = await createTestNamespace(kubeConfig, 'webhook');
  pinot = await startFakePinot();
  certDir = mkdtempSync(join(tmpdir(), 'pinot-webhook-'));
  const certs = await createTestCertificates();
  writeCertificateFiles(certDir, certs);
  const port = await freePort();
  op = await runOperator({
    watchNamespaces: [ns],
    controllerUrl: pinot.url,
    webhook: { certDir, port, host: '127.0.0.1' },
  });
  // The same definitions the operator serves, as `dsoi generate webhooks` reads them; the probe below waits until
  // the operator's server answers.
  const { validating } = webhookConfigurations({
    name: `pinot-operator-${ns}`,
    webhooks: pinotWebhookDefinitions(),
    clientConfig: { url: `https://127.0.0.1:${port}` },
    caBundle: certs.caCert,
  });
  // Scoped to this test's namespace: the other test files of the run share the API server.
  const scoped = {
    ...validating!,
    webhooks: validating!.webhooks.map((w) => ({
      ...w,
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns } },
    })),
  };
  const installed = await installWebhooks(kubeConfig, {
    configurations: [scoped],
    // Effective once a dry-run schema of a missing cluster is refused with the handler's message.
    probe: async () => {
      const err = await refusal(
        admin.create(named(pinotSchemaCr(ns, undefined, 'probe-missing'), 'probe'), { dryRun: true }),
      );
      return err.message.includes('Pinot "probe-missing" does not exist');
    },
  });
  uninstall = installed.uninstall;
  await admin.create(minimalPinot(ns));
});

afterAll(async () => {
  await uninstall?.();
  await op?.stop();
  await pinot?.close();
  rmSync(certDir, { recursive: true, force: true });
});

describe('the Pinot validating webhooks', () => {
  it('refuse a PinotSchema and a PinotTable whose pinotCluster does not exist in their namespace', async () => {
    const schema = await refusal(admin.create(named(pinotSchemaCr(ns, undefined, 'nowhere'), 'lost-schema')));
    expect(schema.code).toBe(422);
    expect(schema.message).toContain(
      'admission webhook "vpinotschema.datainfra.io" denied the request: spec.pinotCluster: Pinot "nowhere" does not exist',
    );
    const table = await refusal(admin.create(named(pinotTableCr(ns), 'lost-table', { pinotCluster: 'nowhere' })));
    expect(table.message).toContain('admission webhook "vpinottable.datainfra.io" denied the request');
    await expect(read(admin, types.schema, ns, 'lost-schema')).rejects.toThrow();
  });

  it('admit a PinotTable of an existing cluster, then refuse a second one naming the same table, naming the first', async () => {
    await admin.create(named(pinotTableCr(ns), 'team-a'));
    // The second gate still stands behind the first: team-a is admitted and stored.
    expect((await read(admin, types.table, ns, 'team-a')).spec.pinotCluster).toBe('pinot-simple');
    // The webhook reads the operator's cache, which sees team-a shortly after it is stored.
    await expect
      .poll(
        async () =>
          (await refusal(admin.create(named(pinotTableCr(ns), 'team-b'), { dryRun: true })).catch((e: Error) => e))
            .message,
        {
          timeout: 30_000,
        },
      )
      .toContain('is managed by PinotTable "team-a"');
    const err = await refusal(admin.create(named(pinotTableCr(ns), 'team-b')));
    expect(err.code).toBe(409);
    expect(err.message).toContain(
      'denied the request: spec.tables.json: table "baseballStats" of Pinot "pinot-simple" is managed by PinotTable "team-a"',
    );
    // Another table name of the same cluster is admitted.
    const other = tableJson.replace('"tableName":"baseballStats"', '"tableName":"otherStats"');
    await admin.create(named(pinotTableCr(ns, other), 'team-b'));
    expect((await read(admin, types.table, ns, 'team-b')).metadata.name).toBe('team-b');
  });
});
