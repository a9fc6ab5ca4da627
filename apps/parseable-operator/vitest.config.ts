import { phasedTests } from '../../config/vitest.js';

/**
 * One vitest invocation (`npm test`) on one control plane: every test file in parallel; then the fault files that
 * load the machine or the control plane, side by side: the faults of the control plane itself (on a control plane of
 * their own, which they stop and compact) and leader failover (two operator processes with a 4 s lease, which the
 * first phase's load would starve); then the oracle and migration tests one at a time, as each runs the Go operator
 * next to ours.
 */
export default phasedTests({
  controlPlane: true,
  phases: [
    { name: 'parseable', include: ['src/**/*.test.ts', 'test/**/*.test.ts'] },
    { name: 'parseable-faults', include: ['test/faults.plane.test.ts', 'test/faults.leader.test.ts'] },
    { name: 'parseable-peers', include: ['test/oracle.test.ts', 'test/migration.test.ts'], serial: true },
  ],
});
