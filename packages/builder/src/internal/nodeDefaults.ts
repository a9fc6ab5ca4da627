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
  /**
   * The pod security context every node's pod starts from; `k8sConfig.securityContext` is merged over it, field by
   * field. With `containerSecurityContext` it meets the Pod Security "restricted" level:
   * non-root (uid and gid 1000, which the Go Parseable operator used; images that run as root by default, such as
   * `apachepinot/pinot` and `parseable/parseable`, then run as 1000), volumes writable through `fsGroup` 1000, and the
   * runtime's default seccomp profile.
   */
  podSecurityContext: Object.freeze({
    runAsNonRoot: true,
    runAsUser: 1000,
    runAsGroup: 1000,
    fsGroup: 1000,
    seccompProfile: Object.freeze({ type: 'RuntimeDefault' }),
  }),
  /**
   * The container security context every node's container starts from; `k8sConfig.containerSecurityContext` is
   * merged over it, field by field: no privilege escalation and every capability dropped.
   */
  containerSecurityContext: Object.freeze({
    allowPrivilegeEscalation: false,
    capabilities: Object.freeze({ drop: Object.freeze(['ALL']) }),
  }),
} as const);
