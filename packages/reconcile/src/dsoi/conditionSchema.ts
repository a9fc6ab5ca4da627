/** The zod schema of one status condition, for the `status.conditions` of a custom resource's schema. */
import { z } from 'zod';

/**
 * A status condition (`metav1.Condition`) with the API server's limits on `type`, `reason` and `message`;
 * `lastTransitionTime` is a date-time string (`format: date-time` in a generated CRD). What `setCondition` writes.
 */
export const conditionSchema = z.object({
  type: z.string().max(316),
  status: z.enum(['True', 'False', 'Unknown']),
  reason: z.string().max(1024),
  message: z.string().max(32768),
  observedGeneration: z.int().min(0).optional(),
  lastTransitionTime: z.string().meta({ format: 'date-time' }),
});
