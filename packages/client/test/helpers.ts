// Shared by the real-server tests: an admin client of the run's control plane and a small CRD with a status subresource.
import https from 'node:https';
import { createTestNamespace, testCrd, testKubeConfig } from '@dsoi/envtest/testing';
import { type ClientOptions, createClient } from '../src/index.js';

/** A client of the test control plane, as cluster admin, field manager `dsoi-test`. */
export function adminClient(options: Partial<ClientOptions> = {}) {
  return createClient({ kubeConfig: testKubeConfig(), fieldManager: 'dsoi-test', ...options });
}

/** A fresh namespace for one test file. */
export function newNamespace(prefix: string): Promise<string> {
  return createTestNamespace(testKubeConfig(), prefix);
}

/** The Widget custom resource of the tests. */
export interface Widget {
  apiVersion: 'test.dsoi.io/v1';
  kind: 'Widget';
  metadata: { name: string; namespace?: string; uid?: string; resourceVersion?: string; generation?: number };
  spec?: { size?: number; color?: string; tags?: string[] };
  status?: { phase?: string; observedGeneration?: number };
}

export const widgetType = { apiVersion: 'test.dsoi.io/v1', kind: 'Widget' } as const;

/** `widgets.test.dsoi.io`: namespaced, status subresource, `spec.size >= 0`. */
export const widgetCrd = crd('test.dsoi.io', 'Widget', 'widgets');

/** A minimal namespaced CRD with a status subresource and a `spec.size` that must be >= 0. */
export function crd(group: string, kind: string, plural: string) {
  return testCrd({
    group,
    kind,
    plural,
    schema: {
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          properties: {
            size: { type: 'integer', minimum: 0 },
            color: { type: 'string' },
            tags: { type: 'array', items: { type: 'string' } },
          },
        },
        status: {
          type: 'object',
          properties: { phase: { type: 'string' }, observedGeneration: { type: 'integer' } },
        },
      },
    },
  });
}

/**
 * The sum of one API server metric over the series whose labels include `labels`, read from `/metrics` as admin:
 * lets a test see from the server's side how many watches are open.
 */
export async function apiServerMetric(name: string, labels: Record<string, string>): Promise<number> {
  const kubeConfig = testKubeConfig();
  const options: https.RequestOptions = { headers: {} };
  await kubeConfig.applyToHTTPSOptions(options);
  const url = new URL('/metrics', kubeConfig.getCurrentCluster()!.server);
  const text = await new Promise<string>((resolve, reject) => {
    https
      .get(url, options, (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => resolve(body));
      })
      .on('error', reject);
  });
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) && wanted.every((label) => line.includes(label)))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}
