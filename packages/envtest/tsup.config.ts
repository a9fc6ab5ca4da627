import { cpSync } from 'node:fs';
import { packageBuild } from '../../config/tsup.js';

// The build script and wrapper Go modules ship in dist/testbin, so an installed @dsoi/envtest can build its own
// binaries (`dsoi-envtest build`) without the monorepo.
export default packageBuild({
  entry: ['src/index.ts', 'src/testing.ts', 'src/cli.ts'],
  shims: true,
  onSuccess: async () => {
    for (const file of ['build.sh', 'versions.env', 'kube/go.mod', 'kube/go.sum', 'etcd/go.mod', 'etcd/go.sum']) {
      cpSync(`../../tools/k8s-testbin/${file}`, `dist/testbin/${file}`, { recursive: true });
    }
  },
});
