import { packageTests } from '../../tools/config/vitest.js';

export default packageTests({ testTimeoutMs: 20_000 });
