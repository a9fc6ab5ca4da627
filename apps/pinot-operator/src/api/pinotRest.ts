/**
 * The three REST-backed kinds: PinotSchema, PinotTable and PinotTenant. Each holds a Pinot JSON document as a
 * string that the operator pushes to the Pinot controller's REST API; field names are the Go operator's.
 */
import type { ObjectMeta } from '@dsoi/object';
import { z } from 'zod';
import { pinotClusterField, restStatusFields } from './common.ts';

const jsonDocument = (what: string) =>
  z
    .string()
    .min(2)
    .meta({ description: `The Pinot ${what} JSON document.` });

/** `spec` of a PinotSchema. */
export const pinotSchemaSpecSchema = z.object({
  pinotCluster: pinotClusterField,
  'schema.json': jsonDocument('schema (its schemaName names it in Pinot)'),
});
/** `spec` of a PinotTable. */
export const pinotTableSpecSchema = z.object({
  pinotCluster: pinotClusterField,
  pinotSchema: z.string().min(1).meta({ description: 'The PinotSchema CR of this table (informational).' }),
  pinotTableType: z
    .string()
    .min(1)
    .meta({ description: 'realtime, offline or hybrid (any case); sets ?type= on delete and reload.' }),
  'tables.json': jsonDocument('table config (its tableName names it in Pinot)'),
  segmentReload: z.boolean().optional().meta({ description: 'Reload all segments when the table schema changes.' }),
});
/** `spec` of a PinotTenant. */
export const pinotTenantSpecSchema = z.object({
  pinotCluster: pinotClusterField,
  pinotTenantType: z.string().min(1).meta({ description: 'BROKER or SERVER (any case): the ?type= of the delete.' }),
  'tenants.json': jsonDocument('tenant (its tenantName names it in Pinot)'),
});

/** The whole PinotSchema object. */
export const pinotSchemaObjectSchema = z.object({
  spec: pinotSchemaSpecSchema,
  status: z.object({ ...restStatusFields, 'currentSchemas.json': z.string().optional() }).optional(),
});
/** The whole PinotTable object. */
export const pinotTableObjectSchema = z.object({
  spec: pinotTableSpecSchema,
  status: z
    .object({
      ...restStatusFields,
      'currentTable.json': z.string().optional(),
      reloadStatus: z.array(z.string()).optional(),
      reloadedSchema: z
        .string()
        .optional()
        .meta({ description: 'The schema JSON the segments were last reloaded for.' }),
      reloadingSchema: z
        .string()
        .optional()
        .meta({
          description:
            'The schema JSON a segment reload was requested for, written before the request and removed with its outcome; ' +
            'found set, the outcome is unknown and the reload is not sent again.',
        }),
      reloadRequestId: z.string().optional().meta({
        description: 'A random id written with reloadingSchema, to tell this request from an earlier one on read-back.',
      }),
    })
    .optional(),
});
/** The whole PinotTenant object. */
export const pinotTenantObjectSchema = z.object({
  spec: pinotTenantSpecSchema,
  status: z.object({ ...restStatusFields, 'currentTenants.json': z.string().optional() }).optional(),
});

/** `spec` of a PinotSchema. */
export type PinotSchemaSpec = z.infer<typeof pinotSchemaSpecSchema>;
/** `spec` of a PinotTable. */
export type PinotTableSpec = z.infer<typeof pinotTableSpecSchema>;
/** `spec` of a PinotTenant. */
export type PinotTenantSpec = z.infer<typeof pinotTenantSpecSchema>;
/** The status of any REST kind (the `current*` key differs per kind). */
export type PinotRestStatus = z.infer<z.ZodObject<typeof restStatusFields>> & {
  reloadStatus?: string[];
  reloadedSchema?: string;
  reloadingSchema?: string | null;
  reloadRequestId?: string | null;
} & Record<string, unknown>;

/** A PinotSchema, PinotTable or PinotTenant as read from the API server. */
export interface PinotRestObject<TSpec> {
  apiVersion: 'datainfra.io/v1beta1';
  kind: 'PinotSchema' | 'PinotTable' | 'PinotTenant';
  metadata: ObjectMeta & { name: string; namespace: string };
  spec: TSpec;
  status?: PinotRestStatus;
}
