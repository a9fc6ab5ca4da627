/**
 * Writes the server commits while the operator sees a reset: the lost-response case both operators' fault suites run
 * (`apps/*\/test/faults.test.ts`), injected and counted on the scenario's fault proxy.
 */
import type { FaultProxy, ProxyRequestRecord } from '@dsoi/envtest/testing';
import { committed } from './faultScenario.ts';

/** What {@link lostResponses} gives a case. */
export interface LostResponses {
  /** The next `times` writes of `resource` (`services`, `pinots/status`) reach the server, and their answers are lost. */
  lose(resource: string, times: number): void;
  /** The writes whose answers were lost so far. */
  lost(): ProxyRequestRecord[];
  /** How many answers were lost per resource, for each of `resources`. */
  countsOf(resources: readonly string[]): Record<string, number>;
  /** Those of `resources` with no lost answer to a write the server committed (the case wants none). */
  withoutCommitted(resources: readonly string[]): string[];
}

/** A record's resource as {@link LostResponses} names it: `pinots/status` for a subresource. */
const resourceOf = (r: ProxyRequestRecord) => `${r.resource}${r.subresource ? `/${r.subresource}` : ''}`;

/** Lost answers on `proxy`: inject them with `lose`, read them back with `lost`, `countsOf` and `withoutCommitted`. */
export function lostResponses(proxy: FaultProxy): LostResponses {
  const lost = () => proxy.log.filter((r) => r.fault === 'lostResponse');
  return {
    lose: (resource, times) => {
      proxy.inject({ match: { writes: true, resource }, fault: { type: 'lostResponse' }, times });
    },
    lost,
    countsOf: (resources) =>
      Object.fromEntries(resources.map((k) => [k, lost().filter((r) => resourceOf(r) === k).length])),
    withoutCommitted: (resources) => resources.filter((k) => !lost().some((r) => resourceOf(r) === k && committed(r))),
  };
}
