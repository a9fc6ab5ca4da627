// Type tests of the model, checked by `tsc` (the typecheck target): what must fit does, what must not is refused.
import type { V1ConfigMap, V1Deployment, V1ObjectMeta, V1StatefulSet } from '@kubernetes/client-node';
import { expectTypeOf } from 'vitest';
import type { KubeObject, Live, ObjectMeta, ObjectRef, TypeMeta } from './index.js';

// @kubernetes/client-node's models are objects of the model, as they are.
expectTypeOf<V1ConfigMap>().toExtend<KubeObject>();
expectTypeOf<V1StatefulSet>().toExtend<KubeObject>();
expectTypeOf<V1ObjectMeta>().toExtend<ObjectMeta>();

// Narrowed by its parameters: a Deployment is a KubeObject of its spec and status types, and of a Pick of them.
expectTypeOf<V1Deployment>().toExtend<
  KubeObject<{ readonly replicas?: number }, { readonly readyReplicas?: number }>
>();
expectTypeOf<KubeObject<{ size: number }>['spec']>().toEqualTypeOf<{ size: number } | undefined>();
// ... and a spec of another type does not fit.
expectTypeOf<KubeObject<{ size: string }>>().not.toExtend<KubeObject<{ size: number }>>();

// A CRD interface of its own fits without naming the model.
interface Pinot {
  readonly apiVersion: 'datainfra.io/v1beta1';
  readonly kind: 'Pinot';
  readonly metadata: { readonly name: string; readonly namespace: string };
  readonly spec: { readonly nodes: readonly { readonly name: string }[] };
}
expectTypeOf<Pinot>().toExtend<KubeObject<Pinot['spec']>>();

// Live: the server's fields are set, the object's own are kept.
expectTypeOf<Live<Pinot>['metadata']['uid']>().toEqualTypeOf<string>();
expectTypeOf<Live<Pinot>['spec']>().toEqualTypeOf<Pinot['spec']>();

// Metadata read from JSON has string timestamps; the models have Dates: both fit.
expectTypeOf<{ deletionTimestamp: string }>().toExtend<ObjectMeta>();
expectTypeOf<{ deletionTimestamp: Date }>().toExtend<ObjectMeta>();
expectTypeOf<{ generation: string }>().not.toExtend<ObjectMeta>();

// A reference names a kind and an object; a kind alone is no reference.
expectTypeOf<ObjectRef>().toExtend<TypeMeta>();
expectTypeOf<TypeMeta>().not.toExtend<ObjectRef>();
