import { packageBuild } from '../../config/tsup.js';

// Named entries, so each lands at the top of dist/ beside the Node version gate its banner imports. Code shared by
// entries (the error classes above all) is split into chunks, so `instanceof` holds across entries.
export default packageBuild({
  entry: {
    index: 'src/index.ts',
    controller: 'src/controller/index.ts',
    children: 'src/children/index.ts',
    manager: 'src/manager/index.ts',
    dsoi: 'src/dsoi/index.ts',
    resource: 'src/resource/index.ts',
    testing: 'src/testing/index.ts',
    cli: 'src/generate/main.ts',
  },
});
