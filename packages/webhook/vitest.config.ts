import { packageTests } from '../../config/vitest.js';

// The test/ files register webhooks with one real kube-apiserver for the run (each in its own namespace and group).
export default packageTests({ controlPlane: true });
