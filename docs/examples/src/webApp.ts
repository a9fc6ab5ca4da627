/** The WebApp API: one zod schema gives the TypeScript type, the validation of a spec, and the CRD. */
import type { JsonSchema } from '@dsoi/builder';
import { buildCustomResourceDefinition } from '@dsoi/builder/crd';
import type { KubeObject } from '@dsoi/client';
import { z } from 'zod';

/** The kind, as the controller watches it. */
export const webAppType = { apiVersion: 'example.com/v1', kind: 'WebApp' } as const;

/** What the user asks for. Defaults are applied by the API server (they are in the CRD) and by `parse`. */
export const webAppSpecSchema = z.object({
  image: z.string().min(1).describe('The container image, e.g. nginx:1.27.'),
  replicas: z.number().int().min(0).max(100).default(1).describe('How many pods.'),
  port: z.number().int().min(1).max(65535).default(8080).describe('The port the container listens on.'),
});

/**
 * One status condition (the shape of `metav1.Condition`). Spell every field out: a structural schema needs a type
 * on every node, so `z.any()` or `z.unknown()` here would make the API server refuse the CRD.
 */
export const conditionSchema = z.object({
  type: z.string(),
  status: z.enum(['True', 'False', 'Unknown']),
  reason: z.string(),
  message: z.string(),
  observedGeneration: z.number().int().optional(),
  lastTransitionTime: z.string(),
});

/** What the operator reports. */
export const webAppStatusSchema = z.object({
  observedGeneration: z.number().int().optional(),
  readyReplicas: z.number().int().optional(),
  // A list keyed by `type`, so two writers (or `kubectl apply`) merge conditions instead of replacing the list.
  conditions: z
    .array(conditionSchema)
    .optional()
    .meta({ 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['type'] }),
});

/** The parts of the object the CRD describes. */
export const webAppSchema = z.object({ spec: webAppSpecSchema, status: webAppStatusSchema.optional() });

/** A spec after defaults. */
export type WebAppSpec = z.infer<typeof webAppSpecSchema>;
/** A status. */
export type WebAppStatus = z.infer<typeof webAppStatusSchema>;
/** A WebApp as the cache holds it. */
export type WebApp = KubeObject & {
  metadata: { name: string; namespace: string; uid: string; generation?: number };
  spec: z.input<typeof webAppSpecSchema>;
  status?: WebAppStatus;
};

/** The CustomResourceDefinition `webapps.example.com`, with a status subresource and `kubectl get` columns. */
export function webAppCrd() {
  const schema = z.toJSONSchema(webAppSchema, { io: 'input', reused: 'inline' }) as JsonSchema;
  return buildCustomResourceDefinition({
    group: 'example.com',
    names: { kind: 'WebApp', plural: 'webapps', shortNames: ['wa'] },
    versions: [
      {
        name: 'v1',
        schema,
        printerColumns: [
          { name: 'Image', type: 'string', jsonPath: '.spec.image' },
          { name: 'Ready', type: 'integer', jsonPath: '.status.readyReplicas' },
          { name: 'Available', type: 'string', jsonPath: '.status.conditions[?(@.type=="Available")].status' },
        ],
      },
    ],
  });
}

/** What `dsoi generate crds` writes to deploy/crds. */
export const crds = [webAppCrd()];
