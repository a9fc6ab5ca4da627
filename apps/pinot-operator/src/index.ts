/** @dsoi/pinot-operator: the reference operator for Apache Pinot, built on the @dsoi packages. */

// The custom resources: zod schemas (types and CRD schemas) and the generated CRDs
export { pinotApiVersion, pinotGroup, pinotVersion } from './api/common.js';
export { pinotCrds } from './api/crds.js';
export type {
  Pinot,
  PinotK8sConfig,
  PinotNode,
  PinotNodeConfig,
  PinotNodeType,
  PinotSpec,
  PinotStatus,
} from './api/pinot.js';
export { pinotNodeTypes, pinotSchema, pinotSpecSchema, pinotStatusSchema } from './api/pinot.js';
export type {
  PinotRestObject,
  PinotRestStatus,
  PinotSchemaSpec,
  PinotTableSpec,
  PinotTenantSpec,
} from './api/pinotRest.js';
export {
  pinotSchemaObjectSchema,
  pinotSchemaSpecSchema,
  pinotTableObjectSchema,
  pinotTableSpecSchema,
  pinotTenantObjectSchema,
  pinotTenantSpecSchema,
} from './api/pinotRest.js';
export type { PinotChildren, PinotOwner } from './cluster/desiredChildren.js';
// Pure parts, for tests and tools
export { desiredPinotChildren, pinotConfigFile, pinotJavaOpts } from './cluster/desiredChildren.js';
export type { PinotOperator, PinotOperatorOptions } from './operator.js';
// The operator
export { createPinotOperator, legacyPinotIgnoreAnnotation, pinotOperatorDefaults, pinotType } from './operator.js';
export type { ControllerUrlOverride } from './rest/controllerEndpoint.js';
export type {
  PinotCredentials,
  PinotHttpClient,
  PinotHttpClientOptions,
  PinotResponse,
} from './rest/pinotHttpClient.js';
export { createPinotHttpClient, PinotRequestError } from './rest/pinotHttpClient.js';
export { semanticJsonEqual } from './rest/semanticJson.js';
