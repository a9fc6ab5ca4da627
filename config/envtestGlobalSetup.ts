/** vitest global setup for packages whose tests need the real control plane: one per run, torn down at the end. */
import { setupTestControlPlane } from '@dsoi/envtest/testing';

export default function setup(): Promise<() => Promise<void>> {
  return setupTestControlPlane();
}
