// Type tests of the built objects, checked by `tsc` (the typecheck target): a built object is an object of the model
// and of its client-node type alike, so it goes to the client, the hash helpers and client-node APIs without a cast.
import type { KubeObject, Live } from '@dsoi/object';
import type { V1ConfigMap, V1Deployment, V1StatefulSet } from '@kubernetes/client-node';
import { expectTypeOf } from 'vitest';
import type { BuiltConfigMap } from './configMap.js';
import type { BuiltDeployment } from './deployment.js';
import type { BuiltStatefulSet } from './statefulSet.js';
import type { Built } from './types.js';

expectTypeOf<BuiltConfigMap>().toExtend<KubeObject>();
expectTypeOf<BuiltConfigMap>().toExtend<V1ConfigMap>();
expectTypeOf<BuiltStatefulSet>().toExtend<KubeObject<{ readonly replicas?: number }>>();
expectTypeOf<BuiltStatefulSet>().toExtend<V1StatefulSet>();
expectTypeOf<BuiltDeployment>().toExtend<V1Deployment>();
// The kind and its version are literal, and name and namespace are present.
expectTypeOf<BuiltStatefulSet['kind']>().toEqualTypeOf<'StatefulSet'>();
expectTypeOf<BuiltConfigMap['metadata']['namespace']>().toEqualTypeOf<string>();
// Not a live object: the server has not set its uid.
expectTypeOf<BuiltConfigMap>().not.toExtend<Live>();
// Only an object of the model can be built.
// @ts-expect-error a string is no Kubernetes object
expectTypeOf<Built<string, 'v1', 'ConfigMap'>>().not.toBeNever();
