/** Errors of @dsoi/envtest: each says what failed and what to do about it. */

/** Why the control plane (or a test helper such as the fault proxy) could not be used. */
export type EnvtestErrorReason =
  | 'BinariesNotFound'
  | 'BuildFailed'
  | 'StartFailed'
  | 'Timeout'
  | 'RequestFailed'
  | 'ProxyFailed'
  | 'DownloadFailed'
  | 'InvalidRelease'
  | 'VersionNotFound'
  | 'NoArchiveForPlatform'
  | 'ChecksumMismatch';

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

/** Fetching the envtest release index or an archive failed (network error or a non-200 answer). */
export class DownloadFailedError extends EnvtestError {
  override readonly name = 'DownloadFailedError';
  /** What was fetched. */
  readonly url: string;
  /** The HTTP status, when the server answered. */
  readonly statusCode: number | undefined;
  constructor(url: string, message: string, statusCode?: number, options?: ErrorOptions) {
    super('DownloadFailed', message, options);
    this.url = url;
    this.statusCode = statusCode;
  }
}

/** No release in the envtest index matches the requested version; `.available` lists the versions it has. */
export class VersionNotFoundError extends EnvtestError {
  override readonly name = 'VersionNotFoundError';
  /** The version as requested (`latest`, `1.33`, `1.33.2`). */
  readonly requested: string;
  /** Every version in the index, newest first. */
  readonly available: readonly string[];
  constructor(requested: string, available: readonly string[], message: string) {
    super('VersionNotFound', message);
    this.requested = requested;
    this.available = available;
  }
}

/** The matching release has no archive for this os/arch; `.available` lists the platforms it has. */
export class NoArchiveForPlatformError extends EnvtestError {
  override readonly name = 'NoArchiveForPlatformError';
  /** The newest release that matched the requested version. */
  readonly version: string;
  /** The platform asked for, `<os>/<arch>` in Go's names (`linux/amd64`). */
  readonly platform: string;
  /** The platforms that release has, `<os>/<arch>`. */
  readonly available: readonly string[];
  constructor(version: string, platform: string, available: readonly string[], message: string) {
    super('NoArchiveForPlatform', message);
    this.version = version;
    this.platform = platform;
    this.available = available;
  }
}

/** A downloaded archive's SHA-512 differs from the index's; nothing was unpacked. */
export class ChecksumMismatchError extends EnvtestError {
  override readonly name = 'ChecksumMismatchError';
  /** Where the archive came from. */
  readonly url: string;
  /** The SHA-512 the index gives (hex). */
  readonly expected: string;
  /** The SHA-512 of what was downloaded (hex). */
  readonly actual: string;
  constructor(url: string, expected: string, actual: string, message: string) {
    super('ChecksumMismatch', message);
    this.url = url;
    this.expected = expected;
    this.actual = actual;
  }
}

/** Whether `err` is an {@link EnvtestError}. */
export function isEnvtestError(err: unknown): err is EnvtestError {
  return err instanceof EnvtestError;
}
