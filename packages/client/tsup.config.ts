import { packageBuild } from '../../config/tsup.js';

// Named entries, so each lands at the top of dist/ beside the Node version gate its banner imports.
export default packageBuild({ entry: { index: 'src/index.ts', errors: 'src/errors.ts' } });
