import { packageTests } from '../../config/vitest.js';

export default packageTests({ testTimeoutMs: 20_000 });
