/** How the client's resource mapper reads discovery: one GET of a group version's resource list. */
import type { FetchGroupVersion } from '../resourceMapper.js';
import { groupVersionPath } from './paths.js';
import type { Requester } from './requester.js';

/** Reads `/api/v1` or `/apis/<group>/<version>` through `requester`, reported as the operation `discovery`. */
export function createDiscoveryFetch(requester: Requester): FetchGroupVersion {
  return (group, version) => {
    const apiVersion = group === '' ? version : `${group}/${version}`;
    const plan = { method: 'GET', path: groupVersionPath(group, version), idempotent: true } as const;
    const about = {
      operation: 'discovery',
      verb: 'get',
      group,
      version,
      resource: '',
      target: { apiVersion },
    } as const;
    return requester.json({ ...plan, ...about }, {});
  };
}
