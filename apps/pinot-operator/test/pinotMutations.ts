/**
 * Hostile mutations of a valid Pinot CR (the frame of `@dsoi/reconcile/testing`), probing both layers: what the CRD schema refuses
 * (enums, list-map keys, CEL references, lengths, types) and what only the operator can catch (names derived from
 * several fields, label rules, config sizes, values the workload's validation refuses).
 */

import { nodeSpecMutations, setOddPodField } from '@dsoi/chart-testing';
import {
  assign,
  dnsName,
  dnsTail,
  hostileCaseOf,
  type Mutation,
  mutation,
  type Outcome,
  oddText,
} from '@dsoi/reconcile/testing';
import fc from 'fast-check';
import { minimalPinot } from './fixtures.ts';

/** A Pinot CR as the tests build it. */
export type PinotCr = ReturnType<typeof minimalPinot>;
type PinotMutation = Mutation<PinotCr>;

/** The value a test plants in the auth Secret and in the spec's secret-bearing fields; it must never leak. */
export const secretValue = 'Zq8-s3cr3t-PINOT-9fK2';

/**
 * The base CR of every case: the minimal CR plus basic auth, deep storage credentials and a password in env. Its
 * nodes are `<tag>-controller` and `<tag>-broker`: Service and workload names do not hold the CR name (the Go
 * operator's naming), so CRs sharing a namespace need distinct node names.
 */
export function basePinot(namespace: string, name: string, tag: string): PinotCr {
  const cr = minimalPinot(namespace, name);
  cr.spec.nodes[0].name = `${tag}-controller`;
  cr.spec.nodes[1].name = `${tag}-broker`;
  cr.spec.auth = { type: 'basic-auth', secretRef: { name: 'pinot-auth', namespace } };
  cr.spec.external.deepStorage = {
    spec: [{ nodeType: 'controller', data: `pinot.controller.storage.factory.s3.secretKey=${secretValue}` }],
  };
  cr.spec.k8sConfig[1].env = [{ name: 'PINOT_ADMIN_PASSWORD', value: secretValue }];
  return cr;
}

type GroupField = 'k8sConfig' | 'pinotNodeConfig';
const shared = nodeSpecMutations<PinotCr>();
const { node, group } = shared;
const groupField = fc.constantFrom<GroupField>('k8sConfig', 'pinotNodeConfig');
const groupName = fc.constantFrom('controller', 'broker');

/** Renames a config group and every node reference to it. */
function renameGroup(cr: PinotCr, field: GroupField, from: string, to: string) {
  for (const entry of cr.spec[field]) if (entry.name === from) entry.name = to;
  for (const n of cr.spec.nodes) if (n[field] === from) n[field] = to;
}

/** Enums of the CRD: node kinds (the Go spelling Statefulset and StatefulSet both valid), node and deep-storage types. */
const enums = fc.oneof(
  shared.refusedKind(['ReplicaSet', 'DaemonSet', 'statefulset', 'deployment', '']),
  fc.constant(assign<PinotCr>('spec.nodes[0].kind', 'StatefulSet', 'valid')),
  fc
    .tuple(node, fc.oneof(fc.constantFrom('gateway', 'Controller', ''), oddText))
    .map(([i, type]) => assign<PinotCr>(`spec.nodes[${i}].nodeType`, type, 'refused')),
  fc
    .constantFrom('gateway', 'Controller')
    .map((type) =>
      assign<PinotCr>(
        'spec.external.deepStorage.spec[1]',
        { nodeType: type, data: 'x=1' },
        'refused',
        ['spec.external.deepStorage.spec[1].nodeType'],
        'spec.external',
      ),
    ),
);

/** Missing references (CEL rules of the CRD) and a missing ZooKeeper address (the operator). */
const references = fc.oneof(
  shared.missingGroup(groupField, 'refused', (_, field) => [`spec.nodes[].${field}`]),
  shared.groupGone(groupField, 'refused', (_, field) => [`spec.nodes[].${field}`]),
  fc
    .constantFrom([], ['broker'], ['controller'], ['controller', 'broker', 'controller'])
    .map((order) => assign<PinotCr>('spec.deploymentOrder', order, 'refused')),
  fc.constant(
    mutation<PinotCr>(
      { label: 'no ZooKeeper address', slot: 'spec.external', outcome: 'reported', fields: ['zkAddress'] },
      (cr) => delete cr.spec.external,
    ),
  ),
);

/** Duplicate node and group names (list-type map keys of the CRD). */
const duplicates = fc.oneof(
  shared.duplicateNode({ slot: 'nodes.length', outcome: 'refused', fields: ['spec.nodes[2]'] }),
  shared.duplicateGroup(groupField, 'refused', (field) => [`spec.${field}[2]`]),
);

/** Negative, absurd, fractional and wrongly typed numbers and lists, and the extremes that are valid. */
const numbersAndTypes = fc.oneof(
  shared.refusedReplicas,
  shared.extremeReplicas,
  fc.constantFrom(
    assign<PinotCr>('spec.plugins', 'pinot-s3', 'refused'),
    assign<PinotCr>('spec.plugins', [''], 'refused', ['spec.plugins[0]']),
    assign<PinotCr>('spec.k8sConfig[0].port', 'not-a-list', 'refused', ['spec.k8sConfig[0].port'], 'port0'),
    shared.nodesNotAList,
  ),
  fc
    .tuple(group, fc.constantFrom(-1, 0, 70_000))
    .map(([j, port]) =>
      assign<PinotCr>(`spec.k8sConfig[${j}].port[0].containerPort`, port, 'reported', ['containerPort'], `port${j}`),
    ),
  shared.badTargetPort,
);

/** Container and pod fields: some enums and minimums of the CRD, others free there but refused by the workload. */
const podFields = shared.podFields((set, k8s) => [
  set('image', '', 'refused', [`${k8s}.image`]),
  set('tolerations', [{ key: 'k', operator: 'Maybe' }], 'refused', [`${k8s}.tolerations[0].operator`]),
  set('image', ' apachepinot/pinot:latest ', 'reported', [`${k8s}.image`]),
  set('imagePullPolicy', 'Sometimes', 'reported', ['imagePullPolicy']),
  set('serviceAccountName', 'Not_A_Name', 'reported', ['serviceAccountName']),
  set('resources', { requests: { cpu: 'lots' } }, 'refused', [`${k8s}.resources.requests.cpu`]),
  set('resources', { requests: { memory: '-1Gi' } }, 'reported', ['memory']),
  set('livenessProbe', { tcpSocket: { port: 1 }, periodSeconds: -5 }, 'reported', ['periodSeconds']),
]);

/** Storage a workload cannot have: a claim spec without access modes, a Deployment with storage. */
const storage = fc.constantFrom(
  shared.claimWithoutAccessModes,
  mutation<PinotCr>(
    {
      label: 'the broker Deployment uses the k8sConfig with storage',
      slot: 'spec.nodes[1].k8sConfig',
      outcome: 'reported',
      fields: ['spec.nodes[1]'],
    },
    (cr) => (cr.spec.nodes[1].k8sConfig = cr.spec.nodes[0].k8sConfig),
  ),
);

/**
 * Names whose derived children break a length rule: Service `<node>-<k8sConfig>-svc`, config volume
 * `<CR>-<pinotNodeConfig>-config` and label values at most 63, StatefulSet `<node>-<k8sConfig>` at most 52,
 * `metadata.name` at most 253. The bands keep a "valid" band valid and an "invalid" band invalid in any combination
 * (CR 40 + group 12: a 60-character volume name).
 */
const groupRename = (min: number, max: number, outcome: Outcome) =>
  fc.tuple(groupField, groupName, fc.integer({ min, max })).chain(([field, from, length]) =>
    dnsTail(length).map((tail) =>
      mutation<PinotCr>(
        {
          label: `${field} ${from} renamed to ${length} characters`,
          slot: `${field}:${from}`,
          outcome,
          // Too long for the Service <node>-<k8sConfig>-svc, or the config volume <CR>-<group>-config.
          fields: [field === 'k8sConfig' ? 'spec.nodes[' : 'spec.pinotNodeConfig['],
        },
        (cr) => renameGroup(cr, field, from, dnsName(from[0]!, tail)),
      ),
    ),
  );
const longNames = fc.oneof(
  ...shared.nodeNames(53),
  groupRename(8, 12, 'valid'),
  groupRename(50, 63, 'reported'),
  // 56 to 63: a valid label value, but <CR>-<group>-config is too long for the config volume; 64 on: the label.
  ...shared.crNames(40, 56),
);

/** Odd Unicode: harmless in free text, an error in a name, a label or an env var name. */
const unicode = fc.oneof(
  shared.oddFreeText(
    {
      data: (j: number) => `spec.pinotNodeConfig[${j}].data`,
      java_opts: (j: number) => `spec.pinotNodeConfig[${j}].java_opts`,
      zkAddress: () => 'spec.external.zookeeper.spec.zkAddress',
      plugins: () => 'spec.plugins[1]',
      authType: () => 'spec.auth.type',
    },
    (cr, target, j, text) => {
      if (target === 'data' || target === 'java_opts') cr.spec.pinotNodeConfig[j][target] += text;
      else if (target === 'zkAddress') cr.spec.external.zookeeper.spec.zkAddress += text;
      else if (target === 'plugins') cr.spec.plugins = ['pinot-s3', text];
      else cr.spec.auth.type = text;
    },
    {
      verb: '+=',
      // Slots shared with the mutations these would undo.
      slot: (target, j) =>
        ({ zkAddress: 'spec.external', plugins: 'spec.plugins', authType: 'auth' })[target] ?? target + j,
    },
  ),
  shared.oddNodeName,
  fc.tuple(groupField, groupName, oddText).map(([field, from, text]) =>
    mutation<PinotCr>(
      {
        label: `${field} ${from} renamed to ${JSON.stringify(text)}`,
        slot: `${field}:${from}`,
        outcome: 'reported',
        fields: ['spec.nodes['],
      },
      (cr) => renameGroup(cr, field, from, text),
    ),
  ),
  fc
    .tuple(fc.constantFrom('podLabelValue', 'podLabelKey', 'envName', 'nodeSelector', 'portName'), group, oddText)
    .map(([target, j, text]) =>
      mutation<PinotCr>(
        {
          label: `${target} of k8sConfig[${j}] = ${JSON.stringify(text)}`,
          slot: target === 'portName' ? `port${j}` : target + j,
          outcome: 'reported',
          fields: [
            { podLabelValue: 'podMetadata', podLabelKey: 'podMetadata', envName: 'env', portName: 'port' }[
              target as string
            ] ?? target,
          ],
        },
        (cr) => {
          const k8s = cr.spec.k8sConfig[j];
          if (target === 'portName') k8s.port[0].name = text;
          else setOddPodField(k8s, target, text, secretValue);
        },
      ),
    ),
);

/** Huge config strings (see `huge` of nodeSpecMutations): a config file over 1 MiB cannot be a ConfigMap. */
const huge = shared.huge<'data' | 'java_opts'>(
  ['data', 'java_opts'],
  ['java_opts'],
  (target, j, unit, bytes) => ({
    label: `pinotNodeConfig[${j}].${target} += ${bytes} bytes of ${JSON.stringify(unit)}`,
    fields: [`spec.pinotNodeConfig[${j}].data`],
  }),
  (cr, target, j, text) => (cr.spec.pinotNodeConfig[j][target] += text),
);

/** Auth naming a missing Secret or one with the wrong password, or none: not the cluster controller's concern. */
const auth = fc.constantFrom('no-such-secret', 'pinot-auth-wrong', 'none').map((secret) =>
  mutation<PinotCr>({ label: `auth: ${secret}`, slot: 'auth', outcome: 'valid' }, (cr) => {
    if (secret === 'none') delete cr.spec.auth;
    else cr.spec.auth.secretRef.name = secret;
  }),
);

/** One case: 1 to 3 hostile mutations of different slots. */
export const hostileCase: fc.Arbitrary<PinotMutation[]> = hostileCaseOf(
  fc.oneof(
    enums,
    references,
    duplicates,
    numbersAndTypes,
    podFields,
    shared.preservedUnknown,
    storage,
    longNames,
    unicode,
    huge,
    auth,
  ),
);
