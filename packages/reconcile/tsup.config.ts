import { packageBuild } from '../../tools/config/tsup.js';

export default packageBuild();
