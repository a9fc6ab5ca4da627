/**
 * @dsoi/chart-testing: the test code both reference operators share (private; tests only). Real Helm, the chart
 * checks every operator's chart must pass, the least-privilege RBAC suite, the fault-scenario runner, the leader-failover
 * runner and cases, the Pod Security check of child pods, and the operator fixture and runner of their real-server test
 * files.
 */
export type { ChartInstaller, Grant } from './chartRbac.ts';
export {
  applyRbac,
  createChartInstaller,
  deniedRequests,
  grantsOf,
  namedGrant,
  unusedGrants,
  waitForRbac,
  withoutGrant,
  withoutNamespace,
} from './chartRbac.ts';
export type { ChartRbacOptions, MissingGrant, RbacOperatorOptions } from './chartRbacSuite.ts';
export { describeChartRbac } from './chartRbacSuite.ts';
export type { ChartSuiteOptions } from './chartSuite.ts';
export { describeChart } from './chartSuite.ts';
export type {
  FaultScenario,
  FaultScenarioOptions,
  ScenarioOperatorOptions,
  SimulatorOptions,
} from './faultScenario.ts';
export {
  committed,
  ownedChildrenProblems,
  problemsOfEach,
  scenarioOperator,
  simulateWorkloads,
  waitUntil,
  withFaultScenario,
  writesOf,
} from './faultScenario.ts';
export { chartAndGeneratedRules, checkGeneratedFiles } from './generatedFiles.ts';
export type { ChartRelease } from './helm.ts';
export { HelmError, helm, helmBinary, helmTemplate, valuesFile } from './helm.ts';
export type { InformerReads } from './informerScope.ts';
export { createUnrelatedConfigMaps, informerReads } from './informerScope.ts';
export { kubeTypes } from './kubeTypes.ts';
export type { LeaderFailoverOptions } from './leaderFailoverSuite.ts';
export { describeLeaderFailover } from './leaderFailoverSuite.ts';
export type { LostResponses } from './lostResponses.ts';
export { lostResponses } from './lostResponses.ts';
export type { NodeSpecCr, OddPodField } from './nodeSpecMutations.ts';
export { nodeSpecMutations, setOddPodField, withPodMetadata } from './nodeSpecMutations.ts';
export type { OperatorFixture, OperatorFixtureOptions } from './operatorFixture.ts';
export { createOperatorFixture } from './operatorFixture.ts';
export type { OperatorPair, OperatorPairOptions, OperatorProcess } from './operatorPair.ts';
export { withOperatorPair } from './operatorPair.ts';
export { compactEtcd, compactWhileCutOff, listsSince } from './planeFaults.ts';
export type { PodSecurityLevel, PodSecurityRefusal, WorkloadWithPodTemplate } from './podSecurity.ts';
export { createPodSecurityNamespace, podOf, podSecurityRefusals, privilegedProbe } from './podSecurity.ts';
export type { RolloutInFlightOptions } from './rolloutInFlight.ts';
export { waitForRolloutInFlight } from './rolloutInFlight.ts';
