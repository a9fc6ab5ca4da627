/** @dsoi/create-operator: `npm create @dsoi/operator` writes a standalone, tested TypeScript operator project. */

// The command line: flags, defaults, usage and the error that names a bad flag
export type { CreateOperatorArgs } from './createOperatorArgs.js';
export {
  CreateOperatorUsageError,
  createOperatorDefaults,
  createOperatorUsage,
  parseCreateOperatorArgs,
} from './createOperatorArgs.js';
// Writing a project
export type { CreatedOperatorProject, CreateOperatorProjectOptions } from './createOperatorProject.js';
export { createOperatorProject } from './createOperatorProject.js';
// Names derived from the kind, group and version
export type { OperatorNames } from './operatorNames.js';
export { operatorNames } from './operatorNames.js';
