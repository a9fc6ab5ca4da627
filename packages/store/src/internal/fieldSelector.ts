/** The field selectors a cache can evaluate itself: `metadata.name` and `metadata.namespace`, with `=`, `==` and `!=`. */
import type { KubeObject } from '@dsoi/object';
import { StoreError } from '../errors.js';

const fields = {
  'metadata.name': (obj: KubeObject) => obj.metadata?.name ?? '',
  'metadata.namespace': (obj: KubeObject) => obj.metadata?.namespace ?? '',
} as const;

/** Returns a predicate for `selector`; throws `StoreError` (`InvalidSelector`) for any other field or syntax. */
export function parseFieldSelector(selector: string): (obj: KubeObject) => boolean {
  const tests = selector
    .split(',')
    .map((term) => term.trim())
    .filter((term) => term !== '')
    .map((term) => {
      const match = /^([^=!\s]+)\s*(==|=|!=)\s*(.*)$/.exec(term);
      const read = match === null ? undefined : fields[match[1] as keyof typeof fields];
      if (match === null || read === undefined) {
        throw new StoreError(
          'InvalidSelector',
          `field selector ${JSON.stringify(selector)}: the cache can only evaluate metadata.name and metadata.namespace ` +
            `(=, ==, !=); "${term}" needs an informer created with exactly this fieldSelector`,
        );
      }
      const [, , operator, value] = match;
      return (obj: KubeObject) => (read(obj) === value) === (operator !== '!=');
    });
  return (obj) => tests.every((test) => test(obj));
}
