/**
 * @dsoi/object: the one object model every dsoi package speaks. Types only: nothing here exists at run time, so
 * import it with `import type`.
 */

// An object, narrowed by generics, and an object as the API server returns it
export type { KubeObject, Live, ServerFields } from './kubeObject.js';
// Its metadata
export type { ObjectMeta, OwnerReference } from './objectMeta.js';
// References to a kind and to one object
export type { ObjectRef, TypeMeta } from './objectRef.js';
