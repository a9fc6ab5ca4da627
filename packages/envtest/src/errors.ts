/** Errors of @dsoi/envtest: each says what failed and what to do about it. */

/** Why the control plane (or a test helper such as the fault proxy) could not be used. */
export type EnvtestErrorReason =
  | 'BinariesNotFound'
  | 'BuildFailed'
  | 'StartFailed'
  | 'Timeout'
  | 'RequestFailed'
  | 'ProxyFailed';

/** Base class of every error thrown by @dsoi/envtest. */
export class EnvtestError extends Error {
  override readonly name: string = 'EnvtestError';
  readonly reason: EnvtestErrorReason;

  constructor(reason: EnvtestErrorReason, message: string, options?: ErrorOptions) {
    super(message, options);
    this.reason = reason;
  }
}

/** No kube-apiserver/etcd binaries were found and none could be built; the message lists every way to provide them. */
export class BinariesNotFoundError extends EnvtestError {
  override readonly name = 'BinariesNotFoundError';
  constructor(message: string, options?: ErrorOptions) {
    super('BinariesNotFound', message, options);
  }
}

/** A component (etcd, kube-apiserver, kube-controller-manager) exited or never became ready; holds its log tail. */
export class StartFailedError extends EnvtestError {
  override readonly name = 'StartFailedError';
  readonly component: string;
  readonly logTail: string;
  constructor(component: string, message: string, logTail: string, options?: ErrorOptions) {
    super('StartFailed', `${message}\n--- last lines of the ${component} log ---\n${logTail}`, options);
    this.component = component;
    this.logTail = logTail;
  }
}

/** An API request made by envtest itself (CRD install, namespace, token) failed. */
export class EnvtestRequestError extends EnvtestError {
  override readonly name = 'EnvtestRequestError';
  readonly statusCode: number;
  constructor(statusCode: number, message: string, options?: ErrorOptions) {
    super('RequestFailed', message, options);
    this.statusCode = statusCode;
  }
}

/** Whether `err` is an {@link EnvtestError}. */
export function isEnvtestError(err: unknown): err is EnvtestError {
  return err instanceof EnvtestError;
}
