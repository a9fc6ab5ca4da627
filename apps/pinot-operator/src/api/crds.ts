/**
 * The four CustomResourceDefinitions, generated from the zod schemas (the one source of truth for the TypeScript
 * types and the CRD OpenAPI schemas). `npm run generate` writes them to deploy/crds; a test fails when stale.
 */
import type {
  BuiltCustomResourceDefinition,
  CrdPrinterColumn,
  JsonSchema,
  KubernetesSchemaName,
} from '@dsoi/builder/crd';
import { buildCustomResourceDefinition, kubernetesSchema } from '@dsoi/builder/crd';
import { globalRegistry, type ZodType, z } from 'zod';
import { pinotGroup, pinotVersion } from './common.ts';
import { kubernetesTypeKey } from './kubernetesTypes.ts';
import { pinotSchema } from './pinot.ts';
import { pinotSchemaObjectSchema, pinotTableObjectSchema, pinotTenantObjectSchema } from './pinotRest.ts';

const age: CrdPrinterColumn = { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' };
const cluster: CrdPrinterColumn = { name: 'Pinot_Cluster', type: 'string', jsonPath: '.spec.pinotCluster' };

/**
 * JSON Schema of a zod schema, with every Kubernetes placeholder replaced by the real structural schema (quantities
 * with their pattern).
 */
export function toCrdJsonSchema(schema: ZodType): JsonSchema {
  return z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
    reused: 'inline',
    override: (context) => {
      const meta = globalRegistry.get(context.zodSchema) as Record<string, unknown> | undefined;
      const name = meta?.[kubernetesTypeKey] as KubernetesSchemaName | undefined;
      const target = context.jsonSchema as Record<string, unknown>;
      delete target[kubernetesTypeKey];
      if (name === undefined) return;
      const description = target.description;
      for (const key of Object.keys(target)) delete target[key];
      Object.assign(target, kubernetesSchema(name), description === undefined ? {} : { description });
    },
  }) as JsonSchema;
}

function crd(
  kind: string,
  plural: string,
  schema: ZodType,
  printerColumns: CrdPrinterColumn[],
): BuiltCustomResourceDefinition {
  return buildCustomResourceDefinition({
    group: pinotGroup,
    names: { kind, plural },
    scope: 'Namespaced',
    versions: [{ name: pinotVersion, schema: toCrdJsonSchema(schema), printerColumns, subresources: { status: {} } }],
  });
}

/** The CRDs of Pinot, PinotSchema, PinotTable and PinotTenant, in that order. */
export function pinotCrds(): BuiltCustomResourceDefinition[] {
  return [
    crd('Pinot', 'pinots', pinotSchema, [age]),
    crd('PinotSchema', 'pinotschemas', pinotSchemaObjectSchema, [age, cluster]),
    crd('PinotTable', 'pinottables', pinotTableObjectSchema, [
      age,
      cluster,
      { name: 'Pinot_Schema', type: 'string', jsonPath: '.spec.pinotSchema' },
    ]),
    crd('PinotTenant', 'pinottenants', pinotTenantObjectSchema, []),
  ];
}
