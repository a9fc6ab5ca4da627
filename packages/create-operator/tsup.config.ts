import { packageBuild } from '../../config/tsup.js';
import { dependencyVersions } from './versions.config.js';

// The executable is its own entry; the versions of the @dsoi packages being released are compiled in.
export default packageBuild(
  {
    entry: { index: 'src/index.ts', cli: 'src/cli.ts' },
    define: { __DSOI_DEPENDENCY_VERSIONS__: JSON.stringify(dependencyVersions()) },
  },
  { nodeVersionGate: true },
);
