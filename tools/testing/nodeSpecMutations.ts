/**
 * Hostile mutations of the CR shape both reference operators inherit from datainfra's Go operators: `spec.nodes[]`
 * (a name, a workload kind, replicas, config groups named by reference) and `spec.k8sConfig[]` groups (pod and
 * container fields, volumes, storage, a Service). Each app's mutation list (`apps/*\/test/*Mutations.ts`) builds its
 * hostile cases from these and from what only its own CR has.
 */
import {
  assign,
  dnsName,
  dnsTail,
  hugeText,
  hugeUnits,
  type Mutation,
  type MutationSpec,
  mutation,
  type Outcome,
  oddText,
} from '@dsoi/reconcile/testing';
import fc from 'fast-check';

/** A CR with `spec.nodes[]` and `spec.k8sConfig[]`, as the tests build it (two nodes, two groups). */
export interface NodeSpecCr {
  metadata: { name: string };
  spec: any;
}

/** A container field whose odd text the workload refuses: pod label value or key, env var name, node selector. */
export type OddPodField = 'podLabelValue' | 'podLabelKey' | 'envName' | 'nodeSelector';

/** Adds `entries` to the pod labels or annotations of a k8sConfig group. */
export function withPodMetadata(k8s: any, key: 'labels' | 'annotations', entries: Record<string, string>): void {
  k8s.podMetadata = { ...k8s.podMetadata, [key]: { ...k8s.podMetadata?.[key], ...entries } };
}

/** Sets the odd text as `target` of a k8sConfig group (an env var named so carries `envValue`). */
export function setOddPodField(k8s: any, target: OddPodField, text: string, envValue: string): void {
  if (target === 'podLabelValue') withPodMetadata(k8s, 'labels', { team: text });
  else if (target === 'podLabelKey') withPodMetadata(k8s, 'labels', { [text]: 'x' });
  else if (target === 'envName') k8s.env = [...(k8s.env ?? []), { name: text, value: envValue }];
  else k8s.nodeSelector = { 'example.com/zone': text };
}

/**
 * The mutations of that shape for the CR type `TCr`; the returned arbitraries and builders are the arms an app's
 * `fc.oneof` lists, so each keeps its weight in the search.
 */
export function nodeSpecMutations<TCr extends NodeSpecCr>() {
  /** The index of a node, and of a config group. */
  const node = fc.constantFrom(0, 1);
  const group = fc.constantFrom(0, 1);
  /** A node name of `min` to `max` characters; a refusal or report names `fields(i)`. */
  const nodeName = (min: number, max: number, outcome: Outcome, fields: (i: number) => string[]) =>
    fc.tuple(node, fc.integer({ min, max })).chain(([i, length]) =>
      dnsTail(length).map((tail) =>
        mutation<TCr>(
          {
            label: `nodes[${i}].name of ${length} characters`,
            slot: `nodes[${i}].name`,
            outcome,
            fields: fields(i),
          },
          (cr, tag) => (cr.spec.nodes[i].name = dnsName(`${tag}n${i}`, tail)),
        ),
      ),
    );
  /** A CR name of `min` to `max` characters. */
  const crName = (min: number, max: number, outcome: Outcome) =>
    fc.integer({ min, max }).map((length) =>
      mutation<TCr>(
        {
          label: `metadata.name of ${length} characters`,
          slot: 'metadata.name',
          outcome,
          fields: ['metadata.name'],
        },
        (cr) => (cr.metadata.name = `${cr.metadata.name}-${'x'.repeat(length)}`.slice(0, length)),
      ),
    );
  const hugeBytes = fc.oneof(
    fc.integer({ min: 300_000, max: 950_000 }),
    fc.integer({ min: 1_100_000, max: 1_250_000 }),
  );
  return {
    node,
    group,
    /** A node kind the CRD's enum refuses: each of `kinds`, or odd text. */
    refusedKind: (kinds: readonly string[]) =>
      fc
        .tuple(node, fc.oneof(fc.constantFrom(...kinds), oddText))
        .map(([i, kind]) => assign<TCr>(`spec.nodes[${i}].kind`, kind, 'refused')),
    /** A node naming a config group (`field`) that does not exist. */
    missingGroup: (field: fc.Arbitrary<string>, outcome: Outcome, fields?: (i: number, field: string) => string[]) =>
      fc.tuple(node, field).map(([i, f]) => assign<TCr>(`spec.nodes[${i}].${f}`, 'missing', outcome, fields?.(i, f))),
    /** The config group a node names is gone (renamed away, so indexes stay put for the other mutations). */
    groupGone: (field: fc.Arbitrary<string>, outcome: Outcome, fields: (i: number, field: string) => string[]) =>
      fc.tuple(node, field).map(([i, f]) =>
        mutation<TCr>(
          {
            label: `the ${f} group of nodes[${i}] is gone`,
            slot: `spec.nodes[${i}].${f}`,
            outcome,
            fields: fields(i, f),
          },
          (cr) => {
            const name = cr.spec.nodes[i][f];
            for (const entry of cr.spec[f]) if (entry.name === name) entry.name = `unreferenced-${i}`;
          },
        ),
      ),
    /** A node listed twice (a third node, a copy of one of the two). */
    duplicateNode: (spec: { slot?: string; outcome: Outcome; fields: string[] }) =>
      node.map((i) =>
        mutation<TCr>({ label: `nodes[${i}] twice`, ...spec, late: true }, (cr) => {
          if (Array.isArray(cr.spec.nodes)) cr.spec.nodes.push({ ...cr.spec.nodes[i] });
        }),
      ),
    /** The first group of a config list (`field`) listed twice. */
    duplicateGroup: (field: fc.Arbitrary<string>, outcome: Outcome, fields: (field: string) => string[]) =>
      field.map((f) =>
        mutation<TCr>({ label: `${f}[0] twice`, outcome, fields: fields(f), late: true }, (cr) =>
          cr.spec[f].push({ ...cr.spec[f][0] }),
        ),
      ),
    /** Negative, absurd, fractional and wrongly typed replicas: the CRD refuses them. */
    refusedReplicas: fc
      .tuple(
        node,
        fc.oneof(
          fc.integer({ min: -1_000_000, max: -1 }),
          fc.integer({ min: 10_001, max: Number.MAX_SAFE_INTEGER }),
          fc.constantFrom<unknown>(1.5, '3', null, true, [1]),
        ),
      )
      .map(([i, replicas]) => assign<TCr>(`spec.nodes[${i}].replicas`, replicas, 'refused')),
    /** The extremes of replicas the CRD allows (the API server has no kubelet to care). */
    extremeReplicas: fc
      .tuple(node, fc.constantFrom(0, 10_000))
      .map(([i, n]) => assign<TCr>(`spec.nodes[${i}].replicas`, n, 'valid')),
    /** `spec.nodes` an object instead of a list. */
    nodesNotAList: mutation<TCr>(
      { label: 'spec.nodes = {"name":"x"}', outcome: 'refused', fields: ['spec.nodes'], late: true },
      (cr) => (cr.spec.nodes = { name: 'x' }),
    ),
    /** An int-or-string field: the CRD takes any string or integer, the Service does not. */
    badTargetPort: fc
      .tuple(group, fc.constantFrom<number | string>(-1, 0, 70_000, 'UPPER_case', 'a-name-far-too-long-for-a-port'))
      .map(([j, port]) =>
        assign<TCr>(`spec.k8sConfig[${j}].service.ports[0].targetPort`, port, 'reported', ['targetPort']),
      ),
    /**
     * Container and pod fields of a k8sConfig group: `cases(set, k8s)` lists them, `set(field, value, outcome,
     * fields)` assigning `<k8s>.<field>` (slot `pod<j>`: one per case and group).
     */
    podFields: (
      cases: (
        set: (field: string, value: unknown, outcome: Outcome, fields: string[]) => Mutation<TCr>,
        k8s: string,
      ) => Mutation<TCr>[],
    ) =>
      fc.tuple(group).chain(([j]) => {
        const k8s = `spec.k8sConfig[${j}]`;
        return fc.constantFrom(
          ...cases(
            (field, value, outcome, fields) => assign<TCr>(`${k8s}.${field}`, value, outcome, fields, `pod${j}`),
            k8s,
          ),
        );
      }),
    /** Wrong types inside `x-kubernetes-preserve-unknown-fields` (an ephemeral volume's claim template metadata). */
    preservedUnknown: fc
      .tuple(
        group,
        fc.constantFrom<[Record<string, unknown>, Outcome]>(
          [{ labels: 5 }, 'reported'],
          [{ annotations: ['a'] }, 'reported'],
          [{ color: 'blue' }, 'reported'],
          [{ labels: { tier: 'scratch' } }, 'valid'],
        ),
      )
      .map(([j, [metadata, outcome]]) => {
        const claim = { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } };
        const volume = { name: 'scratch', ephemeral: { volumeClaimTemplate: { metadata, spec: claim } } };
        return assign<TCr>(`spec.k8sConfig[${j}].volumes`, [volume], outcome, ['volumeClaimTemplate']);
      }),
    /** A data claim without access modes: the StatefulSet refuses it. */
    claimWithoutAccessModes: assign<TCr>(
      'spec.k8sConfig[0].storageConfig[0].spec',
      { resources: { requests: { storage: '1Gi' } } },
      'reported',
      ['accessModes'],
    ),
    /**
     * Node names of three bands, as arms of an app's `fc.oneof`: 15 to 25 characters (valid), `reportedMin` to 63
     * (valid for the CRD, too long for a name the operator derives from it: reported at `spec.nodes[i]`), 64 to 90
     * (refused at `spec.nodes[i].name`).
     */
    nodeNames: (reportedMin: number) => [
      nodeName(15, 25, 'valid', () => []),
      nodeName(reportedMin, 63, 'reported', (i) => [`spec.nodes[${i}]`]),
      nodeName(64, 90, 'refused', (i) => [`spec.nodes[${i}].name`]),
    ],
    /**
     * CR names of three bands, as arms of an app's `fc.oneof`: 20 to `validMax` characters (valid), `reportedMin` to
     * 253 (valid for the API server, too long for a name or label the operator derives from it), 254 to 300 (refused).
     */
    crNames: (validMax: number, reportedMin: number) => [
      crName(20, validMax, 'valid'),
      crName(reportedMin, 253, 'reported'),
      crName(254, 300, 'refused'),
    ],
    /**
     * Odd Unicode in free text: harmless (it converges; the client escapes for server-side apply what its YAML decoder
     * refuses raw). The targets are a k8sConfig group's `podAnnotation` and `containerEnv` and the app's own
     * (`fields`: the field path of a target and group index), which `put` sets; the label reads `<target> of group
     * <j> <verb> <text>`, the slot is `slot(target, j)` (default `<target><j>`).
     */
    oddFreeText: <TTarget extends string>(
      fields: Readonly<Record<TTarget, (j: number) => string>>,
      put: (cr: TCr, target: TTarget, j: number, text: string) => void,
      options: { readonly verb: string; readonly slot?: (target: string, j: number) => string },
    ) => {
      const targets: Readonly<Record<string, (j: number) => string>> = {
        ...fields,
        podAnnotation: (j: number) => `spec.k8sConfig[${j}].podMetadata.annotations`,
        containerEnv: (j: number) => `spec.k8sConfig[${j}].env`,
      };
      return fc.tuple(fc.constantFrom(...Object.keys(targets)), group, oddText).map(([target, j, text]) =>
        mutation<TCr>(
          {
            label: `${target} of group ${j} ${options.verb} ${JSON.stringify(text)}`,
            slot: options.slot?.(target, j) ?? target + j,
            outcome: 'valid',
            fields: [targets[target]!(j)],
          },
          (cr) => {
            const k8s = cr.spec.k8sConfig[j];
            if (target === 'podAnnotation') withPodMetadata(k8s, 'annotations', { 'example.com/note': text });
            else if (target === 'containerEnv') k8s.env = [...(k8s.env ?? []), { name: 'ODD', value: text }];
            else put(cr, target as TTarget, j, text);
          },
        ),
      );
    },
    /**
     * Huge config text in one of `targets` of group `j`, 300 KB to 1.25 MB (under etcd's 1.5 MiB request limit): a
     * ConfigMap holds at most 1 MiB, so over it the outcome is `reported`. One per case (slot `huge`), so a CR stays
     * under the limit; the targets in `capped` (text a workload's pod template carries too) get at most 950 KB.
     * `spec` gives the label and fields of a case, `put` adds the text.
     */
    huge: <TTarget extends string>(
      targets: readonly TTarget[],
      capped: readonly TTarget[],
      spec: (target: TTarget, j: number, unit: string, bytes: number) => Omit<MutationSpec, 'slot' | 'outcome'>,
      put: (cr: TCr, target: TTarget, j: number, text: string) => void,
    ) =>
      fc
        .tuple(fc.constantFrom(...targets), group, fc.constantFrom(...hugeUnits), hugeBytes)
        .filter(([target, , , bytes]) => !capped.includes(target) || bytes <= 950_000)
        .map(([target, j, unit, bytes]) =>
          mutation<TCr>(
            { ...spec(target, j, unit, bytes), slot: 'huge', outcome: bytes > 1_048_576 ? 'reported' : 'valid' },
            (cr) => put(cr, target, j, hugeText(unit, bytes)),
          ),
        ),
    /** Odd text as a node name: valid for the CRD, refused by the operator naming the node. */
    oddNodeName: fc
      .tuple(node, oddText)
      .map(([i, text]) =>
        assign<TCr>(`spec.nodes[${i}].name`, text, 'reported', [`spec.nodes[${i}]`], `nodes[${i}].name`),
      ),
    /** Sizes of huge config text around the 1 MiB a ConfigMap holds: 300 to 950 KB, or 1.1 to 1.25 MB. */
    hugeBytes,
  };
}
