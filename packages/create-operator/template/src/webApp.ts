/** The WebApp API: one zod schema gives the TypeScript type, the validation of a spec, the CRD and a typed handle. */
import { type CustomResourceOf, defineCustomResource } from '@dsoi/reconcile/resource';
import { z } from 'zod';

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

/**
 * The WebApp kind: the CRD `webapps.example.com` (structural schema, status subresource, `kubectl get` columns),
 * `webAppResource.type` for the controller, and `webAppResource.handle(client)` for typed reads and writes.
 */
export const webAppResource = defineCustomResource({
  group: 'example.com',
  version: 'v1',
  kind: 'WebApp',
  plural: 'webapps',
  shortNames: ['wa'],
  spec: webAppSpecSchema,
  status: webAppStatusSchema,
  printerColumns: [
    { name: 'Image', type: 'string', jsonPath: '.spec.image' },
    { name: 'Ready', type: 'integer', jsonPath: '.status.readyReplicas' },
    { name: 'Available', type: 'string', jsonPath: '.status.conditions[?(@.type=="Available")].status' },
  ],
});

/** A WebApp as the cache holds it: the spec as written, the status as the operator reports it. */
export type WebApp = CustomResourceOf<typeof webAppResource>;

/** What `dsoi generate crds` writes to deploy/crds. */
export const crds = [webAppResource.crd];
