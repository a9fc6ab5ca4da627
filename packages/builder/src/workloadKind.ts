/** The two workload kinds a DSOI node can run as, read from the spellings custom resources use. */
import { BuilderValidationError } from './errors.js';

/** The workload kinds of a DSOI node. */
export type WorkloadKind = 'StatefulSet' | 'Deployment';

// `Statefulset` is the spelling the Go operators required (and their CRs use); `StatefulSet` is the Kubernetes one.
const spellings: Readonly<Record<string, WorkloadKind>> = {
  StatefulSet: 'StatefulSet',
  Statefulset: 'StatefulSet',
  Deployment: 'Deployment',
};

/**
 * Reads a node's `kind`: `StatefulSet` or the legacy `Statefulset` give `StatefulSet`; `Deployment` gives
 * `Deployment`.
 * @param field - the path of the value in errors.
 * @throws BuilderValidationError (rule `kind`) for any other value, naming the field and the value.
 */
export function parseWorkloadKind(kind: unknown, field = 'kind'): WorkloadKind {
  const parsed = typeof kind === 'string' && Object.hasOwn(spellings, kind) ? spellings[kind] : undefined;
  if (parsed === undefined) {
    const detail = 'must be StatefulSet (or the legacy spelling Statefulset) or Deployment';
    throw new BuilderValidationError(field, 'kind', kind, detail);
  }
  return parsed;
}
