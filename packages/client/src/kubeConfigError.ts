/** The error `loadKubeConfig` throws: which kubeconfig, which field, and why; never a credential's value. */

/** What `loadKubeConfig` could not read, e.g. `KubeConfigError('users[admin].user.client-key', ...)`. */
export class KubeConfigError extends Error {
  override readonly name = 'KubeConfigError';
  /** Where the loader looked: a kubeconfig's path, or `'in-cluster'`. */
  readonly source: string;
  /** The field or variable at fault, e.g. `current-context`, `clusters[prod].cluster.server`, `KUBERNETES_SERVICE_HOST`. */
  readonly field: string;

  constructor(source: string, field: string, problem: string, options?: { cause?: unknown }) {
    super(`kubeconfig ${source}: ${field}: ${problem}`, options);
    this.source = source;
    this.field = field;
  }
}
