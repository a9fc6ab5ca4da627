/**
 * @dsoi/reconcile/resource: a custom resource kind from one spec schema and one status schema (zod 4, or any Standard
 * JSON Schema library): its CRD, the TypeScript type of its objects, and typed handles on a client or a cache.
 */
export type {
  CustomResourceApply,
  CustomResourceHandle,
  CustomResourceKey,
  CustomResourceReader,
} from './customResourceHandle.js';
export type {
  CustomResource,
  CustomResourceClient,
  CustomResourceMetadata,
  CustomResourceObject,
  CustomResourceOf,
  CustomResourceOptions,
  ResourceSchema,
  ResourceScope,
} from './defineCustomResource.js';
export { defineCustomResource } from './defineCustomResource.js';
