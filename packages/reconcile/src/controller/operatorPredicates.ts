/**
 * The predicates of an operator's primary kind with the Go operators' settings: the namespace filter of
 * `WATCH_NAMESPACE` and `DENY_LIST`, the paused annotation, and the changes that wake a reconcile.
 */
import {
  annotationsChanged,
  generationChanged,
  labelsChanged,
  namespaceFilter,
  notPaused,
  or,
  type Predicate,
} from './predicates.js';

/** Options of {@link operatorPredicates}. */
export interface OperatorPredicateOptions {
  /** Only these namespaces (`WATCH_NAMESPACE`). @default all */
  readonly watchNamespaces?: readonly string[];
  /** Never these namespaces (`DENY_LIST`); wins over `watchNamespaces`. @default none */
  readonly denyList?: readonly string[];
  /** Annotations that pause an object when `"true"` besides `dsoi.io/paused` (a Go operator's own). @default none */
  readonly pausedAnnotations?: readonly string[];
  /** Updates that also wake a reconcile besides spec (generation), annotation and label changes. @default none */
  readonly alsoOn?: readonly Predicate[];
}

/**
 * The predicates of an operator's primary kind: `namespaceFilter` of `watchNamespaces` minus `denyList`, `notPaused()`
 * and `notPaused` of each of `pausedAnnotations` (object filters: they also hold before every reconcile, periodic
 * re-checks included), then `or(generationChanged, annotationsChanged, labelsChanged, ...alsoOn)`: a status-only
 * update does not wake the controller; an annotation or label change does (un-pausing, for one).
 */
export function operatorPredicates(options: OperatorPredicateOptions = {}): Predicate[] {
  const { watchNamespaces = [], denyList = [], pausedAnnotations = [], alsoOn = [] } = options;
  return [
    namespaceFilter({ allow: watchNamespaces, deny: denyList }),
    notPaused(),
    ...pausedAnnotations.map((annotation) => notPaused(annotation)),
    or(generationChanged, annotationsChanged, labelsChanged, ...alsoOn),
  ];
}
