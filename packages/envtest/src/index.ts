/** @dsoi/envtest: a real local Kubernetes control plane (etcd + kube-apiserver) for tests and demos. */

// Binaries
export type { ControlPlaneBinaries, FindBinariesOptions } from './binaries.js';
export { cacheRoot, findBinaries } from './binaries.js';
// Control plane
export type { ControlPlane, ControlPlaneOptions } from './controlPlane.js';
export { controlPlaneDefaults, startControlPlane } from './controlPlane.js';
// CRDs
export type { CrdSource, CustomResourceDefinitionObject, InstallCrdsOptions } from './crds.js';
export { installCrds, loadCrds } from './crds.js';
// Errors
export type { EnvtestErrorReason } from './errors.js';
export {
  BinariesNotFoundError,
  ChecksumMismatchError,
  DownloadFailedError,
  EnvtestError,
  EnvtestRequestError,
  isEnvtestError,
  NoArchiveForPlatformError,
  StartFailedError,
  VersionNotFoundError,
} from './errors.js';
// Released binaries (the envtest archives setup-envtest downloads)
export type {
  EnvtestArchive,
  EnvtestRelease,
  ListReleasedBinariesOptions,
  ReleasedBinaries,
  UseReleasedBinariesOptions,
} from './releasedBinaries.js';
export { listReleasedBinaries, releasedBinariesDefaults, useReleasedBinaries } from './releasedBinaries.js';
