/** vitest global setup: starts the control plane once, hands its kubeconfig to the tests, stops it at the end. */
import { setupTestControlPlane } from '@dsoi/envtest/testing';

export default function setup(): Promise<() => Promise<void>> {
  return setupTestControlPlane();
}
