/**
 * The ParseableTenant CustomResourceDefinition, generated from the zod schema in `parseableTenant.ts`; `npm run
 * generate` (`dsoi generate crds`) writes its YAML under deploy/, and a test fails when it is stale.
 */
import type {
  BuiltCustomResourceDefinition,
  JsonSchema,
  KubernetesSchemaName,
  StructuralSchema,
} from '@dsoi/builder/crd';
import { buildCustomResourceDefinition, kubernetesSchema, kubernetesSchemaNames } from '@dsoi/builder/crd';
import { z } from 'zod';
import { kubernetesRefPrefix, parseableGroup, parseableTenantSchema, parseableVersion } from './parseableTenant.ts';

/**
 * Replaces `kubernetes:<Type>` references (see `schema.ts`) by the type's structural schema, quantities with their
 * pattern.
 */
function kubernetesRef(ref: string): StructuralSchema | undefined {
  if (!ref.startsWith(kubernetesRefPrefix)) return undefined;
  const name = ref.slice(kubernetesRefPrefix.length);
  if (!(kubernetesSchemaNames as readonly string[]).includes(name)) return undefined;
  return kubernetesSchema(name as KubernetesSchemaName);
}

/** The CRD `parseabletenants.parseable.io`: Namespaced, `v1beta1` served and stored, status subresource. */
export function parseableTenantCrd(): BuiltCustomResourceDefinition {
  const schema = z.toJSONSchema(parseableTenantSchema, { io: 'input', unrepresentable: 'any', reused: 'inline' });
  return buildCustomResourceDefinition({
    group: parseableGroup,
    names: { kind: 'ParseableTenant', plural: 'parseabletenants' },
    scope: 'Namespaced',
    versions: [
      {
        name: parseableVersion,
        schema: schema as JsonSchema,
        subresources: { status: {} },
        schemaOptions: { replaceRef: kubernetesRef },
      },
    ],
  });
}
