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
  EnvtestError,
  EnvtestRequestError,
  isEnvtestError,
  StartFailedError,
} from './errors.js';
