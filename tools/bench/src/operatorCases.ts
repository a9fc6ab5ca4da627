/**
 * The operator pairs of the end-to-end benchmark: our reference operator (its built CLI, its CRDs, one of its
 * examples as the custom resource) and the Go operator it replaces (a peer of `@dsoi/peers`). The custom resource of
 * each pair is one that both operators act on in full: the Go Pinot operator builds a StatefulSet only for
 * `kind: Statefulset` spelled that way, and the Go Parseable operator builds only the node type named first in
 * `deploymentOrder` and panics on `external`.
 */

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { KindRegistration } from '@dsoi/client';
import type { KubeObject } from '@dsoi/object';
import type { PeerName } from '@dsoi/peers';
import { loadYaml } from '@kubernetes/client-node';

/** Everything the scenario needs to know about one operator pair. */
export interface OperatorCase {
  /** `Pinot`, `Parseable`. */
  readonly title: string;
  /** Our operator's built CLI (`bin` of its package.json). */
  readonly bin: string;
  /** Its CRD directory. */
  readonly crdDir: string;
  /** The Go operator it replaces (built by `@dsoi/peers`), and its short name for table headers. */
  readonly peer: PeerName;
  readonly goTitle: string;
  /**
   * `RECONCILE_WAIT` given to both operators, so that both re-check a converged CR equally often, and why that value.
   */
  readonly reconcileWait: string;
  readonly reconcileWaitNote: string;
  /** The custom resource kind. */
  readonly crKind: KindRegistration;
  /** Every kind its children can have (counted per namespace; one CR per namespace). */
  readonly childKinds: readonly KindRegistration[];
  /** The example the CRs copy, relative to the repository root, what it holds and where it comes from. */
  readonly example: string;
  readonly exampleSummary: string;
  /** One CR: the example under a new name and namespace. */
  cr(name: string, namespace: string): KubeObject;
  /**
   * The spec with one config value changed: in the config group of the first node type in `deploymentOrder`, so its
   * workload is first in the rollout and no readiness gate delays the update.
   */
  changeSpec(spec: Record<string, unknown>, stamp: string): Record<string, unknown>;
}

const root = fileURLToPath(new URL('../../../', import.meta.url));
const core = (kind: string, plural: string): KindRegistration => ({ apiVersion: 'v1', kind, plural, namespaced: true });
const apps = (kind: string, plural: string): KindRegistration => ({
  apiVersion: 'apps/v1',
  kind,
  plural,
  namespaced: true,
});

/** The kinds the benchmark itself reads and writes, registered so its client never asks discovery. */
export const benchKinds: readonly KindRegistration[] = [
  { apiVersion: 'v1', kind: 'Namespace', plural: 'namespaces', namespaced: false },
  core('ConfigMap', 'configmaps'),
  core('Service', 'services'),
  core('PersistentVolumeClaim', 'persistentvolumeclaims'),
  apps('StatefulSet', 'statefulsets'),
  apps('Deployment', 'deployments'),
];

function fromExample(
  path: string,
  adapt: (spec: Record<string, unknown>) => Record<string, unknown> = (spec) => spec,
): (name: string, namespace: string) => KubeObject {
  const example = loadYaml<KubeObject & { spec: Record<string, unknown> }>(readFileSync(`${root}${path}`, 'utf8'));
  const spec = adapt(example.spec);
  return (name, namespace) => ({
    ...structuredClone(example),
    spec: structuredClone(spec),
    metadata: { name, namespace },
  });
}

type Group = { name: string; [key: string]: unknown };
type Node = Record<string, string>;

/** The config group used by the first node type in `deploymentOrder`, changed by `change`, in a copy of `spec`. */
function changeFirstGroup(
  spec: Record<string, unknown>,
  fields: { typeField: string; groupRef: string; groups: string },
  change: (group: Group) => Group,
): Record<string, unknown> {
  const first = (spec.deploymentOrder as string[])[0];
  const node = (spec.nodes as Node[]).find((n) => n[fields.typeField] === first)!;
  const groups = (spec[fields.groups] as Group[]).map((g) => (g.name === node[fields.groupRef] ? change(g) : g));
  return { ...spec, [fields.groups]: groups };
}

/** Our Pinot operator beside datainfrahq/pinot-control-plane-k8s. */
export const pinotCase: OperatorCase = {
  title: 'Pinot',
  bin: `${root}apps/pinot-operator/dist/main.js`,
  crdDir: `${root}apps/pinot-operator/deploy/crds`,
  peer: 'pinot-control-plane-k8s',
  goTitle: 'datainfrahq/pinot-control-plane-k8s',
  reconcileWait: '10s',
  reconcileWaitNote: "both operators' default",
  crKind: { apiVersion: 'datainfra.io/v1beta1', kind: 'Pinot', plural: 'pinots', namespaced: true },
  childKinds: [
    core('ConfigMap', 'configmaps'),
    core('Service', 'services'),
    apps('StatefulSet', 'statefulsets'),
    apps('Deployment', 'deployments'),
  ],
  example: 'apps/pinot-operator/examples/pinot-basic.yaml',
  exampleSummary:
    "4 node types (controller, broker, server, minion), each a StatefulSet with a claim template, with every `nodes[].kind` spelled `Statefulset` as in the Go operator's samples and tutorials (the only spelling for which it builds a StatefulSet; ours accepts both); modelled on the Go operator's `tutorials/00-pinot-kind/pinot-basic.yaml`, with a ClusterIP controller Service, a pinned image and resources",
  cr: fromExample('apps/pinot-operator/examples/pinot-basic.yaml', (spec) => ({
    ...spec,
    nodes: (spec.nodes as Node[]).map((n) => (n.kind === 'StatefulSet' ? { ...n, kind: 'Statefulset' } : n)),
  })),
  changeSpec: (spec, stamp) =>
    changeFirstGroup(spec, { typeField: 'nodeType', groupRef: 'pinotNodeConfig', groups: 'pinotNodeConfig' }, (g) => ({
      ...g,
      data: `${g.data}\nbench.change=${stamp}`,
    })),
};

/** Our Parseable operator beside parseablehq/operator. */
export const parseableCase: OperatorCase = {
  title: 'Parseable',
  bin: `${root}apps/parseable-operator/dist/main.js`,
  crdDir: `${root}apps/parseable-operator/deploy/crds`,
  peer: 'parseable-operator',
  goTitle: 'parseablehq/operator',
  reconcileWait: '5s',
  reconcileWaitNote:
    'the Go operator requeues every 5 s whatever `RECONCILE_WAIT` says, its requeue being hard-coded; ours is given the same',
  crKind: { apiVersion: 'parseable.io/v1beta1', kind: 'ParseableTenant', plural: 'parseabletenants', namespaced: true },
  childKinds: [
    core('ConfigMap', 'configmaps'),
    core('Service', 'services'),
    core('PersistentVolumeClaim', 'persistentvolumeclaims'),
    apps('StatefulSet', 'statefulsets'),
    apps('Deployment', 'deployments'),
  ],
  example: 'apps/parseable-operator/examples/parseable-persistent.yaml',
  exampleSummary:
    "the Go operator's `config/samples/parseable-persistent.yaml` with its stray quote repaired (it is invalid YAML as shipped): one `server` node, a `Statefulset` with two persistent volumes, local store (no `external`, one node type: the shape the Go operator builds in full)",
  cr: fromExample('apps/parseable-operator/examples/parseable-persistent.yaml'),
  changeSpec: (spec, stamp) =>
    changeFirstGroup(spec, { typeField: 'type', groupRef: 'parseableConfig', groups: 'parseableConfig' }, (g) => ({
      ...g,
      env: { ...(g.env as Record<string, string>), P_BENCH_CHANGE: stamp },
    })),
};
