import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KubernetesSchemaName, StructuralSchema } from '@dsoi/builder/crd';
import { kubernetesSchema } from '@dsoi/builder/crd';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { kubernetesRefPrefix, parseableTenantSchema } from './parseableTenant.ts';

type Node = Record<string, unknown>;

/** Keywords that constrain or default a value: each one of the schema must be in the CRD, at the same path. */
const constraintKeys = [
  'enum',
  'default',
  'format',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'minLength',
  'maxLength',
  'minItems',
  'maxItems',
  'pattern',
  'x-kubernetes-list-type',
  'x-kubernetes-list-map-keys',
  'x-kubernetes-int-or-string',
  'x-kubernetes-preserve-unknown-fields',
] as const;

// zod's z.int() says "a safe integer"; a CRD integer is an int64, so these two bounds carry nothing.
const safeIntegerBound = (key: string, value: unknown) =>
  (key === 'minimum' || key === 'maximum') && Math.abs(value as number) === Number.MAX_SAFE_INTEGER;

/** Every constraint under `node`, as `path keyword` → value; `$ref: kubernetes:<Type>` stands for the type's schema. */
function constraints(node: Node, path: string, out = new Map<string, unknown>()): Map<string, unknown> {
  const ref = node.$ref;
  if (typeof ref === 'string' && ref.startsWith(kubernetesRefPrefix)) {
    const embedded = kubernetesSchema(ref.slice(kubernetesRefPrefix.length) as KubernetesSchemaName);
    constraints(embedded as Node, path, out);
  }
  const union = (node.anyOf ?? node.oneOf) as Node[] | undefined;
  if (union) for (const branch of union.filter((b) => b.type !== 'null')) constraints(branch, path, out);
  for (const key of constraintKeys) {
    if (node[key] !== undefined && !safeIntegerBound(key, node[key])) out.set(`${path} ${key}`, node[key]);
  }
  if (node.const !== undefined) out.set(`${path} enum`, [node.const]);
  for (const [name, child] of Object.entries((node.properties ?? {}) as Record<string, Node>)) {
    constraints(child, `${path}.${name}`, out);
  }
  if (typeof node.items === 'object') constraints(node.items as Node, `${path}[]`, out);
  if (typeof node.additionalProperties === 'object') constraints(node.additionalProperties as Node, `${path}{}`, out);
  return out;
}

describe('the generated ParseableTenant CRD', () => {
  const schema = z.toJSONSchema(parseableTenantSchema, { io: 'input', unrepresentable: 'any', reused: 'inline' });
  const expected = constraints(schema as Node, '');

  it('has, in every committed YAML file, every enum, default, format, bound and list-map of the zod schema', () => {
    // The two constraints that client-node's dumpYaml used to drop are in the schema.
    expect(expected.get('.spec.persistentVolumeClaimRetentionPolicy.whenDeleted enum')).toEqual(['Retain', 'Delete']);
    expect(expected.get('.spec.persistentVolumeClaimRetentionPolicy.whenDeleted default')).toBe('Retain');
    expect(expected.get('.status.conditions x-kubernetes-list-type')).toBe('map');
    expect(expected.get('.status.conditions x-kubernetes-list-map-keys')).toEqual(['type']);
    // Embedded Kubernetes types count too (the quantity pattern of resources, the int-or-string of a port).
    expect(expected.get('.spec.k8sConfig[].service.ports[].targetPort x-kubernetes-int-or-string')).toBe(true);
    expect(expected.size).toBeGreaterThan(100);
    for (const path of ['deploy/crds', 'deploy/chart/crds']) {
      const file = { path: `${path}/parseable.io_parseabletenants.yaml` };
      const text = readFileSync(join(import.meta.dirname, '..', '..', file.path), 'utf8');
      const crd = parse(text) as { spec: { versions: { schema: { openAPIV3Schema: StructuralSchema } }[] } };
      const found = constraints(crd.spec.versions[0]!.schema.openAPIV3Schema as Node, '');
      const missing = [...expected].filter(([key, value]) => !found.has(key) || !isDeepEqual(found.get(key), value));
      expect(missing, file.path).toEqual([]);
    }
  });
});

function isDeepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
