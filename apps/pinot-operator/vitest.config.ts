import { phasedTests } from '../../config/vitest.js';

/**
 * One vitest invocation (`npm test`), in three phases on one control plane: every test file in parallel; then the
 * fault suite, which starts its own control plane and loads the machine; then the oracle and migration tests one at
 * a time, as each runs a Go operator next to ours.
 */
export default phasedTests({
  controlPlane: true,
  phases: [
    { name: 'pinot', include: ['src/**/*.test.ts', 'test/**/*.test.ts'] },
    { name: 'pinot-faults', include: ['test/faults.test.ts'] },
    { name: 'pinot-peers', include: ['test/oracle.test.ts', 'test/migration.test.ts'], serial: true },
  ],
});
