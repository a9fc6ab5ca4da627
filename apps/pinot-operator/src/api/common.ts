/** What the four Pinot kinds share: the API group, status conditions and the fields of the REST kinds' status. */
import { conditionSchema } from '@dsoi/reconcile/dsoi';
import { z } from 'zod';

/** The API group and version of every Pinot kind (the Go operator's, unchanged). */
export const pinotGroup = 'datainfra.io';
/** The served and stored version. */
export const pinotVersion = 'v1beta1';
/** `datainfra.io/v1beta1`. */
export const pinotApiVersion = `${pinotGroup}/${pinotVersion}`;

/**
 * The status fields the Go schema, table and tenant controllers wrote (kept, now honest), plus conditions and
 * `observedGeneration`. `current` is the JSON document last accepted by Pinot (`currentSchemas.json`, ...).
 */
export const restStatusFields = {
  type: z
    .string()
    .optional()
    .meta({ description: 'The last operation and its outcome, e.g. PinotSchemaControllerCreateSuccess.' }),
  status: z
    .enum(['True', 'False', 'Unknown'])
    .optional()
    .meta({ description: 'Whether the last operation succeeded.' }),
  reason: z.string().optional().meta({ description: "Pinot's answer to the last request (never credentials)." }),
  message: z.string().optional(),
  lastUpdateTime: z.string().meta({ format: 'date-time' }).optional(),
  observedGeneration: z.int().min(0).optional(),
  ownedInPinot: z.string().optional().meta({
    description:
      'The name in Pinot this object created or adopted: the only one it updates or deletes (not in the Go operator).',
  }),
  conditions: z
    .array(conditionSchema)
    .optional()
    .meta({ 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['type'] }),
};

/** The name of the Pinot cluster CR (same namespace) a schema, table or tenant belongs to. */
export const pinotClusterField = z
  .string()
  .min(1)
  .max(253)
  .meta({ description: 'The Pinot cluster CR in the same namespace.' });
