/**
 * @dsoi/reconcile/testing: what an operator's own tests need and the library's tests use too. An in-memory client
 * (the `Reader` and `Writer` seams), a logger that keeps every record, the planted-secret scan, and the frame of a property-based bad-input
 * suite (needs the optional peer `fast-check`). Test code only: never import it from an operator's runtime.
 */

// Fakes of the seams, background runs, Events
export type { BackgroundRun, RecordedEvent } from './background.js';
export { eventsRegarding, startInBackground } from './background.js';
export type {
  BadInputSnapshot,
  BadInputSuiteOptions,
  SuiteCondition,
  SuiteEvent,
  SuiteObject,
} from './badInputSuite.js';
export { badInputSuiteDefaults, runBadInputSuite } from './badInputSuite.js';
export type { FakeClient, FakeClientOptions, FakeWrite } from './fakeClient.js';
export { createFakeClient } from './fakeClient.js';
// Property-based bad input
export type { Mutation, MutationSpec, Outcome } from './hostileSpecs.js';
export {
  assign,
  dnsName,
  dnsTail,
  expectationOf,
  hostileCaseOf,
  hugeText,
  hugeUnits,
  mutate,
  mutation,
  oddText,
} from './hostileSpecs.js';
export { invalidSpecProblems } from './invalidSpecProblems.js';
export type { MemoryLogger } from './memoryLogger.js';
export { createMemoryLogger } from './memoryLogger.js';
// The planted-secret scan
export type { PlantedSecretHit, PlantedSecretPlace } from './plantedSecrets.js';
export { findPlantedSecrets, plantedSecretForms } from './plantedSecrets.js';
// An operator run in a test
export type { RunningTestOperator, TestOperatorOptions } from './testOperator.js';
export { startTestOperator, testOperatorDefaults } from './testOperator.js';
