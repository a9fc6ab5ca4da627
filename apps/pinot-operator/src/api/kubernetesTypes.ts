/**
 * Zod placeholders for the Kubernetes types the Pinot CRDs embed (ServiceSpec, Volume, Probe, ...). At run time
 * they accept any object (the API server has already validated it against the CRD); in the generated CRD they
 * become the real structural schemas that `@dsoi/builder` extracted from a kube-apiserver's OpenAPI document.
 */
import type { KubernetesSchemaName } from '@dsoi/builder/crd';
import type {
  V1ContainerPort,
  V1EnvVar,
  V1PersistentVolumeClaimSpec,
  V1Probe,
  V1ResourceRequirements,
  V1ServiceSpec,
  V1Toleration,
  V1Volume,
  V1VolumeMount,
} from '@kubernetes/client-node';
import { z } from 'zod';

/** The metadata key that marks a placeholder with the Kubernetes type it stands for. */
export const kubernetesTypeKey = 'x-dsoi-kubernetes-type';

function kubernetesType<T>(name: KubernetesSchemaName) {
  return z
    .custom<T>((value) => typeof value === 'object' && value !== null && !Array.isArray(value), {
      message: `expected a ${name} object`,
    })
    .meta({ [kubernetesTypeKey]: name });
}

/** core/v1 ContainerPort. */
export const containerPort = kubernetesType<V1ContainerPort>('ContainerPort');
/** core/v1 EnvVar. */
export const envVar = kubernetesType<V1EnvVar>('EnvVar');
/** core/v1 PersistentVolumeClaimSpec. */
export const persistentVolumeClaimSpec = kubernetesType<V1PersistentVolumeClaimSpec>('PersistentVolumeClaimSpec');
/** core/v1 Probe. */
export const probe = kubernetesType<V1Probe>('Probe');
/** core/v1 ResourceRequirements. */
export const resourceRequirements = kubernetesType<V1ResourceRequirements>('ResourceRequirements');
/** core/v1 ServiceSpec. */
export const serviceSpec = kubernetesType<V1ServiceSpec>('ServiceSpec');
/** core/v1 Toleration. */
export const toleration = kubernetesType<V1Toleration>('Toleration');
/** core/v1 Volume. */
export const volume = kubernetesType<V1Volume>('Volume');
/** core/v1 VolumeMount. */
export const volumeMount = kubernetesType<V1VolumeMount>('VolumeMount');
