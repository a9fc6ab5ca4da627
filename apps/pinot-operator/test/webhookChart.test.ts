/** Issue 21: the chart's optional webhook (off by default): configuration, Service, certificate, Deployment wiring. */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { helmTemplate } from '@dsoi/chart-testing';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const chartDir = join(import.meta.dirname, '..', 'deploy', 'chart');
const generated = parse(readFileSync(join(chartDir, 'files', 'webhook-configurations.yaml'), 'utf8'));
/** A rendered manifest (untyped). */
type Manifest = any;
const render = (values: Record<string, unknown>) =>
  helmTemplate(chartDir, { name: 'pinot', namespace: 'ops', values }) as Promise<Manifest[]>;
const ofKind = (objects: Manifest[], kind: string) => objects.filter((o) => o.kind === kind);

describe('the chart webhook', () => {
  it('is off by default: no configuration, Service, certificate, flag or mount', async () => {
    const objects = await render({});
    for (const kind of ['ValidatingWebhookConfiguration', 'Certificate', 'Issuer'])
      expect(ofKind(objects, kind)).toEqual([]);
    expect(objects.map((o) => o.metadata.name)).not.toContain('pinot-webhook');
    const container = ofKind(objects, 'Deployment')[0].spec.template.spec.containers[0];
    expect(container.args.join(' ')).not.toContain('--webhook');
    expect(container.volumeMounts).toBeUndefined();
  });

  it('serves the generated webhooks through its Service with a Helm-generated CA that signed the mounted certificate', async () => {
    const objects = await render({ webhook: { enabled: true }, watchNamespaces: ['team-a'] });
    const [configuration] = ofKind(objects, 'ValidatingWebhookConfiguration');
    // Everything but where to call and the namespaces comes from `dsoi generate webhooks`, i.e. from the code.
    const strip = (w: Manifest) => {
      const { clientConfig, namespaceSelector, ...rest } = w;
      return { ...rest, path: clientConfig.service.path };
    };
    expect(configuration.webhooks.map(strip)).toEqual(generated.webhooks.map(strip));
    for (const webhook of configuration.webhooks) {
      expect(webhook.clientConfig.service).toMatchObject({ name: 'pinot-webhook', namespace: 'ops', port: 443 });
      expect(webhook.namespaceSelector.matchExpressions[0]).toMatchObject({ operator: 'In', values: ['team-a'] });
    }
    const service = objects.find((o) => o.kind === 'Service' && o.metadata.name === 'pinot-webhook');
    expect(service.spec.ports).toEqual([{ name: 'webhook', port: 443, targetPort: 'webhook', protocol: 'TCP' }]);

    const secret = objects.find((o) => o.kind === 'Secret' && o.metadata.name === 'pinot-webhook-tls');
    const pem = (key: string) => Buffer.from(secret.data[key], 'base64').toString();
    const ca = new X509Certificate(pem('ca.crt'));
    const serving = new X509Certificate(pem('tls.crt'));
    expect(Buffer.from(configuration.webhooks[0].clientConfig.caBundle, 'base64').toString()).toBe(pem('ca.crt'));
    expect(serving.verify(ca.publicKey)).toBe(true);
    expect(serving.checkHost('pinot-webhook.ops.svc')).toBe('pinot-webhook.ops.svc');

    const pod = ofKind(objects, 'Deployment')[0].spec.template.spec;
    const container = pod.containers[0];
    expect(container.args).toEqual(
      expect.arrayContaining(['--webhook-port=9443', '--webhook-cert-dir=/tmp/k8s-webhook-server/serving-certs']),
    );
    expect(container.ports).toContainEqual({ name: 'webhook', containerPort: 9443, protocol: 'TCP' });
    expect(container.volumeMounts).toEqual([
      { name: 'webhook-certs', mountPath: '/tmp/k8s-webhook-server/serving-certs', readOnly: true },
    ]);
    expect(pod.volumes).toEqual([{ name: 'webhook-certs', secret: { secretName: 'pinot-webhook-tls' } }]);
  });

  it('with certManager: an Issuer and a Certificate into the mounted Secret, the CA injected, no Helm-made Secret', async () => {
    const objects = await render({
      webhook: { enabled: true, failurePolicy: 'Ignore', certManager: { enabled: true } },
    });
    const [certificate] = ofKind(objects, 'Certificate');
    expect(certificate.spec).toMatchObject({
      secretName: 'pinot-webhook-tls',
      dnsNames: ['pinot-webhook.ops.svc', 'pinot-webhook.ops.svc.cluster.local'],
      issuerRef: { kind: 'Issuer', name: 'pinot-webhook' },
    });
    expect(ofKind(objects, 'Issuer')[0].spec).toEqual({ selfSigned: {} });
    expect(objects.find((o) => o.kind === 'Secret' && o.metadata.name === 'pinot-webhook-tls')).toBeUndefined();
    const [configuration] = ofKind(objects, 'ValidatingWebhookConfiguration');
    expect(configuration.metadata.annotations).toEqual({ 'cert-manager.io/inject-ca-from': 'ops/pinot-webhook' });
    for (const webhook of configuration.webhooks) {
      expect(webhook.failurePolicy).toBe('Ignore');
      expect(webhook.clientConfig.caBundle).toBeUndefined();
      expect(webhook.namespaceSelector).toBeUndefined();
    }
  });

  it('refuses a failurePolicy other than Fail or Ignore, naming the value', async () => {
    await expect(render({ webhook: { enabled: true, failurePolicy: 'Maybe' } })).rejects.toThrow(/failurePolicy/);
  });
});
