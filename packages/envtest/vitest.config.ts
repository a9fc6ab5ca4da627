import { packageTests } from '../../config/vitest.js';

// envtest's tests start their own control planes (they test starting and stopping), so no global setup here.
export default packageTests({ testTimeoutMs: 120_000 });
