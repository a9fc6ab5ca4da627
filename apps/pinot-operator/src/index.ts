/** @dsoi/pinot-operator: the reference operator for Apache Pinot, built on the @dsoi packages. */

// The custom resources: zod schemas (types and CRD schemas) and the generated CRDs
export { pinotApiVersion, pinotGroup, pinotVersion } from './api/common.ts';
export { pinotCrds } from './api/crds.ts';
export type {
  Pinot,
  PinotK8sConfig,
  PinotNode,
  PinotNodeConfig,
  PinotNodeType,
  PinotSpec,
  PinotStatus,
} from './api/pinot.ts';
export { pinotNodeTypes, pinotSchema, pinotSpecSchema, pinotStatusSchema } from './api/pinot.ts';
export type {
  PinotRestObject,
  PinotRestStatus,
  PinotSchemaSpec,
  PinotTableSpec,
  PinotTenantSpec,
} from './api/pinotRest.ts';
export {
  pinotSchemaObjectSchema,
  pinotSchemaSpecSchema,
  pinotTableObjectSchema,
  pinotTableSpecSchema,
  pinotTenantObjectSchema,
  pinotTenantSpecSchema,
} from './api/pinotRest.ts';
export type { PinotChildren, PinotOwner } from './cluster/desiredChildren.ts';
// Pure parts, for tests and tools
export { desiredPinotChildren, pinotConfigFile, pinotJavaOpts } from './cluster/desiredChildren.ts';
export type { PinotOperator, PinotOperatorOptions } from './operator.ts';
// The operator
export { createPinotOperator, legacyPinotIgnoreAnnotation, pinotOperatorDefaults, pinotType } from './operator.ts';
export type { ControllerUrlOverride } from './rest/controllerEndpoint.ts';
export type {
  PinotCredentials,
  PinotHttpClient,
  PinotHttpClientOptions,
  PinotResponse,
} from './rest/pinotHttpClient.ts';
export { createPinotHttpClient, PinotRequestError } from './rest/pinotHttpClient.ts';
export { semanticJsonEqual } from './rest/semanticJson.ts';
