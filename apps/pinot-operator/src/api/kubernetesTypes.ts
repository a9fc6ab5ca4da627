/**
 * Zod placeholders for the Kubernetes types the Pinot CRDs embed (ServiceSpec, Volume, Probe, ...). At run time
 * they accept any object (the API server has already validated it against the CRD); in the generated CRD they
 * become the real structural schemas that `@dsoi/builder` extracted from a kube-apiserver's OpenAPI document.
 */
import type { KubernetesSchemaName, KubernetesSchemaTypes } from '@dsoi/builder/crd';
import { z } from 'zod';

/** The metadata key that marks a placeholder with the Kubernetes type it stands for. */
export const kubernetesTypeKey = 'x-dsoi-kubernetes-type';

function kubernetesType<TName extends KubernetesSchemaName>(name: TName) {
  return z
    .custom<KubernetesSchemaTypes[TName]>(
      (value) => typeof value === 'object' && value !== null && !Array.isArray(value),
      {
        message: `expected a ${name} object`,
      },
    )
    .meta({ [kubernetesTypeKey]: name });
}

/** core/v1 ContainerPort. */
export const containerPort = kubernetesType('ContainerPort');
/** core/v1 EnvVar. */
export const envVar = kubernetesType('EnvVar');
/** core/v1 PersistentVolumeClaimSpec. */
export const persistentVolumeClaimSpec = kubernetesType('PersistentVolumeClaimSpec');
/** core/v1 Probe. */
export const probe = kubernetesType('Probe');
/** core/v1 ResourceRequirements. */
export const resourceRequirements = kubernetesType('ResourceRequirements');
/** core/v1 ServiceSpec. */
export const serviceSpec = kubernetesType('ServiceSpec');
/** core/v1 Toleration. */
export const toleration = kubernetesType('Toleration');
/** core/v1 Volume. */
export const volume = kubernetesType('Volume');
/** core/v1 VolumeMount. */
export const volumeMount = kubernetesType('VolumeMount');
