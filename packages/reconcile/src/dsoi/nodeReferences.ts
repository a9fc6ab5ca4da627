/**
 * The cross-field checks every DSOI spec needs and a CRD schema cannot express (or that objects stored before a CEL
 * rule was added may miss): each node names config groups that exist, its type is in `deploymentOrder`, and each
 * Kubernetes config group's image is one a pod can be created from.
 */
import type { SpecProblem } from './specProblems.js';

/** The DSOI shape the checks read: nodes naming groups, `deploymentOrder`, and the Kubernetes config groups. */
export interface DsoiSpecShape {
  readonly nodes: readonly Readonly<Record<string, unknown>>[];
  readonly deploymentOrder: readonly string[];
  readonly k8sConfig: readonly { readonly name: string; readonly image: string }[];
}

/** Options of {@link nodeReferenceProblems}. */
export interface NodeReferenceOptions {
  /** The node field that holds its type, which `deploymentOrder` lists (`nodeType` in Pinot, `type` in Parseable). */
  readonly typeField: string;
  /**
   * The node fields that name a group of the spec list of the same name, e.g. `['k8sConfig', 'pinotNodeConfig']`:
   * `nodes[i].k8sConfig` must be the `name` of an entry of `spec.k8sConfig`.
   */
  readonly groupFields: readonly string[];
  /** Also refuse a node name or group name given twice (a node would silently use the first). @default false */
  readonly unique?: boolean;
}

function duplicates(names: readonly unknown[], at: (index: number) => string, what: string): SpecProblem[] {
  const seen = new Set<unknown>();
  return names.flatMap((name, index) => {
    const twice = seen.has(name);
    seen.add(name);
    return twice ? [{ field: at(index), message: `duplicate ${what} name "${String(name)}"` }] : [];
  });
}

/**
 * Every broken reference of a DSOI spec, each naming its field: a node's group that does not exist, a node type
 * missing from `deploymentOrder`, an image with surrounding whitespace (pod templates take it, pods do not: the
 * workload would exist and never get a pod) and, with `unique`, names given twice. Pure.
 */
export function nodeReferenceProblems(spec: DsoiSpecShape, options: NodeReferenceOptions): SpecProblem[] {
  const { typeField, groupFields, unique = false } = options;
  const groups = (field: string) => (Reflect.get(spec, field) ?? []) as readonly { readonly name: unknown }[];
  const problems: SpecProblem[] = [];
  if (unique) {
    for (const field of groupFields) {
      const names = groups(field).map((g) => g.name);
      problems.push(...duplicates(names, (j) => `spec.${field}[${j}].name`, 'group'));
    }
    problems.push(
      ...duplicates(
        spec.nodes.map((n) => n.name),
        (i) => `spec.nodes[${i}].name`,
        'node',
      ),
    );
  }
  spec.k8sConfig.forEach((k8s, j) => {
    if (k8s.image.trim() !== k8s.image) {
      problems.push({
        field: `spec.k8sConfig[${j}].image`,
        message: 'must not have leading or trailing whitespace (the pods could not be created)',
      });
    }
  });
  spec.nodes.forEach((node, i) => {
    for (const field of groupFields) {
      if (groups(field).some((g) => g.name === node[field])) continue;
      const message = `node ${String(node.name)}: no spec.${field} entry named "${String(node[field])}"`;
      problems.push({ field: `spec.nodes[${i}].${field}`, message });
    }
    const type = String(node[typeField]);
    if (!spec.deploymentOrder.includes(type)) {
      const message = `node ${String(node.name)}: type "${type}" is not listed in spec.deploymentOrder`;
      problems.push({ field: `spec.nodes[${i}].${typeField}`, message });
    }
  });
  return problems;
}
