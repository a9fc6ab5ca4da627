/** Installs CustomResourceDefinitions and waits until the API server serves them. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { KubeConfig } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { EnvtestError } from './errors.js';
import { type ApiTarget, apiCall } from './internal/apiRequest.js';
import { targetOf } from './internal/target.js';

/** A CRD given as an object, or a path to a YAML/JSON file (multi-document) or a directory of such files. */
export type CrdSource = string | CustomResourceDefinitionObject;

/** The fields of a CustomResourceDefinition that envtest reads; the rest is passed to the server as given. */
export interface CustomResourceDefinitionObject {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata?: { readonly name?: string };
  readonly spec: {
    readonly group: string;
    readonly names: { readonly plural: string };
    readonly versions: readonly { readonly name: string; readonly served?: boolean }[];
  };
  readonly [field: string]: unknown;
}

/** Options of {@link installCrds}. */
export interface InstallCrdsOptions {
  /** How long to wait for every CRD to be Established and in discovery. @default 30_000 */
  readonly timeoutMs?: number;
  /** Aborts the wait. */
  readonly signal?: AbortSignal;
}

/** Reads CRD objects from the given sources; other kinds in the files are ignored. */
export function loadCrds(sources: readonly CrdSource[]): CustomResourceDefinitionObject[] {
  return sources.flatMap((source) => (typeof source === 'string' ? readPath(source) : [source]));
}

function readPath(path: string): CustomResourceDefinitionObject[] {
  if (statSync(path).isDirectory()) {
    return readdirSync(path)
      .filter((name) => ['.yaml', '.yml', '.json'].includes(extname(name)))
      .sort()
      .flatMap((name) => readPath(join(path, name)));
  }
  // A plain YAML parser: client-node's loadAllYaml renames `x-kubernetes-*` keys (x-kubernetes-validations becomes
  // x_kubernetes_validations), which makes the API server refuse CRDs with CEL rules or list-map keys.
  const docs = parseAllDocuments(readFileSync(path, 'utf8')).map((doc) => {
    if (doc.errors.length > 0) throw new TypeError(`${path}: invalid YAML: ${doc.errors[0]?.message}`);
    return doc.toJS() as unknown;
  });
  return docs.filter(
    (doc): doc is CustomResourceDefinitionObject =>
      typeof doc === 'object' && doc !== null && (doc as { kind?: unknown }).kind === 'CustomResourceDefinition',
  );
}

/**
 * Server-side-applies the CRDs (so installing twice is harmless) and waits until each is `NamesAccepted` and
 * `Established` and its plural is listed by discovery for every served version, as controller-runtime's envtest
 * `WaitForCRDs` does, so the first request after this never gets a 404.
 */
export async function installCrds(
  kubeConfig: KubeConfig | ApiTarget,
  sources: readonly CrdSource[],
  options: InstallCrdsOptions = {},
): Promise<void> {
  const { timeoutMs = 30_000, signal } = options;
  const target = 'server' in kubeConfig ? kubeConfig : targetOf(kubeConfig);
  const crds = loadCrds(sources);
  for (const crd of crds) {
    const name = crd.metadata?.name ?? `${crd.spec.names.plural}.${crd.spec.group}`;
    await apiCall(
      target,
      'PATCH',
      `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}?fieldManager=dsoi-envtest&force=true`,
      {
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        ...crd,
        metadata: { ...crd.metadata, name },
      },
      { contentType: 'application/apply-patch+yaml' },
    );
  }
  const deadline = Date.now() + timeoutMs;
  for (const crd of crds) {
    while (!(await isServed(target, crd))) {
      signal?.throwIfAborted();
      if (Date.now() > deadline) {
        throw new EnvtestError(
          'Timeout',
          `CRD ${crd.spec.names.plural}.${crd.spec.group} not served after ${timeoutMs} ms`,
        );
      }
      await sleep(100, undefined, { signal });
    }
  }
}

async function isServed(target: ApiTarget, crd: CustomResourceDefinitionObject): Promise<boolean> {
  const name = crd.metadata?.name ?? `${crd.spec.names.plural}.${crd.spec.group}`;
  const live = await apiCall<{ status?: { conditions?: { type: string; status: string }[] } }>(
    target,
    'GET',
    `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}`,
  );
  const conditions = live.status?.conditions ?? [];
  const isTrue = (type: string) => conditions.some((c) => c.type === type && c.status === 'True');
  if (!isTrue('Established') || !isTrue('NamesAccepted')) return false;
  for (const version of crd.spec.versions.filter((v) => v.served !== false)) {
    const list = await apiCall<{ resources?: { name: string }[] }>(
      target,
      'GET',
      `/apis/${crd.spec.group}/${version.name}`,
      undefined,
      { ok: [200, 404, 503] },
    ).catch(() => undefined);
    if (!list?.resources?.some((r) => r.name === crd.spec.names.plural)) return false;
  }
  return true;
}
