/**
 * Secure metrics against a real API server: the manager runs as a ServiceAccount allowed only to create TokenReviews
 * and SubjectAccessReviews, serves `/metrics` over https, and scrapers present real ServiceAccount tokens (TokenRequest
 * API). The reviews are the API server's own answers, nothing is mocked.
 */

import { mkdtempSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type RequestInfo } from '@dsoi/client';
import { createTestNamespace, serviceAccountKubeConfig, testKubeConfig } from '@dsoi/envtest/testing';
import { createTestCertificates, writeCertificateFiles } from '@dsoi/webhook/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { createManager } from '../src/index.js';

const kubeConfig = testKubeConfig();
const admin = createClient({ kubeConfig, fieldManager: 'test-admin' });
const quiet = { debug() {}, info() {}, warn() {}, error() {}, child: () => quiet };
const rbac = 'rbac.authorization.k8s.io/v1';
const clusterObjects: { kind: string; name: string }[] = [];

/** A ClusterRole with `rules`, bound to the ServiceAccount `namespace/name`; returns that account's bearer token. */
async function accountToken(namespace: string, name: string, rules?: readonly object[]): Promise<string> {
  if (rules) {
    const roleName = `${namespace}-${name}`;
    await admin.create({ apiVersion: rbac, kind: 'ClusterRole', metadata: { name: roleName }, rules });
    await admin.create({
      apiVersion: rbac,
      kind: 'ClusterRoleBinding',
      metadata: { name: roleName },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: roleName },
      subjects: [{ kind: 'ServiceAccount', name, namespace }],
    });
    clusterObjects.push({ kind: 'ClusterRole', name: roleName }, { kind: 'ClusterRoleBinding', name: roleName });
  }
  const config = await serviceAccountKubeConfig(kubeConfig, { namespace, name });
  return config.getCurrentUser()?.token as string;
}

/** GET over https trusting `ca`, with an optional bearer token. */
function get(url: string, ca: string, token?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const headers = token === undefined ? {} : { authorization: `Bearer ${token}` };
    const req = request(url, { ca, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

afterAll(async () => {
  for (const { kind, name } of clusterObjects) {
    await admin.delete({ apiVersion: rbac, kind, name }).catch(() => {});
  }
});

describe('secure metrics (metricsAuth, metricsTls)', () => {
  it('answers 401 without a token, 403 without the grant, 200 with metrics-reader, after real reviews', async () => {
    const ns = await createTestNamespace(kubeConfig, 'metrics-auth');
    const reviewer = [
      { apiGroups: ['authentication.k8s.io'], resources: ['tokenreviews'], verbs: ['create'] },
      { apiGroups: ['authorization.k8s.io'], resources: ['subjectaccessreviews'], verbs: ['create'] },
    ];
    await accountToken(ns, 'operator', reviewer);
    const asOperator = await serviceAccountKubeConfig(kubeConfig, { namespace: ns, name: 'operator' });
    const reader = await accountToken(ns, 'scraper', [{ nonResourceURLs: ['/metrics'], verbs: ['get'] }]);
    const stranger = await accountToken(ns, 'stranger');
    const certificates = await createTestCertificates();
    const files = writeCertificateFiles(mkdtempSync(join(tmpdir(), 'metrics-auth-')), certificates);

    const requests: RequestInfo[] = [];
    const manager = createManager({
      name: 'metrics-auth-operator',
      kubeConfig: asOperator,
      probes: { host: '127.0.0.1', port: 0 },
      metrics: { host: '127.0.0.1', port: 0 },
      metricsAuth: true,
      metricsTls: { certFile: files.certFile, keyFile: files.keyFile },
      logger: quiet,
      onRequest: (info) => requests.push(info),
    });
    // The start-up check asks for both review grants (and finds them): a missing one would reject `start`.
    expect(manager.requiredPermissions().map((p) => `${p.verb} ${p.resource}`)).toEqual(
      expect.arrayContaining(['create tokenreviews', 'create subjectaccessreviews']),
    );
    const stop = new AbortController();
    const run = manager.start(stop.signal);
    try {
      await expect.poll(() => manager.metricsUrl(), { timeout: 20_000 }).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const url = `${manager.metricsUrl()}/metrics`;
      const reviews = (resource: string) => requests.filter((r) => r.resource === resource && r.verb === 'create');

      const anonymous = await get(url, certificates.caCert);
      expect(reviews('tokenreviews')).toHaveLength(0);
      expect(anonymous.status).toBe(401);

      const forged = await get(url, certificates.caCert, `${reader.slice(0, -4)}AAAA`);
      expect(reviews('tokenreviews')).toHaveLength(1);
      expect(reviews('subjectaccessreviews')).toHaveLength(0);
      expect(forged.status).toBe(401);

      const denied = await get(url, certificates.caCert, stranger);
      expect(reviews('tokenreviews')).toHaveLength(2);
      expect(reviews('subjectaccessreviews')).toHaveLength(1);
      expect(denied.status).toBe(403);
      expect(denied.body).toContain(`system:serviceaccount:${ns}:stranger`);

      const allowed = await get(url, certificates.caCert, reader);
      expect(reviews('subjectaccessreviews')).toHaveLength(2);
      expect(allowed.status).toBe(200);
      expect(allowed.body).toContain('# TYPE rest_client_requests_total counter');

      // The decision is reused: a second scrape within the minute costs no review.
      expect((await get(url, certificates.caCert, reader)).status).toBe(200);
      expect(reviews('tokenreviews')).toHaveLength(3);

      // The probes stay unauthenticated (the kubelet has no token).
      const probe = await fetch(`${manager.probeUrl()}/readyz`);
      expect(probe.status).toBe(200);
    } finally {
      stop.abort();
      await run;
    }
  });
});
