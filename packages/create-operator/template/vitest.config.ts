import { defineConfig } from 'vitest/config';

// One real control plane (etcd + kube-apiserver) for the whole run, started by test/controlPlane.ts.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/controlPlane.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
  },
});
