/** The defaults of the DSOI node-workload builder, kept apart so that its internals can read them. */

/** The defaults of `buildNodeWorkload`, frozen; re-exported from `nodeWorkload.ts`. */
export const nodeWorkloadDefaults = Object.freeze({
  /** Pods per node when `node.replicas` is not given. */
  replicas: 1,
  /** The pod volume that holds the node's ConfigMap. */
  configVolumeName: 'app-config',
  /** Appended to the node name to derive the ConfigMap name. */
  configMapSuffix: '-config',
  /** Prefixed to the index of an unnamed storage entry to name its claim template. */
  storageNamePrefix: 'data-',
} as const);
