/**
 * Hostile mutations of a valid ParseableTenant (the frame of `@dsoi/reconcile/testing`), probing both layers: what the CRD schema refuses
 * (enums, lengths, types, an empty deploymentOrder) and what only the operator can catch (duplicate nodes and groups,
 * unlisted types, names derived from several fields, label rules, object-store lines, config sizes, values the
 * workload's validation refuses).
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
import { example } from './harness.ts';

/** A ParseableTenant as the tests build it. */
export interface TenantCr {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: string };
  spec: any;
}
type TenantMutation = Mutation<TenantCr>;

/** The value a test plants in the tenant's secret-bearing fields and Secret; it must never leak. */
export const secretValue = 'Zq8-s3cr3t-PARSEABLE-4dW7';

/**
 * The base tenant of every case: the distributed S3 example (an ingestor StatefulSet with a data claim, a querier
 * Deployment, the object store) with the password and the S3 secret key in its config. Its nodes are `<tag>-ingestor`
 * and `<tag>-querier`: Service and workload names do not hold the tenant name (the Go operator's naming), so tenants
 * sharing a namespace need distinct node names.
 */
export function baseTenant(namespace: string, name: string, tag: string): TenantCr {
  const cr = example('parseable-distributed-s3.yaml', namespace, name);
  cr.spec.nodes[0].name = `${tag}-ingestor`;
  cr.spec.nodes[1].name = `${tag}-querier`;
  for (const config of cr.spec.parseableConfig) config.env.P_PASSWORD = secretValue;
  cr.spec.external.objectStore.spec.data += `P_S3_SECRET_KEY=${secretValue}\n`;
  return cr;
}

type GroupField = 'k8sConfig' | 'parseableConfig';
const shared = nodeSpecMutations<TenantCr>();
const { node, group } = shared;
const groupField = fc.constantFrom<GroupField>('k8sConfig', 'parseableConfig');
const dataField = 'spec.external.objectStore.spec.data';

/** Renames config group `j` and every node reference to it. */
function renameGroup(cr: TenantCr, field: GroupField, j: number, to: string) {
  const from = cr.spec[field][j].name;
  cr.spec[field][j].name = to;
  for (const n of cr.spec.nodes) if (n[field] === from) n[field] = to;
}

/** Renames the type of node `i`, in deploymentOrder too. */
function renameType(cr: TenantCr, i: number, to: string) {
  const from = cr.spec.nodes[i].type;
  cr.spec.nodes[i].type = to;
  cr.spec.deploymentOrder = cr.spec.deploymentOrder.map((t: string) => (t === from ? to : t));
}

/** Enums of the CRD: node kinds (both StatefulSet spellings valid), pull policy, claim retention. */
const enums = fc.oneof(
  shared.refusedKind(['ReplicaSet', 'DaemonSet', 'statefulset', 'Pod', '']),
  fc
    .tuple(node, fc.constantFrom('StatefulSet', 'Statefulset'))
    .map(([i, kind]) => assign<TenantCr>(`spec.nodes[${i}].kind`, kind, 'valid')),
  group.map((j) => assign<TenantCr>(`spec.k8sConfig[${j}].imagePullPolicy`, 'Sometimes', 'refused')),
  fc
    .constantFrom<[string, Outcome]>(['Maybe', 'refused'], ['Delete', 'valid'])
    .map(([policy, outcome]) =>
      assign<TenantCr>('spec.persistentVolumeClaimRetentionPolicy.whenDeleted', policy, outcome),
    ),
);

/** Missing references and unlisted types (the operator), deploymentOrder shapes (the CRD, then the operator). */
const references = fc.oneof(
  shared.missingGroup(groupField, 'reported'),
  shared.groupGone(groupField, 'reported', (i, field) => [`spec.nodes[${i}].${field}`]),
  node.map((i) => assign<TenantCr>(`spec.nodes[${i}].type`, 'ghost', 'reported')),
  fc
    .constantFrom<[string, Outcome, string[], (order: string[]) => string[]]>(
      ['empty', 'refused', ['spec.deploymentOrder'], () => []],
      ['[""]', 'refused', ['spec.deploymentOrder[0]'], () => ['']],
      ['without its last type', 'reported', ['spec.nodes[1].type'], (order) => order.slice(0, -1)],
      ['reversed', 'valid', [], (order) => [...order].reverse()],
      ['with an unused type', 'valid', [], (order) => [...order, 'unused']],
      ['with a duplicate', 'valid', [], (order) => [order[0]!, ...order]],
    )
    .map(([what, outcome, fields, change]) =>
      mutation<TenantCr>(
        { label: `deploymentOrder ${what}`, slot: 'spec.deploymentOrder', outcome, fields },
        (cr) => (cr.spec.deploymentOrder = change(cr.spec.deploymentOrder)),
      ),
    ),
);

/** Duplicate node and group names: the CRD has no list-map keys here, the operator names them. */
const duplicates = fc.oneof(
  shared.duplicateNode({ outcome: 'reported', fields: ['spec.nodes[2].name'] }),
  shared.duplicateGroup(groupField, 'reported', (field) => [`spec.${field}[2].name`]),
);

/** Negative, absurd, fractional and wrongly typed numbers, maps and lists, and the extremes that are valid. */
const numbersAndTypes = fc.oneof(
  shared.refusedReplicas,
  shared.extremeReplicas,
  fc.constantFrom(
    assign<TenantCr>('spec.parseableConfig[0].env.P_MODE', 5, 'refused'),
    // Slot cliArgs1: the odd-text mutation of cliArgs pushes onto the list.
    assign<TenantCr>('spec.parseableConfig[1].cliArgs', 's3-store', 'refused', undefined, 'cliArgs1'),
    shared.nodesNotAList,
  ),
  shared.badTargetPort,
);

/** Container and pod fields: some enums and patterns of the CRD, others free there but refused by the workload. */
const podFields = shared.podFields((set, k8s) => [
  set('image', '', 'refused', [`${k8s}.image`]),
  set('tolerations', [{ key: 'k', operator: 'Maybe' }], 'refused', [`${k8s}.tolerations[0].operator`]),
  set('resources', { requests: { cpu: 'lots' } }, 'refused', [`${k8s}.resources.requests.cpu`]),
  set('image', ' parseable/parseable:v1.0.0 ', 'reported', [`${k8s}.image`]),
  set('serviceAccountName', 'Not_A_Name', 'reported', ['serviceAccountName']),
  set('resources', { requests: { memory: '-1Gi' } }, 'reported', ['memory']),
  set('livenessProbe', { tcpSocket: { port: 1 }, periodSeconds: -5 }, 'reported', ['periodSeconds']),
  set('env[0].valueFrom.secretKeyRef.name', 'no-such-secret', 'valid', []),
]);

/** Data claims the operator cannot build: no access modes, an odd or a duplicate volume name. */
const storage = fc.oneof(
  fc.constant(shared.claimWithoutAccessModes),
  oddText.map((text) =>
    assign<TenantCr>('spec.k8sConfig[0].storageConfig[0].name', text, 'reported', ['spec.nodes[0]', 'storageConfig']),
  ),
  fc.constant(
    mutation<TenantCr>({ label: 'storageConfig[0] twice', outcome: 'reported', fields: ['spec.nodes[0]'] }, (cr) =>
      cr.spec.k8sConfig[0].storageConfig.push({ ...cr.spec.k8sConfig[0].storageConfig[0], mountPath: '/x' }),
    ),
  ),
);

/** The object store: gone (valid), lines that are not KEY=VALUE (one holding the secret), odd keys and values. */
const objectStore = fc.oneof(
  fc.constant(
    mutation<TenantCr>(
      { label: 'no object store', slot: 'spec.external', outcome: 'valid' },
      (cr) => delete cr.spec.external,
    ),
  ),
  fc.constantFrom(`P_S3_SECRET_KEY ${secretValue}`, '=no-key', 'P S3 URL=https://s3').map((line) =>
    mutation<TenantCr>(
      {
        label: `object store line ${JSON.stringify(line)}`,
        slot: 'spec.external',
        outcome: 'reported',
        fields: [dataField],
      },
      (cr) => (cr.spec.external.objectStore.spec.data += `${line}\n`),
    ),
  ),
  oddText.map((text) =>
    mutation<TenantCr>(
      { label: `object store type = ${JSON.stringify(text)}`, slot: 'spec.external', outcome: 'valid' },
      (cr) => (cr.spec.external.objectStore.spec.type = text),
    ),
  ),
  // Newlines would split the line; what remains is a value of any text.
  oddText
    .map((text) => text.replace(/[\r\n]/g, ''))
    .map((text) =>
      mutation<TenantCr>(
        {
          label: `object store value ${JSON.stringify(text)}`,
          slot: 'spec.external',
          outcome: 'valid',
          fields: [dataField],
        },
        (cr) => (cr.spec.external.objectStore.spec.data += `P_NOTE=${text}\n`),
      ),
    ),
);

/**
 * Names whose derived children break a length rule: Service `<node>-<k8sConfig>` and label values (tenant name, node
 * type, group names) at most 63, StatefulSet `<k8sConfig>-<node>` at most 52, container `<node>-<type>` at most 63,
 * names in the CRD at most 63 (nodes) or 253 (groups, the tenant). The bands keep a "valid" band valid and an
 * "invalid" band invalid in any combination.
 */
const groupRename = (field: GroupField, min: number, max: number, outcome: Outcome) =>
  fc.tuple(group, fc.integer({ min, max })).chain(([j, length]) =>
    dnsTail(length).map((tail) =>
      mutation<TenantCr>(
        {
          label: `${field}[${j}] renamed to ${length} characters`,
          slot: `${field}[${j}].name`,
          outcome,
          fields: outcome === 'refused' ? [`spec.${field}[${j}].name`] : ['spec.nodes['],
        },
        (cr) => renameGroup(cr, field, j, dnsName(`g${j}`, tail)),
      ),
    ),
  );
const typeRename = (min: number, max: number, outcome: Outcome) =>
  fc.tuple(node, fc.integer({ min, max })).chain(([i, length]) =>
    dnsTail(length).map((tail) =>
      mutation<TenantCr>(
        {
          label: `nodes[${i}].type of ${length} characters`,
          slot: `spec.nodes[${i}].type`,
          outcome,
          fields: ['spec.nodes['],
        },
        (cr) => renameType(cr, i, dnsName(`t${i}`, tail)),
      ),
    ),
  );
const longNames = fc.oneof(
  ...shared.nodeNames(56),
  groupRename('k8sConfig', 8, 12, 'valid'),
  groupRename('k8sConfig', 53, 253, 'reported'),
  groupRename('parseableConfig', 8, 63, 'valid'),
  groupRename('parseableConfig', 64, 253, 'reported'),
  fc.oneof(groupRename('k8sConfig', 254, 280, 'refused'), groupRename('parseableConfig', 254, 280, 'refused')),
  typeRename(3, 10, 'valid'),
  typeRename(64, 120, 'reported'),
  ...shared.crNames(63, 64),
);

/** Odd Unicode: harmless in free text, an error in a name, a label, a config key or an env var name. */
const unicode = fc.oneof(
  shared.oddFreeText(
    {
      envValue: (j: number) => `spec.parseableConfig[${j}].env`,
      cliArgs: (j: number) => `spec.parseableConfig[${j}].cliArgs`,
    },
    (cr, target, j, text) => {
      if (target === 'envValue') cr.spec.parseableConfig[j].env.ODD = text;
      else cr.spec.parseableConfig[j].cliArgs.push(text);
    },
    { verb: 'gets' },
  ),
  shared.oddNodeName,
  fc.tuple(groupField, group, oddText).map(([field, j, text]) =>
    mutation<TenantCr>(
      {
        label: `${field}[${j}] renamed to ${JSON.stringify(text)}`,
        slot: `${field}[${j}].name`,
        outcome: 'reported',
        fields: ['spec.nodes['],
      },
      (cr) => renameGroup(cr, field, j, text),
    ),
  ),
  fc.tuple(node, oddText).map(([i, text]) =>
    mutation<TenantCr>(
      {
        label: `nodes[${i}].type renamed to ${JSON.stringify(text)}`,
        slot: `spec.nodes[${i}].type`,
        outcome: 'reported',
        fields: ['spec.nodes[', 'spec.deploymentOrder['],
      },
      (cr) => renameType(cr, i, text),
    ),
  ),
  fc
    .tuple(fc.constantFrom('envKey', 'podLabelValue', 'podLabelKey', 'envName', 'nodeSelector'), group, oddText)
    .map(([target, j, text]) =>
      mutation<TenantCr>(
        {
          label: `${target} of group ${j} = ${JSON.stringify(text)}`,
          slot: target + j,
          outcome: 'reported',
          fields: {
            envKey: ['spec.nodes[', 'spec.parseableConfig['],
            podLabelValue: ['podMetadata'],
            podLabelKey: ['podMetadata'],
            envName: ['env'],
            nodeSelector: ['nodeSelector'],
          }[target],
        },
        (cr) => {
          const k8s = cr.spec.k8sConfig[j];
          // The secret as the value of a bad key: the message may name the key, never the value.
          if (target === 'envKey') cr.spec.parseableConfig[j].env[text] = secretValue;
          else setOddPodField(k8s, target, text, secretValue);
        },
      ),
    ),
);

/** Huge config strings (see `huge` of nodeSpecMutations); the object-store one goes last, after a removal of the object store, which it puts back. */
const huge = shared.huge(
  ['config env', 'object store', 'container env'],
  ['container env'],
  (target, j, unit, bytes) => ({
    label: `${target} of group ${j} gets ${bytes} bytes of ${JSON.stringify(unit)}`,
    fields: [target === 'object store' ? dataField : `spec.parseableConfig[${j}].env`],
    late: target === 'object store',
  }),
  (cr, target, j, text) => {
    if (target === 'config env') cr.spec.parseableConfig[j].env.BIG = text;
    else if (target === 'container env') cr.spec.k8sConfig[j].env.push({ name: 'BIG', value: text });
    else {
      cr.spec.external ??= { objectStore: { spec: { type: 's3-store', data: '' } } };
      cr.spec.external.objectStore.spec.data += `P_BIG=${text}\n`;
    }
  },
);

/** One case: 1 to 3 hostile mutations of different slots. */
export const hostileCase: fc.Arbitrary<TenantMutation[]> = hostileCaseOf(
  fc.oneof(
    enums,
    references,
    duplicates,
    numbersAndTypes,
    podFields,
    shared.preservedUnknown,
    storage,
    objectStore,
    longNames,
    unicode,
    huge,
  ),
);
