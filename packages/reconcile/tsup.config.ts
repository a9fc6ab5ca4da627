import { packageBuild } from '../../tools/config/tsup.js';

// Named entries, so each lands at the top of dist/ beside the Node version gate its banner imports.
export default packageBuild({
  entry: {
    index: 'src/index.ts',
    dsoi: 'src/dsoi/index.ts',
    testing: 'src/testing/index.ts',
    cli: 'src/generate/main.ts',
  },
});
