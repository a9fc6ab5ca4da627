import { mergeConfig } from 'vitest/config';
import { packageTests } from '../../config/vitest.js';
import { dependencyVersions } from './versions.config.js';

export default mergeConfig(packageTests(), {
  define: { __DSOI_DEPENDENCY_VERSIONS__: JSON.stringify(dependencyVersions()) },
});
