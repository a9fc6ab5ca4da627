/** @dsoi/envtest: a real local Kubernetes control plane (etcd + kube-apiserver) for tests and demos. */

export type { ControlPlaneBinaries, FindBinariesOptions } from './binaries.js';
// Binaries
export { cacheRoot, findBinaries } from './binaries.js';
export type { ControlPlane, ControlPlaneOptions } from './controlPlane.js';
// Control plane
export { controlPlaneDefaults, startControlPlane } from './controlPlane.js';
export type { CrdSource, CustomResourceDefinitionObject, InstallCrdsOptions } from './crds.js';
// CRDs
export { installCrds, loadCrds } from './crds.js';
export type { EnvtestErrorReason } from './errors.js';
// Errors
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
export type {
  EnvtestArchive,
  EnvtestRelease,
  ListReleasedBinariesOptions,
  ReleasedBinaries,
  UseReleasedBinariesOptions,
} from './releasedBinaries.js';
// Released binaries (the envtest archives setup-envtest downloads)
export { listReleasedBinaries, releasedBinariesDefaults, useReleasedBinaries } from './releasedBinaries.js';
